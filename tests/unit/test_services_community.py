"""Communities and members: joining, settings, the kill switch and sanctions, on a SQLite file."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest

from tests.refusals import refused
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.domain.audit import AuditAction, AuditEntry, SettingChange
from tgexchange.domain.community import Community, CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import (
    CommunityPaused,
    InvalidSettings,
)
from tgexchange.domain.ledger import AccountKey
from tgexchange.domain.member import Member, MemberRole, MemberStatus
from tgexchange.domain.penalty import PenaltyAction
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.task import TaskStatus
from tgexchange.services import community as community_service
from tgexchange.services.penalty import apply_penalty

UNKNOWN = 999_999


def stored_community(world: World, community: Community) -> Community:
    with world.storage.uow() as uow:
        found = uow.communities.find(community.id)
    assert found is not None
    return found


def stored_member(world: World, member: Member) -> Member:
    with world.storage.uow() as uow:
        found = uow.members.find(member.id)
    assert found is not None
    return found


def audit(world: World, community: Community) -> list[AuditEntry]:
    """Oldest first."""
    with world.storage.uow() as uow:
        return list(reversed(uow.audit.recent(community.id, limit=100)))


def pause(world: World, community: Community, admin: Member | None, reason: str = "maintenance") -> list[int]:
    return community_service.pause_community(
        world.uow(),
        community_id=community.id,
        actor_member_id=None if admin is None else admin.id,
        reason=reason,
        now=world.now,
    )


def resume(world: World, community: Community, admin: Member | None) -> Community:
    return community_service.resume_community(
        world.uow(), community_id=community.id, actor_member_id=None if admin is None else admin.id, now=world.now
    )


# --- registering a community -------------------------------------------------------------------


def test_register_community_stores_the_group_with_default_settings_and_an_issuance_account(world: World) -> None:
    community = community_service.register_community(
        world.uow(), telegram_chat_id=-1001, title="  Creators\n Hub ", now=world.now
    )

    stored = stored_community(world, community)
    assert stored.telegram_chat_id == -1001
    assert stored.title == "Creators Hub"
    assert stored.settings == CommunitySettings()
    assert stored.is_paused is False
    assert stored.bot_present is True
    rows = world.snapshot()["accounts"]
    assert len(rows) == 1  # the community's issuance account, empty
    assert world.balance(AccountKey.issuance(community.id)) == 0


def test_register_community_again_returns_the_same_community_with_the_new_title(world: World) -> None:
    first = community_service.register_community(world.uow(), telegram_chat_id=-1001, title="Old", now=world.now)
    community_service.mark_bot_removed(world.uow(), telegram_chat_id=-1001)

    again = community_service.register_community(world.uow(), telegram_chat_id=-1001, title="New", now=world.now)

    assert again.id == first.id
    stored = stored_community(world, first)
    assert stored.title == "New"
    assert stored.bot_present is True
    assert len(world.snapshot()["communities"]) == 1


def test_register_community_keeps_the_given_settings(world: World) -> None:
    community = world.community(credits_per_feedback=7, welcome_credits=70)

    assert stored_community(world, community).settings == CommunitySettings(credits_per_feedback=7, welcome_credits=70)


def test_mark_bot_removed_records_the_bot_left_and_changes_nothing_else(world: World) -> None:
    community = world.community()

    result = community_service.mark_bot_removed(world.uow(), telegram_chat_id=community.telegram_chat_id)

    assert result is not None
    stored = stored_community(world, community)
    assert stored.bot_present is False
    assert stored.is_paused is False


def test_mark_bot_removed_of_an_unknown_group_returns_none_and_stores_nothing(world: World) -> None:
    world.community()
    before = world.snapshot()

    assert community_service.mark_bot_removed(world.uow(), telegram_chat_id=-42) is None
    assert world.snapshot() == before


# --- joining -----------------------------------------------------------------------------------


def test_join_community_adds_a_member_with_welcome_credits_from_issuance(world: World) -> None:
    community = world.community()

    joined = community_service.join_community(
        world.uow(), community_id=community.id, telegram_user_id=77, display_name="Ana", now=world.now
    )

    assert joined.is_new is True
    assert joined.welcome_credits == 30
    stored = stored_member(world, joined.member)
    assert (stored.telegram_user_id, stored.display_name, stored.role, stored.status) == (
        77,
        "Ana",
        MemberRole.MEMBER,
        MemberStatus.ACTIVE,
    )
    assert world.balance(joined.member) == 30
    assert world.balance(AccountKey.issuance(community.id)) == -30
    assert world.stats(joined.member) == MemberStats()


def test_join_community_without_welcome_credits_moves_nothing(world: World) -> None:
    community = world.community(welcome_credits=0)

    joined = community_service.join_community(
        world.uow(), community_id=community.id, telegram_user_id=77, display_name="Ana", now=world.now
    )

    assert joined.welcome_credits == 0
    assert world.balance(joined.member) == 0
    assert world.snapshot()["postings"] == []


def test_join_community_again_refreshes_the_member_without_a_second_welcome(world: World) -> None:
    community = world.community()
    first = community_service.join_community(
        world.uow(), community_id=community.id, telegram_user_id=77, display_name="Ana", now=world.now
    )

    again = community_service.join_community(
        world.uow(),
        community_id=community.id,
        telegram_user_id=77,
        display_name="Ana B.",
        username="anab",
        now=world.now,
        is_admin=True,
    )

    assert again.is_new is False
    assert again.welcome_credits == 0
    assert again.member.id == first.member.id
    stored = stored_member(world, first.member)
    assert (stored.display_name, stored.username, stored.role) == ("Ana B.", "anab", MemberRole.ADMIN)
    assert world.balance(first.member) == 30
    assert len(world.snapshot()["postings"]) == 1


def test_join_community_cleans_the_display_name(world: World) -> None:
    community = world.community()

    joined = community_service.join_community(
        world.uow(), community_id=community.id, telegram_user_id=77, display_name="\x00Ana\t\n  B", now=world.now
    )

    assert stored_member(world, joined.member).display_name == "Ana B"


def test_join_community_refuses_an_unknown_community(world: World) -> None:
    world.community()
    before = world.snapshot()

    with refused("community_not_found", key=UNKNOWN):
        community_service.join_community(
            world.uow(), community_id=UNKNOWN, telegram_user_id=77, display_name="Ana", now=world.now
        )
    assert world.snapshot() == before


def test_join_community_refuses_a_banned_member(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    member = world.member(community)
    apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=admin.id,
        target_member_id=member.id,
        reason="spam",
        now=world.now,
    )
    before = world.snapshot()

    with refused("member_banned"):
        community_service.join_community(
            world.uow(),
            community_id=community.id,
            telegram_user_id=member.telegram_user_id,
            display_name="Back again",
            now=world.now,
        )
    assert world.snapshot() == before


# --- language and role -------------------------------------------------------------------------


def test_set_language_stores_the_members_language(world: World) -> None:
    member = world.member(world.community(), link=None)

    community_service.set_language(world.uow(), member_id=member.id, language="es")

    assert stored_member(world, member).language == "es"


def test_mirror_admin_role_follows_what_telegram_said(world: World) -> None:
    community = world.community()
    member = world.member(community, link=None)
    mirror = partial(
        community_service.mirror_admin_role,
        community_id=community.id,
        telegram_user_id=member.telegram_user_id,
        now=world.now,
    )

    promoted = mirror(world.uow(), told=True)
    assert promoted.changed
    assert promoted.member is not None
    assert stored_member(world, member).role is MemberRole.ADMIN

    assert mirror(world.uow(), told=True).changed is False
    unknown = mirror(world.uow(), told=None)  # Telegram could not be asked: the stored role stands
    assert unknown.member is not None
    assert not unknown.changed

    demoted = mirror(world.uow(), told=False)
    assert demoted == community_service.AdminRole(None, changed=True)
    assert stored_member(world, member).role is MemberRole.MEMBER
    assert mirror(world.uow(), told=None).member is None


def test_mirror_admin_role_joins_an_admin_who_never_joined_only_when_named(world: World) -> None:
    community = world.community(welcome_credits=30)
    mirror = partial(community_service.mirror_admin_role, community_id=community.id, now=world.now)

    assert mirror(world.uow(), telegram_user_id=4242, told=True) == community_service.AdminRole(None, changed=False)
    assert mirror(world.uow(), telegram_user_id=4343, told=False, display_name="Not Admin").member is None

    joined = mirror(world.uow(), telegram_user_id=4242, told=True, display_name="Ana", language="es")
    assert joined.changed
    assert joined.member is not None
    assert stored_member(world, joined.member).role is MemberRole.ADMIN
    assert stored_member(world, joined.member).language == "es"
    assert world.balance(joined.member) == 30
    with world.uow() as uow:
        assert uow.members.find_by_user(community.id, 4343) is None


def test_set_language_refuses_an_unknown_member(world: World) -> None:
    world.member(world.community(), link=None)
    before = world.snapshot()

    with refused("member_not_found", key=UNKNOWN):
        community_service.set_language(world.uow(), member_id=UNKNOWN, language="es")
    assert world.snapshot() == before


# --- the kill switch ---------------------------------------------------------------------------


def test_pause_community_turns_the_kill_switch_on_with_an_audit_entry(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)

    cancelled = pause(world, community, admin, reason="spam wave")

    assert cancelled == []
    stored = stored_community(world, community)
    assert stored.is_paused is True
    assert stored.pause_reason == "spam wave"
    assert stored.paused_at == world.now
    [entry] = audit(world, community)
    assert (entry.action, entry.actor_member_id, entry.detail, entry.at) == (
        AuditAction.PAUSE,
        admin.id,
        "spam wave",
        world.now,
    )


def test_pause_community_by_the_operator_records_the_operators_label(world: World) -> None:
    community = world.community()

    community_service.pause_community(
        world.uow(),
        community_id=community.id,
        actor_member_id=None,
        reason="incident",
        now=world.now,
        actor_label="cli:ops",
    )

    assert stored_community(world, community).is_paused is True
    [entry] = audit(world, community)
    assert (entry.action, entry.actor_member_id, entry.actor_label) == (AuditAction.PAUSE, None, "cli:ops")


def test_pause_community_cancels_assigned_tasks_and_frees_their_slots_without_moving_credits(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    task = world.task(giver)
    escrow_before = world.balance(AccountKey.escrow(submission.id))

    cancelled = pause(world, community, admin)

    assert cancelled == [task.id]
    stored = world.reload_task(task)
    assert (stored.status, stored.reason) == (TaskStatus.CANCELLED, "community_paused")
    assert world.reload_submission(submission).tasks_open == 0
    assert world.balance(AccountKey.escrow(submission.id)) == escrow_before == 30
    assert world.balance(giver) == 30
    assert world.balance(owner) == 0


def test_pause_community_keeps_tasks_already_marked_done(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    owner = world.member(community)
    giver = world.member(community)
    world.submission(owner)
    task = world.done(world.task(giver))

    assert pause(world, community, admin) == []
    assert world.reload_task(task).status is TaskStatus.SUBMITTED


def test_pause_community_twice_keeps_the_first_pause_time_and_updates_the_reason(world: World) -> None:
    community = world.community()
    first_pause_at = world.now
    pause(world, community, None, reason="first")
    world.clock.advance(minutes=5)

    pause(world, community, None, reason="second")

    stored = stored_community(world, community)
    assert (stored.paused_at, stored.pause_reason) == (first_pause_at, "second")
    assert [e.detail for e in audit(world, community)] == ["first", "second"]


def test_pause_community_cleans_and_bounds_the_reason(world: World) -> None:
    community = world.community()

    pause(world, community, None, reason="bad\x00  actor " + "x" * 1000)

    reason = stored_community(world, community).pause_reason
    assert reason is not None
    assert reason.startswith("bad actor x")
    assert len(reason) == 300


def test_pause_community_without_a_reason_stores_no_made_up_reason(world: World) -> None:
    community = world.community()
    member = world.member(community)
    pause(world, community, None, reason="")

    with pytest.raises(CommunityPaused) as refused:
        world.task(member)

    assert stored_community(world, community).pause_reason == ""
    assert refused.value.message == "The exchange in this community is paused. Try again when an admin resumes it."


def test_pause_community_refuses_a_member_who_is_not_an_admin(world: World) -> None:
    community = world.community()
    member = world.member(community)
    before = world.snapshot()

    with refused("not_an_admin"):
        pause(world, community, member)
    assert world.snapshot() == before


def test_pause_community_refuses_an_admin_of_another_community(world: World) -> None:
    community_a = world.community()
    community_b = world.community()
    admin_of_a = world.member(community_a, admin=True)
    before = world.snapshot()

    with refused("not_an_admin"):
        pause(world, community_b, admin_of_a)
    assert world.snapshot() == before


def test_pause_community_refuses_an_unknown_actor_or_community(world: World) -> None:
    community = world.community()
    before = world.snapshot()

    with refused("member_not_found", key=UNKNOWN):
        community_service.pause_community(
            world.uow(), community_id=community.id, actor_member_id=UNKNOWN, reason="x", now=world.now
        )
    with refused("community_not_found", key=UNKNOWN):
        community_service.pause_community(
            world.uow(), community_id=UNKNOWN, actor_member_id=None, reason="x", now=world.now
        )
    assert world.snapshot() == before


def test_paused_community_refuses_new_tasks_until_resumed(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    owner = world.member(community)
    giver = world.member(community)
    world.submission(owner)
    pause(world, community, admin)
    before = world.snapshot()

    with refused("community_paused", reason="maintenance"):
        world.task(giver)
    assert world.snapshot() == before

    world.clock.advance(hours=1)
    resume(world, community, admin)
    assert world.task(giver).status is TaskStatus.ASSIGNED


def test_resume_community_turns_the_kill_switch_off_with_an_audit_entry(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    pause(world, community, admin)
    world.clock.advance(hours=1)

    community_service.resume_community(
        world.uow(), community_id=community.id, actor_member_id=admin.id, now=world.now, reason="all clear"
    )

    stored = stored_community(world, community)
    assert (stored.is_paused, stored.pause_reason, stored.paused_at) == (False, None, None)
    assert [(e.action, e.actor_member_id, e.detail) for e in audit(world, community)] == [
        (AuditAction.PAUSE, admin.id, "maintenance"),
        (AuditAction.RESUME, admin.id, "all clear"),
    ]


def test_resume_community_gives_tasks_awaiting_verification_their_paused_time_back(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    owner = world.member(community)
    giver = world.member(community)
    other_giver = world.member(community)
    world.submission(owner)
    submitted = world.done(world.task(giver))
    verifying = world.done(world.task(other_giver))
    world.start_verifying(verifying.id)
    world.clock.advance(hours=1)
    pause(world, community, admin)
    world.clock.advance(hours=3)

    resume(world, community, admin)

    assert world.reload_task(submitted).deadline_at == submitted.deadline_at + timedelta(hours=3)
    assert world.reload_task(verifying).deadline_at == verifying.deadline_at + timedelta(hours=3)


def test_resume_community_refuses_a_community_that_is_not_paused(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    before = world.snapshot()

    with refused("community_not_paused"):
        resume(world, community, admin)
    assert world.snapshot() == before


def test_resume_community_refuses_a_member_who_is_not_an_admin(world: World) -> None:
    community = world.community()
    member = world.member(community)
    pause(world, community, None)
    before = world.snapshot()

    with refused("not_an_admin"):
        resume(world, community, member)
    assert world.snapshot() == before


def test_resume_community_refuses_an_admin_of_another_community(world: World) -> None:
    community_a = world.community()
    community_b = world.community()
    admin_of_a = world.member(community_a, admin=True)
    pause(world, community_b, None)
    before = world.snapshot()

    with refused("not_an_admin"):
        resume(world, community_b, admin_of_a)
    assert world.snapshot() == before


# --- settings ----------------------------------------------------------------------------------


def test_update_settings_stores_the_new_settings_with_an_audit_entry(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)

    settings = community_service.update_settings(
        world.uow(), actor_member_id=admin.id, now=world.now, credits_per_feedback=5, min_words=12
    )

    assert settings == CommunitySettings(credits_per_feedback=5, min_words=12)
    assert stored_community(world, community).settings == settings
    entries = audit(world, community)
    assert [(e.action, e.actor_member_id) for e in entries] == [(AuditAction.SETTINGS, admin.id)] * 2
    assert [SettingChange.from_detail(e.detail) for e in entries] == [
        SettingChange("credits_per_feedback", 10, 5),
        SettingChange("min_words", 8, 12),
    ]


def test_settings_changes_are_stored_by_name_and_plain_value_never_as_python_reprs(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)

    community_service.update_settings(
        world.uow(),
        actor_member_id=admin.id,
        now=world.now,
        allowed_platforms=frozenset({Platform.YOUTUBE, Platform.INSTAGRAM}),
        task_deadline=timedelta(hours=54),
        group_language="es",
    )

    assert [e.detail for e in audit(world, community)] == [
        '{"from":["instagram","tiktok","youtube"],"setting":"allowed_platforms","to":["instagram","youtube"]}',
        '{"from":null,"setting":"group_language","to":"es"}',
        '{"from":172800,"setting":"task_deadline_s","to":194400}',
    ]


def test_a_settings_change_to_the_same_values_audits_nothing(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)

    community_service.update_settings(world.uow(), actor_member_id=admin.id, now=world.now, min_words=8)

    assert audit(world, community) == []


def test_an_audit_detail_written_before_changes_were_structured_reads_as_free_text() -> None:
    assert SettingChange.from_detail("credits_per_feedback=11") is None
    assert SettingChange.from_detail("{not json") is None
    assert SettingChange.from_detail('{"setting": 3}') is None
    assert SettingChange.from_detail(None) is None


def test_update_settings_applies_to_the_next_submission(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    owner = world.member(community)
    community_service.update_settings(world.uow(), actor_member_id=admin.id, now=world.now, credits_per_feedback=4)

    submission = world.submission(owner, wanted=2)

    assert submission.credits_per_feedback == 4
    assert world.balance(owner) == 30 - 8


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"credits_per_feedback": 0}, "credits per feedback must be 1..10000"),
        ({"allowed_platforms": frozenset()}, "at least one platform must be allowed"),
        ({"task_deadline": timedelta(minutes=5)}, "task deadline must be between 1 hour and 30 days"),
        ({"default_feedback_per_submission": 11}, "default feedback per submission must be between"),
        ({"colour": "blue"}, "unknown setting"),
    ],
)
def test_update_settings_refuses_invalid_settings(world: World, changes: dict[str, object], message: str) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    before = world.snapshot()

    with pytest.raises(InvalidSettings, match=message):
        community_service.update_settings(world.uow(), actor_member_id=admin.id, now=world.now, **changes)
    assert world.snapshot() == before


def test_update_settings_refuses_a_member_who_is_not_an_admin(world: World) -> None:
    community = world.community()
    member = world.member(community)
    before = world.snapshot()

    with refused("not_an_admin"):
        community_service.update_settings(world.uow(), actor_member_id=member.id, now=world.now, credits_per_feedback=1)
    assert world.snapshot() == before


def test_update_settings_refuses_an_unknown_actor(world: World) -> None:
    world.community()
    before = world.snapshot()

    with refused("member_not_found", key=UNKNOWN):
        community_service.update_settings(world.uow(), actor_member_id=UNKNOWN, now=world.now, credits_per_feedback=1)
    assert world.snapshot() == before


# --- sanctions ---------------------------------------------------------------------------------


def test_warn_member_marks_the_member_warned_and_counts_each_warning(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    member = world.member(community)

    for reason in ("low effort", "again"):
        apply_penalty(
            world.uow(),
            action=PenaltyAction.WARN,
            actor_member_id=admin.id,
            target_member_id=member.id,
            reason=reason,
            now=world.now,
        )

    stored = stored_member(world, member)
    assert (stored.status, stored.warnings) == (MemberStatus.WARNED, 2)
    assert [(e.action, e.actor_member_id, e.target_member_id, e.detail) for e in audit(world, community)] == [
        (AuditAction.WARN, admin.id, member.id, "low effort"),
        (AuditAction.WARN, admin.id, member.id, "again"),
    ]


def test_a_penalty_writes_the_members_notice_with_the_reason_in_its_own_transaction(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    member = world.member(community)
    uow = world.uow()

    apply_penalty(
        uow,
        action=PenaltyAction.WARN,
        actor_member_id=admin.id,
        target_member_id=member.id,
        reason="  copy-paste\tfeedback ",
        now=world.now,
    )

    with world.storage.engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(tables.outbox.select())]
    assert [row["id"] for row in rows] == uow.take_notices()
    assert [(row["member_id"], row["kind"], row["params"]) for row in rows] == [
        (
            member.id,
            "penalty",
            {
                "action": "warn",
                "reason": "copy-paste feedback",
                "warnings": 1,
                "penalty_id": 1,  # the stored penalty, which an appeal names
                "until": (world.now + timedelta(days=30)).isoformat(),  # the warning expires (the default)
            },
        )
    ]


def test_ban_member_bans_and_cancels_only_the_members_assigned_tasks(world: World) -> None:
    community = world.community(welcome_credits=100)
    admin = world.member(community, admin=True)
    owner = world.member(community)
    target = world.member(community)
    other = world.member(community)
    first = world.submission(owner, wanted=3)
    done = world.done(world.task(target))
    world.clock.advance(hours=1)
    world.submission(owner, wanted=1)
    assigned = world.task(target)
    others_task = world.task(other)

    apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=admin.id,
        target_member_id=target.id,
        reason="spam",
        now=world.now,
    )

    assert stored_member(world, target).status is MemberStatus.BANNED
    assert (world.reload_task(assigned).status, world.reload_task(assigned).reason) == (
        TaskStatus.CANCELLED,
        "member_banned",
    )
    assert world.reload_task(done).status is TaskStatus.SUBMITTED
    assert world.reload_task(others_task).status is TaskStatus.ASSIGNED
    assert world.reload_submission(first).tasks_open == 2
    [entry] = audit(world, community)
    assert (entry.action, entry.target_member_id, entry.detail) == (AuditAction.BAN, target.id, "spam")


def test_a_ban_cancels_every_assigned_task_however_many(world: World) -> None:
    community = world.community(welcome_credits=1000, max_open_tasks_per_member=30)
    admin = world.member(community, admin=True)
    target = world.member(community)
    for _ in range(25):
        world.submission(world.member(community), wanted=1)
    tasks = [world.task(target) for _ in range(25)]

    apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=admin.id,
        target_member_id=target.id,
        reason="spam",
        now=world.now,
    )

    assert {world.reload_task(task).status for task in tasks} == {TaskStatus.CANCELLED}


def test_a_banned_members_submissions_are_no_longer_offered(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    owner = world.member(community)
    giver = world.member(community)
    world.submission(owner)

    apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=admin.id,
        target_member_id=owner.id,
        reason="fraud",
        now=world.now,
    )

    with refused("no_task_available"):
        world.task(giver)


def test_unban_member_restores_the_member_who_can_act_again(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    member = world.member(community)
    owner = world.member(community)
    world.submission(owner)
    ids = {"actor_member_id": admin.id, "target_member_id": member.id, "now": world.now}
    apply_penalty(world.uow(), action=PenaltyAction.BAN, reason="oops", **ids)

    apply_penalty(world.uow(), action=PenaltyAction.UNBAN, reason="appeal accepted", **ids)

    assert stored_member(world, member).status is MemberStatus.ACTIVE
    assert world.task(member).status is TaskStatus.ASSIGNED
    assert [(e.action, e.detail) for e in audit(world, community)] == [
        (AuditAction.BAN, "oops"),
        (AuditAction.UNBAN, "appeal accepted"),
    ]


def test_unban_member_returns_a_warned_member_to_warned(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    member = world.member(community)
    ids = {"actor_member_id": admin.id, "target_member_id": member.id, "now": world.now}
    apply_penalty(world.uow(), action=PenaltyAction.WARN, reason="first", **ids)
    apply_penalty(world.uow(), action=PenaltyAction.BAN, reason="second", **ids)

    apply_penalty(world.uow(), action=PenaltyAction.UNBAN, reason="", **ids)

    assert stored_member(world, member).status is MemberStatus.WARNED
    assert audit(world, community)[-1].detail is None


@pytest.mark.parametrize("action", list(PenaltyAction))
def test_sanctions_refuse_a_member_who_is_not_an_admin(world: World, action: PenaltyAction) -> None:
    community = world.community()
    member = world.member(community)
    target = world.member(community)
    before = world.snapshot()

    with refused("not_an_admin"):
        apply_penalty(
            world.uow(), action=action, actor_member_id=member.id, target_member_id=target.id, reason="x", now=world.now
        )
    assert world.snapshot() == before


@pytest.mark.parametrize("action", list(PenaltyAction))
def test_sanctions_refuse_a_member_of_another_community(world: World, action: PenaltyAction) -> None:
    community_a = world.community()
    community_b = world.community()
    admin_of_a = world.member(community_a, admin=True)
    member_of_b = world.member(community_b)
    before = world.snapshot()

    with refused("member_not_found", key=member_of_b.id):
        apply_penalty(
            world.uow(),
            action=action,
            actor_member_id=admin_of_a.id,
            target_member_id=member_of_b.id,
            reason="x",
            now=world.now,
        )
    assert world.snapshot() == before


def test_sanctions_refuse_an_unknown_target_or_actor(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True)
    member = world.member(community)
    before = world.snapshot()

    with refused("member_not_found", key=UNKNOWN):
        apply_penalty(
            world.uow(),
            action=PenaltyAction.BAN,
            actor_member_id=admin.id,
            target_member_id=UNKNOWN,
            reason="x",
            now=world.now,
        )
    with refused("member_not_found", key=UNKNOWN):
        apply_penalty(
            world.uow(),
            action=PenaltyAction.WARN,
            actor_member_id=UNKNOWN,
            target_member_id=member.id,
            reason="x",
            now=world.now,
        )
    assert world.snapshot() == before


# --- the audit trail ---------------------------------------------------------------------------


def test_recent_audit_lists_the_communitys_admin_actions_newest_first(world: World) -> None:
    community = world.community()
    other_community = world.community()
    admin = world.member(community, admin=True)
    member = world.member(community)
    pause(world, other_community, None)
    pause(world, community, admin)
    world.clock.advance(minutes=1)
    resume(world, community, admin)
    world.clock.advance(minutes=1)
    apply_penalty(
        world.uow(),
        action=PenaltyAction.WARN,
        actor_member_id=admin.id,
        target_member_id=member.id,
        reason="x",
        now=world.now,
    )

    entries = community_service.recent_audit(world.uow(), actor_member_id=admin.id, limit=2)

    assert [e.action for e in entries] == [AuditAction.WARN, AuditAction.RESUME]
    assert {e.community_id for e in entries} == {community.id}


def test_recent_audit_refuses_a_member_who_is_not_an_admin(world: World) -> None:
    community = world.community()
    member = world.member(community)

    with refused("not_an_admin"):
        community_service.recent_audit(world.uow(), actor_member_id=member.id)
