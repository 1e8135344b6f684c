"""A member's pace of taking tasks against their community's (domain.pace), worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.pace import KEEPING_UP, PRIOR_DAYS, paces
from tgexchange.domain.reciprocity import MemberRecord, TaskRecord
from tgexchange.domain.task import TaskStatus

START = datetime(2026, 1, 1, tzinfo=UTC)


def _task(
    task_id: int, giver: int, *, hours: float, status: TaskStatus = TaskStatus.VERIFIED, community: int = 1
) -> TaskRecord:
    return TaskRecord(
        task_id=task_id,
        community_id=community,
        giver_id=giver,
        owner_id=999,
        platform=Platform.YOUTUBE,
        kind=ContentKind.VIDEO,
        assigned_at=START + timedelta(hours=hours),
        status=status,
    )


def _member(member_id: int, *, days: float = 0.0, community: int = 1) -> MemberRecord:
    return MemberRecord(member_id, community, START + timedelta(days=days))


def test_a_member_who_takes_nothing_falls_as_the_days_pass_and_a_newcomer_starts_at_one() -> None:
    members = [_member(1), _member(2), _member(3, days=4)]
    # Member 1 takes two tasks a day for four days; member 2 takes none; 3 joins on day 4.
    tasks = [_task(i, 1, hours=12 * i) for i in range(8)]

    pace = paces(tasks, members, at=START + timedelta(days=4))

    rate = KEEPING_UP * 8 / 8  # 8 taken over 8 member-days (the newcomer has none yet)
    assert pace[1] == 1.0
    assert pace[2] == pytest.approx(PRIOR_DAYS * rate / ((4 + PRIOR_DAYS) * rate))  # 1/5
    assert pace[3] == 1.0


def test_half_the_communitys_rate_keeps_a_member_at_one_and_skips_do_not_count() -> None:
    members = [_member(1), _member(2), _member(3)]
    at = START + timedelta(days=10)
    busy = [_task(i, 1, hours=i * 6) for i in range(40)]  # 4 a day
    slow = [_task(100 + i, 2, hours=i * 12) for i in range(20)]  # 2 a day: half of busy's
    skipper = [_task(200 + i, 3, hours=i * 12, status=TaskStatus.SKIPPED) for i in range(20)]

    pace = paces(busy + slow + skipper, members, at=at)

    rate = KEEPING_UP * 60 / 30  # one a day
    assert pace[1] == 1.0
    assert pace[2] == 1.0
    assert pace[3] == pytest.approx(PRIOR_DAYS * rate / ((10 + PRIOR_DAYS) * rate))


def test_later_tasks_and_other_communities_do_not_count() -> None:
    members = [_member(1), _member(2), _member(3, community=2), _member(4, community=2)]
    at = START + timedelta(days=2)
    tasks = [
        _task(1, 1, hours=1),
        _task(2, 1, hours=60),  # after ``at``: the future is not seen
        _task(3, 3, hours=1, community=2),
        _task(4, 3, hours=2, community=2),
        _task(5, 3, hours=3, community=2),
        _task(6, 3, hours=4, community=2),
    ]

    pace = paces(tasks, members, at=at)

    assert pace[1] == 1.0
    assert pace[2] == pytest.approx(PRIOR_DAYS / (2 + PRIOR_DAYS))
    assert pace[4] == pytest.approx(PRIOR_DAYS / (2 + PRIOR_DAYS))
    assert pace[3] == 1.0


def test_nobody_is_held_back_before_anyone_has_taken_a_task_and_the_not_yet_joined_are_left_out() -> None:
    members = [_member(1), _member(2), _member(3, days=5)]

    pace = paces([], members, at=START + timedelta(days=3))

    assert pace == {1: 1.0, 2: 1.0}


def test_an_hour_that_found_no_task_counts_as_one_taken() -> None:
    members = [_member(1), _member(2), _member(3)]
    at = START + timedelta(days=4)
    tasks = [_task(i, 1, hours=6 * i) for i in range(16)]  # member 1: 4 a day
    # Member 2 asked in eight hours and found nothing each time; member 3 never asked.
    pace = paces(tasks, members, at=at, hours_in_vain={2: 8})
    without = paces(tasks, members, at=at)

    rate = KEEPING_UP * 16 / 12  # the community's rate counts tasks taken only
    assert pace[2] == pytest.approx(min(1.0, (8 + PRIOR_DAYS * rate) / ((4 + PRIOR_DAYS) * rate)))
    assert pace[2] == 1.0  # two hours a day that found nothing: half the community's rate and more
    assert without[2] == pytest.approx(PRIOR_DAYS / (4 + PRIOR_DAYS))
    assert pace[3] == without[3] == pytest.approx(PRIOR_DAYS / (4 + PRIOR_DAYS))
    assert pace[1] == 1.0


def test_a_few_hours_that_found_nothing_lift_a_member_only_as_far_as_they_go() -> None:
    members = [_member(1), _member(2)]
    at = START + timedelta(days=10)
    tasks = [_task(i, 1, hours=i * 6) for i in range(40)]  # 4 a day: the rate is one a day
    pace = paces(tasks, members, at=at, hours_in_vain={2: 2})

    rate = KEEPING_UP * 40 / 20
    assert pace[2] == pytest.approx((2 + PRIOR_DAYS * rate) / ((10 + PRIOR_DAYS) * rate))  # 3/11
