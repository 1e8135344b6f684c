"""A group upgraded to a supergroup: its community moves to the new chat id, on both databases."""

from __future__ import annotations

import threading

import pytest

from tests.world import World
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.community import Community
from tgexchange.domain.errors import ChatTaken
from tgexchange.domain.ledger import AccountKey
from tgexchange.services import community as community_service
from tgexchange.services import stats as stats_service

NEW_CHAT = -100_999_000_001


def move(world: World, community: Community) -> community_service.MoveResult | None:
    return community_service.move_to_chat(
        world.uow(), from_chat_id=community.telegram_chat_id, to_chat_id=NEW_CHAT, now=world.now
    )


def find_by_chat(world: World, chat_id: int) -> Community | None:
    with world.uow() as uow:
        return uow.communities.find_by_chat(chat_id)


def test_the_community_moves_with_its_members_credits_and_history(any_world: World) -> None:
    world = any_world
    community = world.community(welcome_credits=20)
    owner = world.member(community)
    giver = world.member(community)
    world.submission(owner, wanted=1)
    world.verified(world.task(giver))
    balance_before = stats_service.member_balance(world.storage.member_reader, member_id=giver.id)

    moved = move(world, community)

    assert moved is not None
    assert (moved.community.id, moved.replaced) == (community.id, False)
    assert find_by_chat(world, community.telegram_chat_id) is None
    found = find_by_chat(world, NEW_CHAT)
    assert found is not None
    assert (found.id, found.title, found.bot_present) == (community.id, community.title, True)
    assert stats_service.member_balance(world.storage.member_reader, member_id=giver.id) == balance_before
    with world.uow() as uow:
        entries = uow.audit.recent(community.id, limit=5)
        assert uow.ledger.is_balanced(community.id)
    assert [(e.action, e.actor_label) for e in entries] == [(AuditAction.MOVED, "Telegram")]
    assert str(NEW_CHAT) in (entries[0].detail or "")


def test_the_second_announcement_finds_nothing_left_to_move(any_world: World) -> None:
    community = any_world.community()
    any_world.member(community)
    assert move(any_world, community) is not None
    before = any_world.snapshot()

    assert move(any_world, community) is None
    assert any_world.snapshot() == before


def test_an_empty_community_the_bot_registered_on_the_new_chat_makes_way(any_world: World) -> None:
    world = any_world
    community = world.community()
    member = world.member(community)
    balance_before = stats_service.member_balance(world.storage.member_reader, member_id=member.id)
    placeholder = community_service.register_community(
        world.uow(), telegram_chat_id=NEW_CHAT, title=community.title, now=world.now
    )

    moved = move(world, community)

    assert moved is not None
    assert moved.replaced
    found = find_by_chat(world, NEW_CHAT)
    assert found is not None
    assert found.id == community.id
    with world.uow() as uow:
        assert uow.communities.find(placeholder.id) is None
        assert uow.ledger.balance(AccountKey.issuance(placeholder.id)) == 0
        assert uow.ledger.is_balanced()
    assert stats_service.member_balance(world.storage.member_reader, member_id=member.id) == balance_before


def test_a_community_on_the_new_chat_that_members_joined_is_never_merged(any_world: World) -> None:
    world = any_world
    community = world.community()
    world.member(community)
    taken = community_service.register_community(world.uow(), telegram_chat_id=NEW_CHAT, title="New", now=world.now)
    world.member(taken, link=None)
    before = world.snapshot()

    with pytest.raises(ChatTaken):
        move(world, community)

    assert world.snapshot() == before


def test_a_chat_without_a_community_moves_nothing(world: World) -> None:
    world.member(world.community())
    before = world.snapshot()

    moved = community_service.move_to_chat(world.uow(), from_chat_id=-4242, to_chat_id=NEW_CHAT, now=world.now)

    assert moved is None
    assert world.snapshot() == before


def race(world: World, old_chat: int, new_chat: int) -> list[community_service.MoveResult | None]:
    """Both notices of one upgrade, handled at the same moment in two threads."""
    barrier = threading.Barrier(2)
    results: list[community_service.MoveResult | None] = []

    def notice() -> None:
        barrier.wait(timeout=10)
        results.append(
            community_service.move_to_chat(world.uow(), from_chat_id=old_chat, to_chat_id=new_chat, now=world.now)
        )

    threads = [threading.Thread(target=notice) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("with_placeholder", [False, True])
def test_two_notices_handled_at_once_move_the_community_once(any_world: World, with_placeholder: bool) -> None:
    # The two notices of one upgrade come from different senders, so the bot (or two webhook
    # processes) may handle them at the same time.
    world = any_world
    for round_no in range(5):
        community = world.community()
        world.member(community)
        new_chat = NEW_CHAT - round_no
        if with_placeholder:
            community_service.register_community(world.uow(), telegram_chat_id=new_chat, title="x", now=world.now)

        results = race(world, community.telegram_chat_id, new_chat)

        assert [r is None for r in results].count(False) == 1, results
        with world.uow() as uow:
            moves = [e for e in uow.audit.recent(community.id, limit=10) if e.action is AuditAction.MOVED]
        assert len(moves) == 1
