"""Fair play's storage on SQLite and PostgreSQL: penalties round-trip with their evidence, one
appeal per penalty, a decision stored once, the admission count, and /me's reader."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.world import World
from tgexchange.domain.penalty import Appeal, AppealAlreadyFiled, AppealStatus, PenaltyAction, PenaltyKind
from tgexchange.services import appeal as appeal_service
from tgexchange.services import penalty as penalty_service
from tgexchange.services.admission import day_start


def test_penalties_appeals_and_decisions_are_stored_once(any_world: World) -> None:
    world = any_world
    community = world.community()
    admin, bob = world.member(community, admin=True, link=None), world.member(community, "Bob")
    owner = world.member(community, "Olga")
    world.submission(owner, wanted=1)
    task = world.task(bob)
    penalty_service.apply_penalty(
        world.uow(),
        action=PenaltyAction.WARN,
        actor_member_id=admin.id,
        target_member_id=bob.id,
        reason="copied",
        now=world.now,
        rule="near_copy",
        task_ids=[task.id],
    )
    with world.uow() as uow:
        (stored,) = uow.fair_play.penalties_of(bob.id)
    assert (stored.kind, stored.reason, stored.rule, stored.task_ids) == (
        PenaltyKind.WARN,
        "copied",
        "near_copy",
        (task.id,),
    )
    assert stored.ends_at == world.now + timedelta(days=30)

    appeal, _ = appeal_service.file_appeal(world.uow(), member_id=bob.id, text="not a copy", now=world.now)
    with pytest.raises(AppealAlreadyFiled):
        appeal_service.file_appeal(world.uow(), member_id=bob.id, text="again", now=world.now, penalty_id=stored.id)
    with world.uow() as uow:  # the unique penalty_id refuses a second row even past the check
        pending = uow.fair_play.find_appeal(appeal.id or 0)
        assert pending is not None
        decided = pending.decided(upheld=True, now=world.now, by="member 1", note=None)
        assert uow.fair_play.decide_appeal(decided) is True
        assert uow.fair_play.decide_appeal(decided) is False
        uow.commit()
    with world.uow() as uow:
        found = uow.fair_play.find_appeal(appeal.id or 0)
        assert found is not None
        assert found.status is AppealStatus.UPHELD
    with pytest.raises(AppealAlreadyFiled):
        add_second_appeal(world, stored.id or 0, community.id, bob.id)

    assert [(p.id, appealed) for p, appealed in world.storage.fair_play_reader.penalties(bob.id)] == [(stored.id, True)]
    with world.uow() as uow:
        assert uow.fair_play.count_joined_since(community.id, day_start(world.now)) == 3
        assert uow.fair_play.count_joined_since(community.id, world.now + timedelta(seconds=1)) == 0


def add_second_appeal(world: World, penalty_id: int, community_id: int, member_id: int) -> None:
    """Straight to storage, past the use case's check: the unique penalty_id refuses it."""
    with world.uow() as uow:
        uow.fair_play.add_appeal(
            Appeal(
                penalty_id=penalty_id, community_id=community_id, member_id=member_id, text="x", created_at=world.now
            )
        )
        uow.commit()
