"""Exactly-once handling of webhook updates across crashes and processes.

Telegram considers an update delivered once it gets a 2xx, so the webhook stores the update in
the inbox (adapters/db/inbox.py) before answering, with a lease for this process, and hands it to
the Application at once. When the handlers have run (``finished``, called by the update
processor), the row is marked done; marks are written in small batches. Every few seconds this
process renews the leases of the updates it still holds and takes updates whose lease ran out —
those of a process that died, or ones given up here because storage failed while they ran — and
feeds them to the Application. An update whose handlers failed on storage is not marked done: it
is handled again once storage is back, and the use cases make a second run a no-op or refusal
(see DESIGN-NOTES "Exactly once, across crashes and processes")."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import structlog
from telegram import Update

from tgexchange.adapters.db.errors import is_storage_unavailable
from tgexchange.adapters.db.inbox import SqlWebhookInbox

log = structlog.get_logger("tgexchange.bot.inbox")

R = TypeVar("R")
# After this many takes an update that keeps killing its process or failing is given up (logged).
MAX_ATTEMPTS = 8
# Done marks wait this long to be written together with others.
MARK_AFTER_S = 0.05


class Inbox:
    """This process's side of the inbox. ``run`` executes a storage call (the Runtime's turns)."""

    def __init__(
        self,
        store: SqlWebhookInbox,
        *,
        run: Callable[..., Awaitable[Any]],
        now: Callable[[], datetime],
        lease_s: float,
        every_s: float,
    ) -> None:
        self._store = store
        self._run = run
        self._now = now
        self._lease = timedelta(seconds=lease_s)
        self.every_s = every_s
        self.held: set[int] = set()  # stored or taken here, handlers not finished
        self.failed: set[int] = set()  # storage failed while handling: left for a later take
        self.again: set[int] = set()  # taken again here after a lease ran out, handlers not finished
        self._done: list[int] = []
        self._flush: asyncio.Task[None] | None = None
        self._loop: asyncio.Task[None] | None = None

    async def accept(self, update_id: int, body: str) -> bool:
        """Stores an update for this process (see SqlWebhookInbox.accept). True when it is new
        and must be handled here; raises when storage failed (answer 503: Telegram retries)."""
        now = self._now()
        stored: bool = await self._run(self._store.accept, update_id, body, now=now, lease_until=now + self._lease)
        if stored:
            self.held.add(update_id)
        return stored

    def storage_failed(self, update_id: int) -> None:
        """The update's handlers failed for want of storage: not done, taken again later."""
        if update_id in self.held:
            self.failed.add(update_id)

    def finished(self, update: object) -> None:
        """The update's handlers have run (called by the update processor, whatever the outcome)."""
        if not isinstance(update, Update) or update.update_id not in self.held:
            return
        update_id = update.update_id
        self.held.discard(update_id)
        self.again.discard(update_id)
        if update_id in self.failed:
            # Its lease runs out and a recovery pass takes it again (here or elsewhere).
            self.failed.discard(update_id)
            return
        self._done.append(update_id)
        if self._flush is None or self._flush.done():
            self._flush = asyncio.get_running_loop().create_task(self._mark_soon())

    async def _mark_soon(self) -> None:
        await asyncio.sleep(MARK_AFTER_S)
        await self.mark_done()

    async def mark_done(self) -> None:
        """Writes the done marks waiting; on a storage failure they wait for the next try (the
        leases of those updates are not renewed meanwhile, so a crash now means they are taken
        again, which the use cases tolerate)."""
        batch, self._done = self._done, []
        if not batch:
            return
        try:
            await self._run(self._store.mark_done, batch, now=self._now())
        except Exception as error:
            if not is_storage_unavailable(error):
                raise
            log.warning("inbox_mark_failed", updates=len(batch), error=repr(error))
            self._done = batch + self._done

    async def recover(self, put: Callable[[Update], Awaitable[None]], decode: Callable[[str], Update | None]) -> int:
        """One pass: renews this process's leases, takes updates whose lease ran out and hands
        them to ``put``. Returns how many were taken."""
        now = self._now()
        until = now + self._lease
        await self._run(self._store.renew, sorted(self.held | set(self._done)), lease_until=until)
        taken = await self._run(self._store.take_expired, now=now, lease_until=until)
        given_up = [row.update_id for row in taken if row.attempts > MAX_ATTEMPTS]
        if given_up:
            log.error("inbox_updates_given_up", update_ids=given_up, attempts=MAX_ATTEMPTS)
            await self._run(self._store.mark_done, given_up, now=now)
        for row in taken:
            if row.attempts > MAX_ATTEMPTS or row.update_id in self.held:
                # Still queued or running here (its lease ran out while storage was away): the
                # take only renewed it.
                continue
            update = decode(row.body)
            if update is None:
                await self._run(self._store.mark_done, [row.update_id], now=now)
                continue
            log.info("inbox_update_recovered", update_id=row.update_id, attempts=row.attempts)
            self.held.add(row.update_id)
            self.again.add(row.update_id)
            await put(update)
        return len(taken)

    def start(self, put: Callable[[Update], Awaitable[None]], decode: Callable[[str], Update | None]) -> None:
        """Runs ``recover`` every ``every_s`` seconds until ``stop``."""

        async def loop() -> None:
            while True:
                started = time.monotonic()
                try:
                    await self.mark_done()
                    await self.recover(put, decode)
                except Exception as error:
                    if not is_storage_unavailable(error):
                        log.exception("inbox_recovery_failed")
                    else:
                        log.warning("inbox_recovery_waits_for_storage", error=repr(error))
                await asyncio.sleep(max(0.0, self.every_s - (time.monotonic() - started)))

        self._loop = asyncio.get_running_loop().create_task(loop())

    async def stop(self) -> None:
        """Stops the recovery loop and writes the last done marks (updates still held are left
        to their leases)."""
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
        if self._flush is not None:
            await asyncio.gather(self._flush, return_exceptions=True)
        try:
            await self.mark_done()
        except Exception as error:
            log.warning("inbox_final_mark_failed", error=repr(error))


def decoder(bot: Any) -> Callable[[str], Update | None]:
    """Turns a stored body back into an Update for ``bot``; None for one that cannot be read
    (it was checked before it was stored, so only a schema change could do that)."""

    def decode(body: str) -> Update | None:
        try:
            return Update.de_json(json.loads(body), bot)
        except Exception:
            log.exception("inbox_update_unreadable")
            return None

    return decode
