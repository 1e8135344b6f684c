"""Admin sessions the database confirmed a moment ago, so that a dashboard's refresh can be
answered without reading the database (and without a thread) when its answer is shared too.

A session is checked against the database (its epoch, the communities its admin runs) at most
every ``CHECKED_FOR`` (1 s by default: half the answers' staleness bound, DASHBOARD_SHARED_S), per
process. What that leaves, and what it does not:

- the cookie itself (signature and 8-hour age) is checked on every request, so an expired or
  forged cookie is refused at once;
- logging out, and logging in again (which ends the older sessions), through this process drop
  the user's checked sessions at once, so the next request reads the database and is refused;
- logging out through another ``serve`` process, or losing one's admin role, is seen within
  ``CHECKED_FOR``: until then a dashboard already open may be served the shared answers it was
  allowed a moment ago (which are themselves up to DASHBOARD_SHARED_S old).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from tgexchange.domain.dashboard import Viewer
from tgexchange.services.ports import Clock

CHECKED_FOR = timedelta(seconds=1)
# A bound on memory: one entry per admin with an open dashboard; the oldest go first.
MAX_SESSIONS = 4096


@dataclass(frozen=True, slots=True)
class _Checked:
    viewer: Viewer
    at: datetime


class KnownViewers:
    """Viewers by (Telegram user, session epoch), each for ``checked_for`` on ``clock`` from when
    its check began. Thread-safe. Checking for no time at all keeps nothing."""

    def __init__(self, clock: Clock, *, checked_for: timedelta = CHECKED_FOR, max_sessions: int = MAX_SESSIONS) -> None:
        self._clock = clock
        self._checked_for = checked_for
        self._max_sessions = max_sessions
        self._checked: dict[tuple[int, int], _Checked] = {}
        self._lock = threading.Lock()
        self._generation = 0  # moves on with every forget_user()

    def find(self, telegram_user_id: int, epoch: int) -> Viewer | None:
        """The viewer of a session checked less than ``checked_for`` ago, else None."""
        now = self._clock.now()
        with self._lock:
            found = self._checked.get((telegram_user_id, epoch))
        if found is None or not found.at <= now < found.at + self._checked_for:
            return None
        return found.viewer

    def ticket(self) -> tuple[int, datetime]:
        """Taken before a check reads the database; ``keep`` needs it (see there)."""
        with self._lock:
            return self._generation, self._clock.now()

    def keep(self, telegram_user_id: int, epoch: int, viewer: Viewer, ticket: tuple[int, datetime]) -> None:
        """Remembers a check that began at ``ticket``, unless a user's sessions were dropped since
        (the check may have read the database before a logout)."""
        generation, at = ticket
        if not self._checked_for:
            return
        with self._lock:
            if generation != self._generation:
                return
            self._checked.pop((telegram_user_id, epoch), None)
            while len(self._checked) >= self._max_sessions:
                del self._checked[next(iter(self._checked))]
            self._checked[(telegram_user_id, epoch)] = _Checked(viewer, at)

    def forget_user(self, telegram_user_id: int) -> None:
        """Drops every checked session of the user: they logged out or in again here."""
        with self._lock:
            for key in [k for k in self._checked if k[0] == telegram_user_id]:
                del self._checked[key]
            self._generation += 1
