"""A lock in the queue's storage that a crashed worker cannot hold forever.

Huey's own task locks take a TTL only on Redis 7.4+ (hash-field expiry); on SQLite and
PostgreSQL a worker killed while holding one would block its submission until someone flushed
the locks by hand. Here the lock's value is its expiry time, and an expired lock is taken over.
Two workers taking over the same expired lock at the same instant could both run: harmless,
because every decision is a database transaction that re-reads the task and pays at most once.
"""

from __future__ import annotations

import time
from types import TracebackType

from huey import Huey
from huey.exceptions import TaskLockedException


class ExpiringLock:
    def __init__(self, huey: Huey, name: str, *, ttl_s: float) -> None:
        self._huey = huey
        self._key = f"{huey.name}.xlock.{name}"
        self._ttl_s = ttl_s
        self._mine: float | None = None  # the expiry this holder wrote

    def acquire(self) -> None:
        """Raises TaskLockedException while another holder's lock is alive."""
        now = time.time()
        mine = now + self._ttl_s
        if self._huey.put_if_empty(self._key, mine):
            self._mine = mine
            return
        expires_at = self._huey.get(self._key, peek=True)
        if isinstance(expires_at, float) and expires_at < now:
            self._huey.delete(self._key)  # its holder died: take it over
            if self._huey.put_if_empty(self._key, mine):
                self._mine = mine
                return
        raise TaskLockedException(f"unable to acquire lock {self._key}")

    def release(self) -> None:
        """Frees the lock unless it expired and someone took it over meanwhile (a pass that ran
        longer than the TTL must not free the next holder's lock)."""
        if self._mine is not None and self._huey.get(self._key, peek=True) == self._mine:
            self._huey.delete(self._key)
        self._mine = None

    def __enter__(self) -> ExpiringLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
