"""The pure rules of fair play: the ladder, expiry, the health score and the cooldown it earns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.errors import InvalidSettings
from tgexchange.domain.health import (
    MAX_HEALTH_COOLDOWN,
    HealthInputs,
    cooldown_for,
    health,
)
from tgexchange.domain.penalty import (
    DEFAULT_LADDER,
    LADDER_PRESETS,
    Appeal,
    AppealAlreadyDecided,
    AppealStatus,
    Penalty,
    PenaltyKind,
    ends_at,
    next_step,
)
from tgexchange.domain.reliability import MemberStats

T = datetime(2026, 3, 2, 12, tzinfo=UTC)
WARN, COOLDOWN, BAN = PenaltyKind.WARN, PenaltyKind.COOLDOWN, PenaltyKind.BAN


def test_the_default_ladder_is_warn_then_cooldown_then_ban() -> None:
    assert DEFAULT_LADDER == (WARN, COOLDOWN, BAN)
    assert [next_step(DEFAULT_LADDER, n) for n in range(5)] == [WARN, COOLDOWN, BAN, BAN, BAN]


def test_every_ladder_the_menu_offers_ends_in_a_ban() -> None:
    assert all(ladder[-1] is BAN for ladder in LADDER_PRESETS)
    assert len(set(LADDER_PRESETS)) == len(LADDER_PRESETS)


def test_a_longer_ladder_climbs_one_step_per_penalty_in_force() -> None:
    ladder = (WARN, WARN, COOLDOWN, BAN)
    assert [next_step(ladder, n) for n in range(4)] == [WARN, WARN, COOLDOWN, BAN]


def test_a_warning_expires_a_cooldown_ends_and_a_ban_lasts() -> None:
    cooldown, expiry = timedelta(hours=24), timedelta(days=30)
    assert ends_at(WARN, now=T, cooldown=cooldown, warning_expiry=expiry) == T + expiry
    assert ends_at(COOLDOWN, now=T, cooldown=cooldown, warning_expiry=expiry) == T + cooldown
    assert ends_at(BAN, now=T, cooldown=cooldown, warning_expiry=expiry) is None


def test_a_penalty_is_in_force_until_it_ends_or_is_lifted() -> None:
    warning = Penalty(
        community_id=1, member_id=2, kind=WARN, reason="copied", created_at=T, ends_at=T + timedelta(days=30)
    )
    assert warning.is_active(T + timedelta(days=29))
    assert not warning.is_active(T + timedelta(days=30))  # expired: no longer counts on the ladder
    ban = Penalty(community_id=1, member_id=2, kind=BAN, reason="spam", created_at=T)
    assert ban.is_active(T + timedelta(days=3650))
    assert not ban.lifted(now=T, by="appeal").is_active(T + timedelta(seconds=1))


def test_an_expired_warning_no_longer_moves_the_member_up_the_ladder() -> None:
    first = Penalty(community_id=1, member_id=2, kind=WARN, reason="x", created_at=T, ends_at=T + timedelta(days=30))
    later = T + timedelta(days=31)
    assert next_step(DEFAULT_LADDER, sum(p.is_active(T + timedelta(days=1)) for p in [first])) is COOLDOWN
    assert next_step(DEFAULT_LADDER, sum(p.is_active(later) for p in [first])) is WARN


def test_an_appeal_is_decided_once() -> None:
    appeal = Appeal(id=7, penalty_id=1, community_id=1, member_id=2, text="it was a mistake", created_at=T)
    upheld = appeal.decided(upheld=True, now=T, by="member 1", note=None)
    assert upheld.status is AppealStatus.UPHELD
    with pytest.raises(AppealAlreadyDecided):
        upheld.decided(upheld=False, now=T, by="member 3", note=None)


def test_the_ladder_and_the_fair_play_settings_round_trip_and_are_checked() -> None:
    settings = CommunitySettings(penalty_ladder=(WARN, BAN), admission_cap_per_day=20, health_threshold_pct=40)
    assert CommunitySettings.from_json(settings.to_json()) == settings
    assert settings.to_json()["penalty_ladder"] == ["warn", "ban"]
    for bad in ({"penalty_ladder": ()}, {"penalty_ladder": ("warn", "kick")}, {"health_threshold_pct": 95}):
        with pytest.raises(InvalidSettings):
            CommunitySettings(**bad)
    # Settings stored before these existed read as the defaults.
    stored = settings.to_json()
    for key in ("penalty_ladder", "admission_cap_per_day", "health_threshold_pct"):
        stored.pop(key)
    assert CommunitySettings.from_json(stored).penalty_ladder == DEFAULT_LADDER
    assert CommunitySettings.from_json(stored).admission_cap_per_day == 0


def test_a_newcomer_is_healthy_enough_and_a_serial_rejectee_is_not() -> None:
    newcomer = health(HealthInputs(MemberStats()))
    assert newcomer == pytest.approx((0.5 * 0.5 + 0.3 * 1.0) / 0.8)
    assert newcomer > 0.6
    rejected = health(HealthInputs(MemberStats(tasks_taken=5, rejected=5)))
    assert rejected < 0.3
    good = health(HealthInputs(MemberStats(tasks_taken=20, verified=20)))
    assert good > 0.9


def test_health_stays_in_the_unit_interval_and_falls_with_penalties_in_force() -> None:
    stats = MemberStats(tasks_taken=10, verified=8, rejected=2)
    clean = health(HealthInputs(stats))
    warned = health(HealthInputs(stats, active_warnings=1))
    cooled = health(HealthInputs(stats, active_warnings=1, active_cooldowns=1))
    assert 1 >= clean > warned > cooled >= 0
    assert health(HealthInputs(stats, active_warnings=50)) == 0.0
    assert health(HealthInputs(MemberStats(verified=10_000), rating=1.0)) <= 1.0


def test_ratings_count_when_there_are_some_and_are_neutral_until_then() -> None:
    stats = MemberStats(tasks_taken=10, verified=8, rejected=2)
    unrated = health(HealthInputs(stats))
    assert health(HealthInputs(stats, rating=None)) == unrated
    assert health(HealthInputs(stats, rating=1.0)) > unrated > health(HealthInputs(stats, rating=0.0))


def test_the_cooldown_is_zero_above_the_threshold_and_scales_to_a_day_at_zero() -> None:
    assert cooldown_for(0.31, 0.3) == timedelta(0)
    assert cooldown_for(0.3, 0.3) == timedelta(0)
    assert cooldown_for(0.0, 0.3) == MAX_HEALTH_COOLDOWN
    assert cooldown_for(0.15, 0.3) == timedelta(hours=12)
    assert cooldown_for(0.1, 0.3) > cooldown_for(0.2, 0.3) > timedelta(0)
    assert cooldown_for(0.0, 0.0) == timedelta(0)  # threshold 0: the cooldown is off
