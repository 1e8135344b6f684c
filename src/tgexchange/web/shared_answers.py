"""Answers shared between dashboards that ask the same question within a moment.

Every open dashboard asks the same five questions every 10 s, and the ten admins of a community
ask them with the same filters: with 200 pages open the server answered each question about ten
times over per refresh interval (docs/RELIABILITY.md, "Load"). An answer is computed once and
served to whoever asks the same question for ``DASHBOARD_SHARED_S`` after that (2 s by default),
so a figure on the dashboard may be up to that much older than the database
(docs/DESIGN-NOTES.md, "Dashboard").

The key is the caller's business, and must hold everything the answer depends on, the viewer's
scope first: the cache is looked up only after the request's session has been checked and its
scope computed (an admin sees their own communities only), so an answer is only ever shared
between viewers who may see exactly the same communities.

Concurrent askers of a question nobody has answered yet wait for the first one's computation
(single flight) instead of each reading the database: a page asks its five questions at once,
and pages that opened together refresh together.

Stale while revalidating, within the bound: once an answer is half its bound old, the next asker
is still served it, and one background thread computes its successor, so that no request waits for
the database while an answer is being renewed. An answer is never served at or past the bound
(whoever asks then computes it, or waits for the refresh under way), nor after ``forget()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tgexchange.domain.dashboard import Viewer
from tgexchange.services.ports import Clock
from tgexchange.web.auth import NO_VIEWER, Unauthorized, checked_viewer, container_of

log = structlog.get_logger(__name__)

# The staleness bound by default (DASHBOARD_SHARED_S): short against the page's 10 s refresh, long
# enough that the ten admins of a community refreshing at random moments share most answers.
SHARED_FOR = timedelta(seconds=2)
# A bound on memory: keys hold validated query values, but an admin can still vary them (limits,
# hours) to make new keys; expired answers go first, then the oldest.
MAX_ANSWERS = 2048
# Threads that renew answers in the background: two keep up with a hundred questions a second
# (a few ms each) without competing much with the event loop for the GIL.
REFRESHERS = 2


@dataclass(frozen=True, slots=True)
class _Answer:
    asked_at: datetime
    body: bytes


class SharedAnswers:
    """JSON bodies by question, each kept for ``shared_for`` on ``clock`` from when its
    computation started, and renewed in the background (on ``refresher``) once half that old.
    Thread-safe: the dashboard looks answers up on the event loop and computes them on threads."""

    def __init__(
        self,
        clock: Clock,
        *,
        shared_for: timedelta = SHARED_FOR,
        max_answers: int = MAX_ANSWERS,
        refresher: Executor | None = None,
    ) -> None:
        self._clock = clock
        self._shared_for = shared_for
        self._max_answers = max_answers
        self._answers: dict[Hashable, _Answer] = {}
        self._computing: dict[Hashable, Future[bytes]] = {}
        self._lock = threading.Lock()
        self._generation = 0  # moves on with every forget()
        self._refresher = refresher

    def _is_fresh(self, answer: _Answer, now: datetime) -> bool:
        # A clock set back must not keep an answer alive for longer than the bound.
        return answer.asked_at <= now < answer.asked_at + self._shared_for

    def served(self, question: Hashable, refresh: Callable[[], bytes]) -> bytes | None:
        """The body kept for ``question`` if it is younger than ``shared_for``, else None (the
        caller then asks ``answer()``). Never blocks on a computation: an answer half its bound
        old or older is served while ``refresh()`` computes its successor on a background thread
        (one at a time per question; a failure is logged and leaves the kept answer to expire)."""
        if not self._shared_for:
            return None
        now = self._clock.now()
        with self._lock:
            kept = self._answers.get(question)
            if kept is None or not self._is_fresh(kept, now):
                return None
            if now < kept.asked_at + self._shared_for / 2 or question in self._computing:
                return kept.body
            mine: Future[bytes] = Future()
            self._computing[question] = mine
            generation = self._generation
        self._background().submit(self._refresh, question, refresh, mine, generation)
        return kept.body

    def _background(self) -> Executor:
        with self._lock:
            if self._refresher is None:
                self._refresher = ThreadPoolExecutor(REFRESHERS, thread_name_prefix="shared-answers")
            return self._refresher

    def _refresh(self, question: Hashable, refresh: Callable[[], bytes], mine: Future[bytes], generation: int) -> None:
        # Started now (it may have queued): the data it reads is at least this new.
        try:
            self._computed(question, refresh, mine, generation, self._clock.now())
        except Exception:
            log.warning("shared_answer_refresh_failed", question=repr(question)[:200], exc_info=True)

    def answer(self, question: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The body computed for ``question`` less than ``shared_for`` ago, else ``compute()``'s
        (computed once however many threads ask at the same time, a background refresh included;
        what it raises is raised to each of them, and nothing is kept). Sharing for no time at all
        computes every answer."""
        if not self._shared_for:
            return compute()
        now = self._clock.now()
        with self._lock:
            kept = self._answers.get(question)
            if kept is not None and self._is_fresh(kept, now):
                return kept.body
            pending = self._computing.get(question)
            if pending is None:
                mine: Future[bytes] = Future()
                self._computing[question] = mine
                generation = self._generation
        if pending is not None:
            return pending.result()
        return self._computed(question, compute, mine, generation, now)

    def _computed(
        self, question: Hashable, compute: Callable[[], bytes], mine: Future[bytes], generation: int, asked_at: datetime
    ) -> bytes:
        try:
            body = compute()
        except BaseException as error:
            with self._lock:
                self._drop_pending(question, mine)
            mine.set_exception(error)
            raise
        with self._lock:
            self._drop_pending(question, mine)
            if generation == self._generation:  # else forget() ran meanwhile: it may predate the change
                self._keep(question, _Answer(asked_at, body))
        mine.set_result(body)
        return body

    def _drop_pending(self, question: Hashable, mine: Future[bytes]) -> None:
        if self._computing.get(question) is mine:  # forget() may have dropped it already
            del self._computing[question]

    def _keep(self, question: Hashable, answer: _Answer) -> None:
        self._answers.pop(question, None)
        if len(self._answers) >= self._max_answers:
            now = self._clock.now()
            for stale in [q for q, a in self._answers.items() if not self._is_fresh(a, now)]:
                del self._answers[stale]
            while len(self._answers) >= self._max_answers:
                del self._answers[next(iter(self._answers))]  # the oldest kept
        self._answers[question] = answer

    def forget(self) -> None:
        """Drops every kept answer: after a change this process made that a viewer must see on
        their next refresh (the kill switch)."""
        with self._lock:
            self._answers.clear()
            self._computing.clear()  # an answer being computed may predate the change, too
            self._generation += 1

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers)


