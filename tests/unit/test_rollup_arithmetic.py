"""What each task event adds to the dashboard's rollups, and the ratios read from the sums."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tgexchange.domain.content import Platform
from tgexchange.domain.dashboard import NotYourCommunity, Period, Viewer, token_digest
from tgexchange.domain.events import (
    SubmissionCompleted,
    TaskAssigned,
    TaskCancelled,
    TaskEvent,
    TaskExpired,
    TaskRejected,
    TaskSkipped,
    TaskSubmitted,
    TaskVerified,
)
from tgexchange.domain.rollup import (
    Counts,
    DayKey,
    MemberCounts,
    MemberDayKey,
    RejectionKey,
    deltas_for,
    hour_of,
    is_trusted,
    member_roi,
)

ASSIGNED = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
LATER = ASSIGNED + timedelta(hours=2)  # the next UTC day


def event(kind: type[TaskEvent], at: datetime = LATER, **extra: Any) -> TaskEvent:
    return kind(
        occurred_at=at,
        task_id=1,
        submission_id=2,
        community_id=3,
        giver_id=4,
        owner_id=5,
        platform=Platform.TIKTOK,
        assigned_at=ASSIGNED,
        **extra,
    )


def test_an_assignment_counts_on_the_day_it_happened() -> None:
    deltas = deltas_for([event(TaskAssigned, ASSIGNED)])

    assert deltas.days == {DayKey(3, date(2026, 3, 1), Platform.TIKTOK): Counts(assigned=1)}
    assert deltas.rejections == {}


def test_a_verification_counts_on_its_own_day_with_credits_and_seconds_since_assignment() -> None:
    deltas = deltas_for([event(TaskVerified, credits=10)])

    assert deltas.days == {
        DayKey(3, date(2026, 3, 2), Platform.TIKTOK): Counts(verified=1, credits_moved=10, verify_s=7200)
    }


def test_members_days_count_what_member_stats_counts_on_the_day_it_happened() -> None:
    deltas = deltas_for(
        [
            event(TaskAssigned, ASSIGNED),
            event(TaskVerified, credits=10),
            event(TaskRejected, reason="too_short"),
            event(TaskRejected, reason="platform_unavailable"),  # not the giver's fault: not counted
            event(TaskExpired),
            event(TaskSkipped),
            event(TaskCancelled, reason="paused"),  # counted nowhere in member_stats either
        ]
    )

    assert deltas.members == {
        MemberDayKey(3, date(2026, 3, 1), 4): MemberCounts(tasks_taken=1),
        MemberDayKey(3, date(2026, 3, 2), 4): MemberCounts(verified=1, rejected=1, expired=1, skipped=1),
        MemberDayKey(3, date(2026, 3, 2), 5): MemberCounts(feedback_received=1),
    }


def test_a_rejection_also_counts_by_hour_and_reason() -> None:
    deltas = deltas_for([event(TaskRejected, reason="too_short"), event(TaskRejected, reason="too_short")])

    assert deltas.days[DayKey(3, date(2026, 3, 2), Platform.TIKTOK)] == Counts(rejected=2)
    assert deltas.rejections == {RejectionKey(3, hour_of(LATER), "too_short"): 2}


@pytest.mark.parametrize(
    ("kind", "extra", "counter"),
    [
        (TaskExpired, {}, "expired"),
        (TaskSkipped, {}, "skipped"),
        (TaskCancelled, {"reason": "community_paused"}, "cancelled"),
    ],
)
def test_each_final_status_has_its_counter(kind: type[TaskEvent], extra: dict[str, Any], counter: str) -> None:
    (counts,) = deltas_for([event(kind, **extra)]).days.values()

    assert counts.as_dict() == {**Counts().as_dict(), counter: 1}


def test_events_that_change_no_count_add_nothing() -> None:
    submitted = event(TaskSubmitted)
    completed = SubmissionCompleted(occurred_at=LATER, submission_id=2, owner_id=5, community_id=3)

    assert deltas_for([submitted, completed]).is_empty


def test_the_hour_is_whole_hours_since_the_epoch_in_utc() -> None:
    assert hour_of(datetime(1970, 1, 1, 2, 59, tzinfo=UTC)) == 2
    assert hour_of(datetime(1970, 1, 1, 5, 0, tzinfo=UTC) + timedelta(hours=-3)) == 2


def test_ratios_are_none_rather_than_a_division_by_zero() -> None:
    empty = Counts()

    assert (empty.success_rate, empty.roi, empty.efficiency, empty.mean_verify_s) == (None, None, None, None)


def test_ratios_follow_their_definitions() -> None:
    counts = Counts(assigned=20, verified=8, rejected=2, expired=2, skipped=3, cancelled=1, verify_s=800)

    assert counts.decided == 12
    assert counts.success_rate == pytest.approx(8 / 12)
    assert counts.feedback_given == 10
    assert counts.roi == pytest.approx(8 / 10)
    assert counts.efficiency == pytest.approx(8 / 20)
    assert counts.mean_verify_s == 100
    assert counts.open == 20 - 16


@given(st.lists(st.sampled_from(["assigned", "verified", "rejected", "expired", "skipped", "cancelled"]), max_size=40))
def test_summing_buckets_gives_the_same_totals_as_counting_the_events(kinds: list[str]) -> None:
    classes: dict[str, tuple[type[TaskEvent], dict[str, Any]]] = {
        "assigned": (TaskAssigned, {}),
        "verified": (TaskVerified, {"credits": 3}),
        "rejected": (TaskRejected, {"reason": "spam"}),
        "expired": (TaskExpired, {}),
        "skipped": (TaskSkipped, {}),
        "cancelled": (TaskCancelled, {"reason": "x"}),
    }
    events = [event(classes[k][0], LATER + timedelta(days=i % 3), **classes[k][1]) for i, k in enumerate(kinds)]
    total = Counts()
    for counts in deltas_for(events).days.values():
        total.add(counts)

    for name in classes:
        assert getattr(total, name) == kinds.count(name)
    assert total.credits_moved == 3 * kinds.count("verified")


def test_a_member_is_trusted_after_five_decided_tasks_mostly_verified_unless_banned() -> None:
    assert is_trusted(decided=5, reliability=0.8, banned=False)
    assert not is_trusted(decided=4, reliability=0.9, banned=False)
    assert not is_trusted(decided=50, reliability=0.79, banned=False)
    assert not is_trusted(decided=50, reliability=0.95, banned=True)


def test_member_roi_is_received_per_given_and_none_before_giving() -> None:
    assert member_roi(received=6, given=4) == 1.5
    assert member_roi(received=3, given=0) is None


@pytest.mark.parametrize(
    ("period", "first"),
    [
        (Period.DAILY, date(2026, 3, 10)),
        (Period.WEEKLY, date(2026, 3, 4)),
        (Period.MONTHLY, date(2026, 2, 9)),
        (Period.ALL, None),
    ],
)
def test_periods_are_utc_days_counted_back_from_today_inclusive(period: Period, first: date | None) -> None:
    assert period.first_day(date(2026, 3, 10)) == first


def test_the_line_chart_of_all_time_shows_the_last_ninety_days() -> None:
    assert Period.ALL.series_first_day(date(2026, 3, 31)) == date(2026, 1, 1)
    assert Period.WEEKLY.series_first_day(date(2026, 3, 31)) == date(2026, 3, 25)


def test_the_operator_sees_every_community_or_the_one_asked_for() -> None:
    operator = Viewer.operator()

    assert operator.scope(None) is None
    assert operator.scope(42) == frozenset({42})


def test_an_admin_sees_their_communities_and_is_refused_others() -> None:
    admin = Viewer(is_operator=False, community_ids=frozenset({1, 2}), telegram_user_id=7)

    assert admin.scope(None) == frozenset({1, 2})
    assert admin.scope(2) == frozenset({2})
    with pytest.raises(NotYourCommunity):
        admin.scope(3)


def test_storage_keeps_a_digest_that_does_not_reveal_the_token() -> None:
    digest = token_digest("secret-token")

    assert len(digest) == 64
    assert "secret" not in digest
    assert digest == token_digest("secret-token")
    assert digest != token_digest("secret-token2")
