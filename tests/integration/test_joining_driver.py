"""On SQLite a join batch's rows are written straight on the driver (adapters/db/joining.py): they
must be exactly the rows SQLAlchemy's path writes, and a failure among them must leave nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fakes import FakeClock
from tests.world import World
from tgexchange.adapters.db.engine import make_engine
from tgexchange.adapters.db.joining import SqlJoinRepository
from tgexchange.bootstrap import storage_on
from tgexchange.domain.errors import DuplicatePosting, MemberBanned
from tgexchange.domain.ledger import AccountKey, Posting, PostingKind
from tgexchange.domain.member import MemberRole
from tgexchange.services.joining import Joiner, JoinResult, join_many


def a_burst(world: World) -> list[object]:
    """A community with an admin, a member and a banned member, then a burst: newcomers in two
    languages, an admin newcomer, one tapping twice, the member and the banned one again."""
    community = world.community(welcome_credits=25)
    world.member(community, admin=True)
    known = world.member(community)
    banned = world.member(community)
    world.ban(community, banned)
    joiners = [
        Joiner(9000 + i, f"Newcomer {i}", username=f"n{i}", language=("es" if i % 2 else "en")) for i in range(12)
    ]
    joiners += [
        Joiner(8000, "New admin", is_admin=True),
        Joiner(9003, "Newcomer 3, tapping twice", username="n3bis"),
        Joiner(known.telegram_user_id, "Known, renamed"),
        Joiner(banned.telegram_user_id, "Banned"),
    ]
    return list(join_many(world.uow(), community_id=community.id, joiners=joiners, now=world.now))


def test_the_driver_writes_what_sqlalchemy_writes(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshots = []
    for on_driver in (True, False):
        path = tmp_path / f"{on_driver}.db"
        shutil.copy(sqlite_template, path)
        storage = storage_on(make_engine(f"sqlite:///{path}"))
        monkeypatch.setattr(SqlJoinRepository, "on_driver", on_driver)
        world = World(storage, FakeClock())
        outcomes = a_burst(world)
        assert isinstance(outcomes[-1], MemberBanned)
        new = [o for o in outcomes if isinstance(o, JoinResult) and o.is_new]
        assert len(new) == 13
        assert all(world.balance(o.member) == 25 for o in new)
        assert {o.member.role for o in new} == {MemberRole.MEMBER, MemberRole.ADMIN}
        # The members returned are what was stored, readable once their unit of work is gone.
        again = outcomes[13]
        assert isinstance(again, JoinResult)
        assert not again.is_new
        assert again.member.id == new[3].member.id
        assert (again.member.display_name, again.member.username) == ("Newcomer 3, tapping twice", "n3bis")
        with world.uow() as uow:
            assert uow.ledger.is_balanced()
        snapshot = world.snapshot()
        del snapshot["ownership_proofs"]  # world.member's made-up proof codes are random
        snapshots.append(snapshot)
        storage.dispose()
    through_driver, through_sqlalchemy = snapshots
    assert through_driver["members"]
    assert through_driver["postings"]
    assert through_driver == through_sqlalchemy


def test_a_failure_among_the_driver_writes_leaves_nothing(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    next_id = max(row[0] for row in world.snapshot()["members"]) + 1
    # The welcome key of the second newcomer is taken already: the first one's rows were written.
    with world.uow() as uow:
        uow.ledger.transfer(
            Posting(AccountKey.issuance(community.id), AccountKey.member(owner.id), 1, PostingKind.WELCOME,
                    f"welcome:{next_id + 1}", world.now),
            community_id=community.id,
        )  # fmt: skip
        uow.commit()
    before = world.snapshot()

    with pytest.raises(DuplicatePosting):
        join_many(world.uow(), community_id=community.id, joiners=[Joiner(7000, "A"), Joiner(7001, "B")], now=world.now)

    assert world.snapshot() == before


def test_a_burst_on_either_database_credits_each_newcomer_once_and_balances(any_world: World) -> None:
    outcomes = a_burst(any_world)

    new = [o for o in outcomes if isinstance(o, JoinResult) and o.is_new]
    assert len(new) == 13
    assert all(any_world.balance(o.member) == 25 for o in new)
    with any_world.uow() as uow:
        assert uow.ledger.is_balanced()
        assert [m.display_name for m in uow.members.find_by_users(new[0].community.id, [9003])] == [
            "Newcomer 3, tapping twice"
        ]
