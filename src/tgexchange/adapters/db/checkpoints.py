"""SQLite's WAL checkpoints, taken by a thread of their own instead of by whichever commit crosses
the threshold.

By default the commit that grows the WAL past 1,000 pages copies them into the database file and
waits for the disk (``synchronous=NORMAL`` syncs at checkpoints only). In the bot that commit runs
on the event loop (bot/runtime.py: SQLite use cases run there, one at a time), so every member's
answer waited behind the disk: with the webhook inbox's INSERT per update, a checkpoint came every
few hundred updates and the INSERT took 0.11-0.16 ms of wall time for 0.05 ms of CPU on this VM
(0.07-0.10 ms without automatic checkpoints, 0.04-0.08 ms with ``synchronous=OFF``). Here the
engine's connections checkpoint only past ``BACKSTOP_PAGES`` and one thread runs a PASSIVE
checkpoint every ``every_s``: it never blocks a writer, the disk wait happens outside the GIL,
and a checkpoint that cannot finish (a reader still on old pages) is simply taken up next time.
Nothing is less durable: commits are what they were, only who copies the WAL back changes.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from typing import Any

import structlog

log = structlog.get_logger("tgexchange.db")

CHECKPOINT_EVERY_S = 0.5
# What the engine's own connections still do, as a backstop: a WAL past this many pages (~40 MB,
# ten times SQLite's default) is checkpointed by the commit that grew it, so a thread that stopped
# or fell behind costs a pause now and then, never an unbounded WAL.
BACKSTOP_PAGES = 10_000


class WalCheckpointer:
    """Checkpoints ``path`` until ``stop()`` or until ``owner`` (the engine whose connections
    leave checkpoints to it) is garbage-collected, whichever comes first."""

    def __init__(self, path: str, owner: Any, *, every_s: float = CHECKPOINT_EVERY_S) -> None:
        self._path = path
        self._owner = weakref.ref(owner)
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
        self.taken = 0  # checkpoints run, for the tests

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stops the thread after a last checkpoint."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while True:
                stopping = self._stop.wait(self._every_s) or self._owner() is None
                try:
                    if connection is None:
                        connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.taken += 1
                except sqlite3.Error as error:  # tried again next time; the WAL waits meanwhile
                    log.warning("wal_checkpoint_failed", path=self._path, error=str(error))
                if stopping:
                    return
        finally:
            if connection is not None:
                connection.close()
