"""Synthetic exchange histories for the reciprocity model's tests: members with a hidden give-back
probability take tasks over weeks; what they do follows it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tests.outcomes import record_verification_outcome
from tests.world import World
from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.reciprocity import GroupRecord, MemberRecord, TaskRecord
from tgexchange.domain.task import TaskStatus
from tgexchange.services import task as task_service

START = datetime(2026, 1, 5, tzinfo=UTC)


def history(
    *, members: int = 60, tasks: int = 3000, days: int = 40, seed: int = 3
) -> tuple[list[TaskRecord], list[MemberRecord], dict[int, float]]:
    """Tasks in time order, the members, and each member's hidden probability."""
    rng = random.Random(seed)
    truth = {m: rng.betavariate(2, 2) for m in range(1, members + 1)}
    joined = [MemberRecord(m, 1, START + timedelta(hours=rng.uniform(0, 48))) for m in truth]
    records = []
    for task_id in range(1, tasks + 1):
        giver = rng.randrange(1, members + 1)
        owner = rng.choice([m for m in range(1, members + 1) if m != giver])
        at = START + timedelta(days=2) + timedelta(seconds=rng.uniform(0, days * 86400))
        p = truth[giver]
        roll = rng.random()
        if roll < p:
            status, reason = TaskStatus.VERIFIED, None
        elif roll < p + (1 - p) * 0.3:
            status, reason = TaskStatus.EXPIRED, None
        elif roll < p + (1 - p) * 0.4:
            status, reason = TaskStatus.SKIPPED, None
        else:
            status, reason = TaskStatus.REJECTED, rng.choice(["too_short", "spam", "not_found"])
        decided = at + timedelta(hours=rng.uniform(1, 60))
        # Verified feedback and feedback refused on quality were said done first; the rest never.
        was_done = status is TaskStatus.VERIFIED or (status is TaskStatus.REJECTED and reason != "not_found")
        done = at + (decided - at) * rng.uniform(0.2, 0.9) if was_done else None
        records.append(
            TaskRecord(
                task_id=task_id,
                community_id=1,
                giver_id=giver,
                owner_id=owner,
                platform=rng.choice(list(Platform)),
                kind=ContentKind.VIDEO,
                assigned_at=at,
                status=status,
                decided_at=decided,
                reason=reason,
                toxicity=rng.uniform(0, 0.2) if status is TaskStatus.VERIFIED else None,
                done_at=done,
                submitted_at=at - timedelta(hours=rng.uniform(0, 48)),
            )
        )
    records.sort(key=lambda r: r.assigned_at)
    return records, joined, truth


def groups(members: int, *, count: int = 3, days: int = 40, seed: int = 3) -> list[GroupRecord]:
    """Groups of two to four members, flagged at times spread over the history; an admin clears
    about half of them some days later."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        flagged_at = START + timedelta(days=2) + timedelta(seconds=rng.uniform(0, days * 86400))
        cleared_at = flagged_at + timedelta(days=rng.uniform(0.5, 10)) if rng.random() < 0.5 else None
        members_in = tuple(rng.sample(range(1, members + 1), rng.randint(2, min(4, members))))
        found.append(GroupRecord(1, flagged_at, members_in, cleared_at=cleared_at))
    return sorted(found, key=lambda g: g.flagged_at)


def exchange_history(world: World, *, members: int = 22, seed: int = 5, idle: int = 0) -> dict[int, float]:
    """Members with a hidden chance of giving back take tasks on each other's videos for weeks;
    ``idle`` more submit a video too and never take a task (they are not in the returned truth)."""
    rng = random.Random(seed)
    community = world.community(welcome_credits=10_000, max_feedback_per_submission=100)
    people = [world.member(community) for _ in range(members)]
    truth = {m.id: rng.choice([0.15, 0.5, 0.9]) for m in people}
    for owner in people + [world.member(community) for _ in range(idle)]:
        world.submission(owner, wanted=members)
    for _ in range(members - 1):
        for giver in rng.sample(people, len(people)):
            world.clock.advance(minutes=rng.uniform(10, 120))
            try:
                task = world.task(giver)
            except Exception:  # nothing left for this giver
                continue
            if rng.random() < truth[giver.id]:
                world.done(task)
                record_verification_outcome(world.uow(), task_id=task.id, verified=True, now=world.now)
            elif rng.random() < 0.5:
                world.done(task)
                record_verification_outcome(
                    world.uow(), task_id=task.id, verified=False, now=world.now, reason="too_short"
                )
            else:
                task_service.skip_task(world.uow(), member_id=giver.id, task_id=task.id, now=world.now)
    return truth
