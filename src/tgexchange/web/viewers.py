"""One database check of a dashboard session for all the requests of that session that arrive
while it runs: a page sends its five refreshes at once, and each used to check the same session
on its own worker thread; now the first one's check (one thread hop) answers all five, and those
whose answers are kept are then served on the event loop with no thread at all
(web/shared_answers.shared_json).

Nothing is remembered once a check is over: the next request checks again, so a logout, a new
login or a lost admin role is seen by every request that arrives after it, as before. A request
shares only a check that began before it arrived; when a logout or a login happens in this process
(``ended()``), requests arriving afterwards start a new check rather than share one that may have
read the database before it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

from tgexchange.domain.dashboard import Viewer


class SessionChecks:
    """Checks under way, by session cookie. ``check`` runs on the event loop; ``ended`` on any thread."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[int, asyncio.Future[Viewer | None]]] = {}
        self._lock = threading.Lock()
        self._generation = 0  # moves on with every ended()

    def ended(self) -> None:
        """A session ended here (logout, or a new login of its user): no check under way is shared
        with the requests that arrive from now on."""
        with self._lock:
            self._generation += 1

    async def check(self, cookie: str, run: Callable[[], Awaitable[Viewer | None]]) -> Viewer | None:
        """``run()``'s viewer for the session ``cookie``, sharing a run of it already under way for the
        same cookie (since the last ``ended()``). What it raises is raised to every request sharing it."""
        with self._lock:
            generation = self._generation
        pending = self._pending.get(cookie)
        if pending is not None and pending[0] == generation:
            return await asyncio.shield(pending[1])
        running = asyncio.ensure_future(run())
        self._pending[cookie] = (generation, running)

        def done(_: object) -> None:
            found = self._pending.get(cookie)
            if found is not None and found[1] is running:
                del self._pending[cookie]

        running.add_done_callback(done)
        # Shielded: a request whose client went away must not cancel the others' check.
        return await asyncio.shield(running)

    def __len__(self) -> int:
        return len(self._pending)
