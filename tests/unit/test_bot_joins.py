"""The join batcher (bot/joins.py): joins waiting together are written together, each joiner gets
their own outcome, and a failure reaches everyone of its batch and no one else."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from tgexchange.bot.joins import MAX_BATCH, JoinBatcher
from tgexchange.domain.community import Community
from tgexchange.domain.errors import CommunityNotFound, MemberBanned
from tgexchange.domain.member import Member
from tgexchange.services.joining import Joiner, JoinResult, Outcome

NOW = datetime(2026, 3, 1, tzinfo=UTC)
BANNED = 666


class Writer:
    """Stands in for the use case: records each batch, refuses the banned, fails community 13."""

    def __init__(self) -> None:
        self.batches: list[tuple[int, list[int]]] = []

    async def __call__(self, community_id: int, joiners: Sequence[Joiner]) -> list[Outcome]:
        self.batches.append((community_id, [j.telegram_user_id for j in joiners]))
        await asyncio.sleep(0)
        if community_id == 13:
            raise CommunityNotFound(13)
        community = Community(telegram_chat_id=-1, title="C", created_at=NOW)
        return [
            MemberBanned(j.telegram_user_id)
            if j.telegram_user_id == BANNED
            else JoinResult(
                Member(
                    community_id=community_id,
                    telegram_user_id=j.telegram_user_id,
                    display_name=j.display_name,
                    joined_at=NOW,
                ),
                community,
                is_new=True,
                welcome_credits=30,
            )
            for j in joiners
        ]


async def test_joins_waiting_together_are_written_in_one_batch_per_community() -> None:
    writer = Writer()
    batcher = JoinBatcher(writer)

    results = await asyncio.gather(
        *(batcher.join(1, Joiner(i, f"p{i}")) for i in range(10)), batcher.join(2, Joiner(99, "other"))
    )

    assert [r.member.telegram_user_id for r in results] == [*range(10), 99]
    assert writer.batches == [(1, list(range(10))), (2, [99])]


async def test_a_banned_joiner_is_refused_alone_and_a_failed_batch_fails_only_its_joiners() -> None:
    writer = Writer()
    batcher = JoinBatcher(writer)

    outcomes = await asyncio.gather(
        batcher.join(1, Joiner(1, "a")),
        batcher.join(1, Joiner(BANNED, "banned")),
        batcher.join(13, Joiner(2, "b")),
        batcher.join(13, Joiner(3, "c")),
        return_exceptions=True,
    )

    assert isinstance(outcomes[0], JoinResult)
    assert isinstance(outcomes[1], MemberBanned)
    assert all(isinstance(o, CommunityNotFound) for o in outcomes[2:])


async def test_a_burst_larger_than_a_batch_is_written_in_several_and_a_later_join_starts_a_new_writer() -> None:
    writer = Writer()
    batcher = JoinBatcher(writer)

    await asyncio.gather(*(batcher.join(1, Joiner(i, "p")) for i in range(MAX_BATCH + 5)))
    later = await batcher.join(1, Joiner(10**6, "late"))

    assert [len(users) for _, users in writer.batches] == [MAX_BATCH, 5, 1]
    assert later.member.telegram_user_id == 10**6


async def test_joiners_waiting_when_the_writer_is_cancelled_are_cancelled_not_left_hanging() -> None:
    started = asyncio.Event()

    async def stuck(community_id: int, joiners: Sequence[Joiner]) -> list[Outcome]:
        started.set()
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    batcher = JoinBatcher(stuck)
    first = asyncio.ensure_future(batcher.join(1, Joiner(1, "a")))
    await started.wait()
    second = asyncio.ensure_future(batcher.join(1, Joiner(2, "b")))
    await asyncio.sleep(0)
    assert batcher._writer is not None
    batcher._writer.cancel()

    for waiting in (first, second):
        with pytest.raises(asyncio.CancelledError):
            await waiting
