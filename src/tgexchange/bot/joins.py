"""Joins that arrive together are written together.

A group's join burst (a hundred members tapping the join button within a second) would otherwise
be a hundred transactions, one after the other. Each join waits here for the writer, which takes
every join waiting at that moment and writes them in one transaction (services/joining.join_many):
measured on SQLite, 8.8 ms per join alone, 1.2 ms each in batches of 32, 0.75 ms in batches of 100.
A join that finds nobody else waiting is written at once (one turn of the event loop later).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import structlog

from tgexchange.services.joining import Joiner, JoinResult, Outcome

log = structlog.get_logger("tgexchange.bot")

WriteJoins = Callable[[int, Sequence[Joiner]], Awaitable[list[Outcome]]]
# A bound on one transaction: a burst larger than this is written in several.
MAX_BATCH = 200


class JoinBatcher:
    def __init__(self, write: WriteJoins) -> None:
        self._write = write
        self._waiting: dict[int, list[tuple[Joiner, asyncio.Future[Outcome]]]] = {}
        self._writer: asyncio.Task[None] | None = None

    async def join(self, community_id: int, joiner: Joiner) -> JoinResult:
        """The joiner's membership. Raises what the use case raises (CommunityNotFound,
        MemberBanned, AdmissionClosed, a storage error)."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Outcome] = loop.create_future()
        self._waiting.setdefault(community_id, []).append((joiner, waiter))
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write_all())
        outcome = await waiter
        if not isinstance(outcome, JoinResult):
            raise outcome
        return outcome

    async def _write_all(self) -> None:
        await asyncio.sleep(0)  # the joins already under way in this turn of the loop come along
        try:
            while self._waiting:
                waiting, self._waiting = self._waiting, {}
                for community_id, entries in waiting.items():
                    for start in range(0, len(entries), MAX_BATCH):
                        await self._write_batch(community_id, entries[start : start + MAX_BATCH])
        except asyncio.CancelledError:
            for entries in self._waiting.values():
                for _, waiter in entries:
                    waiter.cancel()
            raise

    async def _write_batch(self, community_id: int, entries: list[tuple[Joiner, asyncio.Future[Outcome]]]) -> None:
        try:
            outcomes = await self._write(community_id, [joiner for joiner, _ in entries])
        except asyncio.CancelledError:
            for _, waiter in entries:
                waiter.cancel()
            raise
        except Exception as error:  # every joiner of the batch hears of it, as one alone would
            for _, waiter in entries:
                if not waiter.done():
                    waiter.set_exception(error)
            return
        if len(entries) > 1:
            log.info("joins_written_together", community_id=community_id, joins=len(entries))
        for (_, waiter), outcome in zip(entries, outcomes, strict=True):
            if not waiter.done():
                waiter.set_result(outcome)