def shared_answers_of(request: Request) -> SharedAnswers:
    shared: SharedAnswers = request.app.state.shared_answers
    return shared


def _day(now: datetime) -> Hashable:
    return now.date()


async def shared_json(
    request: Request,
    question: Hashable,
    view: Callable[[Viewer, datetime], bytes],
    *,
    community_id: int | None = None,
    moment: Callable[[datetime], Hashable] = _day,
) -> Response:
    """``view``'s JSON for this request's viewer, shared with every viewer who asks the same
    ``question`` (the endpoint and its validated filters) over the same communities while the
    answer is fresh. ``moment`` is what of the clock's now the answer depends on (by default
    today's date, which the periods count back from). Raises Unauthorized (401) without a valid
    session and NotYourCommunity (403) for a community the admin does not run: both before any
    answer is looked up.

    The session's database check is shared by the requests of that session that arrive while it
    runs (a page sends its five at once: one thread hop for the five, web/viewers.py), and a kept
    answer is served from the event loop; only an answer to compute goes to a worker thread. Every
    hop to a thread waits for a free thread and the GIL, and under a crowd of pages that wait was
    most of a request's time in the server (docs/RELIABILITY.md, "Load")."""
    container = container_of(request)
    shared = shared_answers_of(request)
    viewer = await checked_viewer(request)
    if viewer is None:
        raise Unauthorized(NO_VIEWER)
    now = container.clock.now()
    key = (question, community_id, viewer.is_operator, viewer.scope(community_id), moment(now))

    def computed() -> bytes:
        return view(viewer, now)

    body = shared.served(key, computed)
    if body is None:
        body = await run_in_threadpool(shared.answer, key, computed)
    return Response(body, media_type="application/json")
