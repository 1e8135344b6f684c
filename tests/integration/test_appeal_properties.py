"""Random sequences of penalties, appeals and decisions on a real SQLite file: an appeal never
changes the ledger (let alone twice), an upheld appeal restores the member's standing exactly
once, and a second decision on an appeal is refused and changes nothing."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from tests.fakes import FakeClock, FakePlatform
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.adapters.db.engine import make_engine
from tgexchange.bootstrap import storage_on
from tgexchange.domain.errors import DomainError
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.penalty import AppealAlreadyDecided, AppealStatus, PenaltyAction, PenaltyKind
from tgexchange.services import appeal as appeal_service
from tgexchange.services import penalty as penalty_service

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("penalize"), st.integers(0, 1)),
        st.tuples(st.sampled_from(["warn", "cooldown", "ban", "unban"]), st.integers(0, 1)),
        st.tuples(st.just("appeal"), st.integers(0, 1)),
        st.tuples(st.just("decide"), st.integers(0, 9), st.booleans()),
        st.tuples(st.just("later"), st.integers(1, 60)),
    ),
    min_size=1,
    max_size=25,
)


def ledger(world: World) -> list[tuple[Any, ...]]:
    with world.storage.engine.connect() as connection:
        postings = sorted(tuple(r) for r in connection.execute(sa.select(tables.postings)))
        balances = sorted(
            tuple(r) for r in connection.execute(sa.select(tables.accounts.c.id, tables.accounts.c.balance))
        )
    return [*postings, *balances]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("appeal-properties")


@pytest.mark.slow
@settings(
    max_examples=50,
    deadline=None,
    # Each example copies a migrated SQLite file: slow on a loaded machine, which is no bug.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # As in test_exchange_properties: the explain phase traces every line through SQLAlchemy.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
@given(ops=OPS)
def test_appeals_restore_standing_once_and_never_touch_the_ledger(
    ops: list[tuple[Any, ...]], sqlite_template: Path, workdir: Path
) -> None:
    path = workdir / f"{uuid.uuid4().hex}.db"
    shutil.copy(sqlite_template, path)
    storage = storage_on(make_engine(f"sqlite:///{path}"))
    try:
        world = World(storage, FakeClock(), FakePlatform())
        community = world.community(warning_expiry_days=2, penalty_cooldown_hours=12)
        admin = world.member(community, admin=True)
        targets = [world.member(community, "Bob"), world.member(community, "Carol")]
        owner = world.member(community, "Olga")
        world.submission(owner, wanted=3)
        world.task(targets[0])  # an open task a ban cancels: still no credits move
        before = ledger(world)
        appeals: list[int] = []
        decided: set[int] = set()
        for op in ops:
            name = op[0]
            if name == "later":
                world.clock.advance(hours=op[1])
                continue
            if name == "decide":
                if not appeals:
                    continue
                appeal_id = appeals[op[1] % len(appeals)]
                if appeal_id in decided:
                    event("decided twice")
                    snapshot = world.snapshot()
                    with pytest.raises(AppealAlreadyDecided):
                        appeal_service.decide_appeal(
                            world.uow(), appeal_id=appeal_id, upheld=op[2], now=world.now, actor_member_id=admin.id
                        )
                    assert world.snapshot() == snapshot  # refused: nothing changed
                else:
                    appeal_service.decide_appeal(
                        world.uow(), appeal_id=appeal_id, upheld=op[2], now=world.now, actor_member_id=admin.id
                    )
                    decided.add(appeal_id)
                continue
            target = targets[op[1]]
            try:
                if name == "penalize":
                    penalty_service.penalize(
                        world.uow(), actor_member_id=admin.id, target_member_id=target.id, reason="r", now=world.now
                    )
                elif name == "appeal":
                    appeal, _ = appeal_service.file_appeal(
                        world.uow(), member_id=target.id, text="please", now=world.now
                    )
                    appeals.append(appeal.id or 0)
                else:
                    penalty_service.apply_penalty(
                        world.uow(),
                        action=PenaltyAction(name),
                        actor_member_id=admin.id,
                        target_member_id=target.id,
                        reason="r",
                        now=world.now,
                    )
            except DomainError:
                pass  # nothing to appeal, or appealed already: refusals are fine here
            assert ledger(world) == before
            check_standing(world, [t.id for t in targets])
        assert ledger(world) == before
        check_standing(world, [t.id for t in targets])
        with world.uow() as uow:
            statuses = [uow.fair_play.find_appeal(a) for a in appeals]
        assert {a.id for a in statuses if a is not None and a.status is not AppealStatus.PENDING} == decided
    finally:
        storage.dispose()


def check_standing(world: World, member_ids: list[int]) -> None:
    """A member's warnings are the warnings given less those lifted on appeal (each lifted once);
    they are banned exactly while a ban is in force."""
    with world.uow() as uow:
        for member_id in member_ids:
            member = uow.members.find(member_id)
            assert member is not None
            penalties = uow.fair_play.penalties_of(member_id, limit=500)
            warnings = [p for p in penalties if p.kind is PenaltyKind.WARN and p.lifted_by != "appeal"]
            assert member.warnings == len(warnings)
            bans = [p for p in penalties if p.kind is PenaltyKind.BAN and p.is_active(world.now)]
            assert (member.status is MemberStatus.BANNED) == bool(bans)
