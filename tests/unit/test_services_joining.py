"""A join burst written in one transaction (services/joining.join_many), on a SQLite file: each
joiner's outcome is what joining alone would give, and the ledger balances."""

from __future__ import annotations

import pytest

from tests.refusals import refused
from tests.world import World
from tgexchange.domain.errors import DuplicatePosting, MemberBanned
from tgexchange.domain.ledger import AccountKey, Posting, PostingKind
from tgexchange.domain.member import MemberRole
from tgexchange.domain.reliability import MemberStats
from tgexchange.services.joining import Joiner, JoinResult, join_many


def joined(outcome: object) -> JoinResult:
    assert isinstance(outcome, JoinResult), outcome
    return outcome


def test_a_burst_joins_everyone_with_their_welcome_credits_in_one_go(world: World) -> None:
    community = world.community()
    joiners = [Joiner(1000 + i, f"Member {i}", username=f"m{i}", language="es") for i in range(40)]

    outcomes = [joined(o) for o in join_many(world.uow(), community_id=community.id, joiners=joiners, now=world.now)]

    assert [o.member.telegram_user_id for o in outcomes] == [j.telegram_user_id for j in joiners]
    assert all(o.is_new and o.welcome_credits == 30 for o in outcomes)
    assert len({o.member.id for o in outcomes}) == 40
    assert all(world.balance(o.member) == 30 for o in outcomes)
    assert all(world.stats(o.member) == MemberStats() for o in outcomes)
    assert world.balance(AccountKey.issuance(community.id)) == -30 * 40
    with world.uow() as uow:
        assert uow.ledger.is_balanced(community.id)
    keys = sorted(row[6] for row in world.snapshot()["postings"])
    assert keys == sorted(f"welcome:{o.member.id}" for o in outcomes)


def test_existing_banned_and_repeated_joiners_each_get_what_joining_alone_gives(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    known = world.member(community)
    banned = world.member(community)
    world.ban(community, banned)
    joiners = [
        Joiner(known.telegram_user_id, "Known renamed", is_admin=True),
        Joiner(banned.telegram_user_id, "Banned"),
        Joiner(555, "New"),
        Joiner(555, "New, tapping twice"),
    ]

    first, refusal, new, again = join_many(world.uow(), community_id=community.id, joiners=joiners, now=world.now)

    assert isinstance(refusal, MemberBanned)
    assert (joined(first).is_new, joined(first).welcome_credits, joined(first).member.id) == (False, 0, known.id)
    assert joined(first).member.role is MemberRole.ADMIN
    assert (joined(new).is_new, joined(new).welcome_credits) == (True, 30)
    assert (joined(again).is_new, joined(again).welcome_credits) == (False, 0)
    assert joined(again).member.id == joined(new).member.id
    assert world.balance(joined(new).member) == 30
    assert admin.id != joined(new).member.id


def test_an_unknown_community_refuses_the_whole_burst_and_changes_nothing(world: World) -> None:
    world.community()
    before = world.snapshot()

    with refused("community_not_found", key=999_999):
        join_many(world.uow(), community_id=999_999, joiners=[Joiner(1, "A"), Joiner(2, "B")], now=world.now)

    assert world.snapshot() == before


def _welcome(community_id: int, member_id: int, key: str, world: World) -> Posting:
    return Posting(
        AccountKey.issuance(community_id), AccountKey.member(member_id), 5, PostingKind.WELCOME, key, world.now
    )


def test_transfer_many_refuses_a_key_already_posted_or_repeated_and_moves_nothing(world: World) -> None:
    community = world.community(welcome_credits=0)
    a, b = world.member(community), world.member(community)
    with world.uow() as uow:
        uow.ledger.transfer(_welcome(community.id, a.id, "bonus:a", world), community_id=community.id)
        uow.commit()
    before = world.snapshot()

    for keys in (("bonus:b", "bonus:a"), ("bonus:c", "bonus:c")):
        with world.uow() as uow, pytest.raises(DuplicatePosting):
            uow.ledger.transfer_many(
                [_welcome(community.id, m.id, key, world) for m, key in zip((a, b), keys, strict=True)],
                community_id=community.id,
            )

    assert world.snapshot() == before


def test_transfer_many_between_members_guards_each_balance_as_transfer_does(world: World) -> None:
    community = world.community(welcome_credits=10)
    a, b, c = world.member(community), world.member(community), world.member(community)
    postings = [
        Posting(AccountKey.member(a.id), AccountKey.member(b.id), 4, PostingKind.WELCOME, "gift:1", world.now),
        Posting(AccountKey.member(a.id), AccountKey.member(c.id), 4, PostingKind.WELCOME, "gift:2", world.now),
    ]
    with world.uow() as uow:
        uow.ledger.transfer_many(postings, community_id=community.id)
        uow.commit()

    assert (world.balance(a), world.balance(b), world.balance(c)) == (2, 14, 14)
    with world.uow() as uow:
        assert uow.ledger.is_balanced(community.id)
