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
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tgexchange.domain.dashboard import Viewer
from tgexchange.services.ports import Clock
from tgexchange.web.auth import container_of, current_viewer

# The staleness bound by default (DASHBOARD_SHARED_S): short against the page's 10 s refresh, long
# enough that the ten admins of a community refreshing at random moments share most answers.
SHARED_FOR = timedelta(seconds=2)
# A bound on memory: keys hold validated query values, but an admin can still vary them (limits,
# hours) to make new keys; expired answers go first, then the oldest.
MAX_ANSWERS = 2048


@dataclass(frozen=True, slots=True)
class _Answer:
    asked_at: datetime
    body: bytes


class SharedAnswers:
    """JSON bodies by question, each kept for ``shared_for`` on ``clock`` from when its
    computation started. Thread-safe: the dashboard computes answers on worker threads."""

    def __init__(self, clock: Clock, *, shared_for: timedelta = SHARED_FOR, max_answers: int = MAX_ANSWERS) -> None:
        self._clock = clock
        self._shared_for = shared_for
        self._max_answers = max_answers
        self._answers: dict[Hashable, _Answer] = {}
        self._computing: dict[Hashable, Future[bytes]] = {}
        self._lock = threading.Lock()
        self._generation = 0  # moves on with every forget()

    def _is_fresh(self, answer: _Answer, now: datetime) -> bool:
        # A clock set back must not keep an answer alive for longer than the bound.
        return answer.asked_at <= now < answer.asked_at + self._shared_for

    def answer(self, question: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The body computed for ``question`` less than ``shared_for`` ago, else ``compute()``'s
        (computed once however many threads ask at the same time; what it raises is raised to
        each of them, and nothing is kept). Sharing for no time at all computes every answer."""
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
                self._keep(question, _Answer(now, body))
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

    One worker thread does it all (the session look-up, the look-up of the answer and, when none is
    fresh, the reads and the encoding): every hop to a thread waits for a free thread and the GIL,
    and with hundreds of pages open three hops a request were most of its time."""
    container = container_of(request)
    shared = shared_answers_of(request)

    def answered() -> bytes:
        viewer = current_viewer(request)
        now = container.clock.now()
        key = (question, community_id, viewer.is_operator, viewer.scope(community_id), moment(now))
        return shared.answer(key, lambda: view(viewer, now))

    return Response(await run_in_threadpool(answered), media_type="application/json")
