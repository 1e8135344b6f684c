"""Community settings and kill switch; a member's standing and display name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes import T0
from tgexchange.domain.community import Community, CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import CommunityNotPaused, CommunityPaused, InvalidSettings, MemberBanned, NotAnAdmin
from tgexchange.domain.member import MAX_NAME_LENGTH, Member, MemberRole, MemberStatus, clean_display_name

# --- settings -------------------------------------------------------------------------------------

BAD_SETTINGS: list[dict[str, Any]] = [
    {"credits_per_feedback": 0},
    {"credits_per_feedback": -5},
    {"credits_per_feedback": 10_001},
    {"min_words": -1},
    {"min_words": 201},
    {"allowed_platforms": frozenset()},
    {"max_open_tasks_per_member": 0},
    {"max_open_tasks_per_member": 51},
    {"task_deadline": timedelta(minutes=59)},
    {"task_deadline": timedelta(days=30, seconds=1)},
    {"welcome_credits": -1},
    {"welcome_credits": 100_001},
    {"max_feedback_per_submission": 0},
    {"max_feedback_per_submission": 101},
    {"default_feedback_per_submission": 0},
    {"default_feedback_per_submission": 11},  # above the default maximum of 10
    {"max_feedback_per_submission": 2},  # below the default of 3 per submission
    {"credits_per_feedback": 2.5},  # credits are never floats
    {"welcome_credits": 30.5},
    {"credits_per_feedback": True},
    {"min_words": "8"},
    {"task_deadline": 3600},  # a duration, not a number of seconds
]

EDGE_SETTINGS: list[dict[str, Any]] = [
    {"credits_per_feedback": 1},
    {"credits_per_feedback": 10_000},
    {"min_words": 0},
    {"min_words": 200},
    {"allowed_platforms": frozenset({Platform.TIKTOK})},
    {"max_open_tasks_per_member": 1},
    {"max_open_tasks_per_member": 50},
    {"task_deadline": timedelta(hours=1)},
    {"task_deadline": timedelta(days=30)},
    {"welcome_credits": 0},
    {"welcome_credits": 100_000},
    {"max_feedback_per_submission": 100, "default_feedback_per_submission": 100},
    {"max_feedback_per_submission": 1, "default_feedback_per_submission": 1},
]


def test_default_settings_are_valid() -> None:
    settings = CommunitySettings()

    assert settings.credits_per_feedback == 10
    assert settings.allowed_platforms == frozenset(Platform)
    assert settings.default_feedback_per_submission <= settings.max_feedback_per_submission


@pytest.mark.parametrize("values", BAD_SETTINGS, ids=repr)
def test_settings_refuse_each_bad_value(values: dict[str, Any]) -> None:
    with pytest.raises(InvalidSettings):
        CommunitySettings(**values)


@pytest.mark.parametrize("values", EDGE_SETTINGS, ids=repr)
def test_settings_accept_each_value_at_its_limits(values: dict[str, Any]) -> None:
    settings = CommunitySettings(**values)

    assert all(getattr(settings, key) == value for key, value in values.items())


@pytest.mark.parametrize("values", BAD_SETTINGS, ids=repr)
def test_with_changes_refuses_each_bad_value(values: dict[str, Any]) -> None:
    with pytest.raises(InvalidSettings):
        CommunitySettings().with_changes(**values)


def test_with_changes_refuses_an_unknown_key_and_names_it() -> None:
    with pytest.raises(InvalidSettings) as refusal:
        CommunitySettings().with_changes(min_words=5, bonus_credits=3, colour="red")

    assert refusal.value.params["detail"] == "unknown setting(s): bonus_credits, colour"


def test_with_changes_returns_a_copy_and_leaves_the_original_alone() -> None:
    original = CommunitySettings()

    changed = original.with_changes(min_words=20, task_deadline=timedelta(hours=6))

    assert (changed.min_words, changed.task_deadline) == (20, timedelta(hours=6))
    assert (original.min_words, original.task_deadline) == (8, timedelta(hours=48))


valid_settings = st.builds(
    lambda credits, words, platforms, open_tasks, deadline_s, welcome, maximum, default_share, group: CommunitySettings(
        credits_per_feedback=credits,
        min_words=words,
        allowed_platforms=frozenset(platforms),
        max_open_tasks_per_member=open_tasks,
        task_deadline=timedelta(seconds=deadline_s),
        welcome_credits=welcome,
        max_feedback_per_submission=maximum,
        default_feedback_per_submission=max(1, round(maximum * default_share)),
        group_language=group,
    ),
    st.integers(1, 10_000),
    st.integers(0, 200),
    st.sets(st.sampled_from(Platform), min_size=1),
    st.integers(1, 50),
    st.integers(3600, 30 * 24 * 3600),
    st.integers(0, 100_000),
    st.integers(1, 100),
    st.floats(0, 1),
    st.sampled_from([None, "en", "es"]),
)


@given(valid_settings)
def test_settings_survive_a_json_round_trip(settings: CommunitySettings) -> None:
    assert CommunitySettings.from_json(settings.to_json()) == settings


def test_to_json_stores_platforms_sorted_and_the_deadline_in_seconds() -> None:
    data = CommunitySettings(
        allowed_platforms=frozenset({Platform.YOUTUBE, Platform.INSTAGRAM}), task_deadline=timedelta(hours=2)
    ).to_json()

    assert data["allowed_platforms"] == ["instagram", "youtube"]
    assert data["task_deadline_s"] == 7200


def test_from_json_fills_missing_keys_with_defaults_and_ignores_unknown_ones() -> None:
    settings = CommunitySettings.from_json({"min_words": 3, "retired_setting": 1})

    assert settings == CommunitySettings(min_words=3)


def test_from_json_refuses_stored_values_that_are_out_of_range() -> None:
    with pytest.raises(InvalidSettings):
        CommunitySettings.from_json({"credits_per_feedback": 0})


# --- the kill switch ------------------------------------------------------------------------------


def community() -> Community:
    return Community(telegram_chat_id=-100, title="Group", created_at=T0, _id=3)


def test_a_new_community_is_open() -> None:
    group = community()

    group.ensure_open()

    assert not group.is_paused


def test_pause_closes_the_community_with_its_reason() -> None:
    group = community()

    group.pause("spam wave", T0)

    assert (group.is_paused, group.pause_reason, group.paused_at) == (True, "spam wave", T0)
    with pytest.raises(CommunityPaused) as refusal:
        group.ensure_open()
    assert refusal.value.params == {"community_id": 3, "reason": "spam wave"}


def test_a_second_pause_updates_the_reason_but_keeps_the_start() -> None:
    group = community()
    group.pause("spam wave", T0)

    group.pause("still cleaning up", T0 + timedelta(hours=1))

    assert group.pause_reason == "still cleaning up"
    assert group.paused_at == T0


def test_resume_reopens_and_returns_how_long_it_was_paused() -> None:
    group = community()
    group.pause("spam wave", T0)
    group.pause("still cleaning up", T0 + timedelta(hours=1))

    paused_for = group.resume(T0 + timedelta(hours=3, minutes=5))

    assert paused_for == timedelta(hours=3, minutes=5)
    assert (group.is_paused, group.pause_reason, group.paused_at) == (False, None, None)
    group.ensure_open()


def test_resume_refuses_a_community_that_is_not_paused() -> None:
    group = community()

    with pytest.raises(CommunityNotPaused):
        group.resume(T0)

    assert not group.is_paused


def test_a_community_can_be_paused_again_after_resuming() -> None:
    group = community()
    group.pause("first", T0)
    group.resume(T0 + timedelta(hours=1))

    group.pause("second", T0 + timedelta(hours=5))

    assert group.resume(T0 + timedelta(hours=6)) == timedelta(hours=1)


# --- members --------------------------------------------------------------------------------------


def member(role: MemberRole = MemberRole.MEMBER) -> Member:
    return Member(community_id=3, telegram_user_id=500, display_name="Ana", joined_at=T0, role=role, _id=8)


def test_a_new_member_is_active_and_may_act() -> None:
    newcomer = member()

    newcomer.ensure_can_act()

    assert (newcomer.status, newcomer.warnings, newcomer.is_banned) == (MemberStatus.ACTIVE, 0, False)


def test_warn_counts_warnings_and_marks_the_member_warned() -> None:
    target = member()

    target.warn()
    target.warn()

    assert (target.status, target.warnings) == (MemberStatus.WARNED, 2)
    target.ensure_can_act()


def test_ban_stops_the_member_from_acting() -> None:
    target = member()

    target.ban()

    assert target.is_banned
    with pytest.raises(MemberBanned) as refusal:
        target.ensure_can_act()
    assert refusal.value.params == {"member_id": 8}


def test_warning_a_banned_member_keeps_them_banned() -> None:
    target = member()
    target.ban()

    target.warn()

    assert (target.status, target.warnings) == (MemberStatus.BANNED, 1)


def test_unban_restores_an_unwarned_member_to_active() -> None:
    target = member()
    target.ban()

    target.unban()

    assert target.status is MemberStatus.ACTIVE
    target.ensure_can_act()


def test_unban_restores_a_warned_member_to_warned() -> None:
    target = member()
    target.warn()
    target.ban()

    target.unban()

    assert (target.status, target.warnings) == (MemberStatus.WARNED, 1)


def test_ensure_admin_refuses_a_plain_member() -> None:
    with pytest.raises(NotAnAdmin) as refusal:
        member().ensure_admin()

    assert refusal.value.params == {"member_id": 8}


def test_ensure_admin_refuses_a_banned_admin() -> None:
    admin = member(MemberRole.ADMIN)
    admin.ban()

    with pytest.raises(MemberBanned):
        admin.ensure_admin()
    assert admin.is_admin


# --- display names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ana", "Ana"),
        ("  Ana   María  ", "Ana María"),
        ("Ana\nMaría\t\r", "Ana María"),
        ("Ana\x00\x1b[31mRed", "Ana [31mRed"),
        ("Ana\u200bMaría", "Ana María"),  # zero-width space is a format character
        ("Ana\u202eairaM", "Ana airaM"),  # right-to-left override
        ("", "member"),
        ("   ", "member"),
        ("\x00\x07\n", "member"),
        ("Zoë 🎬", "Zoë 🎬"),
    ],
)
def test_clean_display_name_examples(raw: str, clean: str) -> None:
    assert clean_display_name(raw) == clean


def test_clean_display_name_bounds_the_length() -> None:
    assert clean_display_name("x" * 1000) == "x" * MAX_NAME_LENGTH


def test_clean_display_name_does_not_end_with_the_space_it_was_cut_at() -> None:
    name = "a" * (MAX_NAME_LENGTH - 1) + " b"

    assert clean_display_name(name) == "a" * (MAX_NAME_LENGTH - 1)


names = st.one_of(st.text(max_size=400), st.text(alphabet="ab \t\x00\u200b", min_size=100, max_size=300))


@given(names)
def test_clean_display_name_is_never_empty_bounded_printable_and_collapsed(raw: str) -> None:
    clean = clean_display_name(raw)

    assert 0 < len(clean) <= MAX_NAME_LENGTH
    assert clean.isprintable()
    assert clean == clean.strip()
    assert "  " not in clean


@given(names)
def test_clean_display_name_is_idempotent(raw: str) -> None:
    once = clean_display_name(raw)

    assert clean_display_name(once) == once


def test_the_group_language_is_one_the_exchange_speaks_or_each_persons() -> None:
    assert CommunitySettings().group_language is None
    assert CommunitySettings(group_language="es").group_language == "es"
    for bad in ("fr", "ES", "english", "", "es-419", 7):
        with pytest.raises(InvalidSettings, match="group language must be one of en, es"):
            CommunitySettings(group_language=bad)  # type: ignore[arg-type]


def test_settings_stored_before_the_group_language_existed_read_as_each_persons() -> None:
    stored = CommunitySettings().to_json()
    del stored["group_language"]
    assert CommunitySettings.from_json(stored).group_language is None
    assert CommunitySettings.from_json({**stored, "group_language": "es"}).group_language == "es"
    # A language no longer spoken does not make the community unreadable.
    assert CommunitySettings.from_json({**stored, "group_language": "fr"}).group_language is None
