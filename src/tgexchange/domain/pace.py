"""Whether a member takes tasks at all: their pace of taking against their community's.

The reciprocity model predicts how a task given to a member ends. A member who asks for feedback
and never takes a task leaves no tasks to learn from, so the model gives them a newcomer's score
(measured: 0.81 for every leecher of a simulated community after ten days, against 0.03 for
spammers). What tells the two apart is time: a newcomer has had no time to take anything, a
member who has been around for days and taken nothing has chosen not to.

So a member's give-back, as matching weighs it, is the model's chance times their *pace*: tasks
they took (and did not skip) per day since they joined, against half the community's rate, under
a prior of ``PRIOR_DAYS`` days at that rate, capped at 1. A newcomer starts at 1; a member who
takes tasks at half the community's rate or more stays at 1, so a slower giver is not punished
for being slow; a member who takes nothing falls as 1 / (1 + days).

An hour in which the member asked for a task and the exchange had none for them counts as a task
taken: they showed up, and a member whose platforms have little content must not fall like one
who never asks. Asking again in the same hour counts once (the store keeps one row per hour), so
tapping /task cannot buy pace; the community's rate counts tasks taken only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from tgexchange.domain.reciprocity import MemberRecord, TaskRecord
from tgexchange.domain.task import TaskStatus

# The share of the community's rate of taking tasks that counts as keeping up (chosen up front,
# not tuned: slow members in the simulator take about half what honest ones do).
KEEPING_UP = 0.5
# Days of the reference pace assumed before a member's own record: a newcomer is given the benefit
# of the doubt for about a day.
PRIOR_DAYS = 1.0
_DAY_S = 86_400.0


def paces(
    tasks: Iterable[TaskRecord],
    members: Iterable[MemberRecord],
    *,
    at: datetime,
    hours_in_vain: Mapping[int, int] | None = None,
) -> dict[int, float]:
    """Each member's pace at ``at`` (history before it only), in (0, 1]. ``hours_in_vain``: per
    member, the hours before ``at`` in which they asked for a task and none was there."""
    joined = [m for m in members if m.joined_at <= at]
    taken: dict[int, int] = defaultdict(int)
    for task in tasks:
        if task.assigned_at < at and task.status is not TaskStatus.SKIPPED:
            taken[task.giver_id] += 1
    asked = hours_in_vain or {}
    days = {m.member_id: (at - m.joined_at).total_seconds() / _DAY_S for m in joined}
    community_days: dict[int, float] = defaultdict(float)
    community_taken: dict[int, int] = defaultdict(int)
    for member in joined:
        community_days[member.community_id] += days[member.member_id]
        community_taken[member.community_id] += taken[member.member_id]
    result: dict[int, float] = {}
    for member in joined:
        member_days = community_days[member.community_id]
        rate = KEEPING_UP * community_taken[member.community_id] / member_days if member_days else 0.0
        if rate <= 0:  # nobody has taken anything yet: nothing to keep up with
            result[member.member_id] = 1.0
            continue
        shown_up = taken[member.member_id] + asked.get(member.member_id, 0)
        expected = (days[member.member_id] + PRIOR_DAYS) * rate
        result[member.member_id] = min(1.0, (shown_up + PRIOR_DAYS * rate) / expected)
    return result
