"""Where a reliable member's wait for a first verified feedback goes (bench/ml.py --effect).

Matching decides who is handed a submission, and in what order submissions are handed out. The
order can only shorten a wait while submissions queue for givers; the choice of giver shortens
it when the first one handed the task would not have done it. These numbers say which of the two
a setting can move: hours from the submission to its first task (the queue), and how often the
first verified feedback came only after a task that failed (expired, rejected or cancelled; a
skip hands the task straight back and costs nothing), with the mean wait either way.

The mean over the submissions that got a feedback leaves out those that never did, so a setting
that serves more of them can look slower for it. ``restricted_mean_h`` counts every submission,
one still waiting when the run ended as waiting until then (the restricted mean of a censored
time): where nearly every submission is served the two agree."""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tgexchange.adapters.db import tables
from tgexchange.domain.task import TaskStatus

_FAILED = frozenset({TaskStatus.EXPIRED, TaskStatus.REJECTED, TaskStatus.CANCELLED})


@dataclass(frozen=True)
class Waits:
    submissions: int  # every submission of the owners
    hours: list[float]  # to the first verified feedback, one per submission that got one
    breakdown: dict[str, Any]  # where those hours went (``summarize``)
    restricted_mean_h: float | None  # over every submission, an unserved one waiting until the end


def reliable_waits(engine: sa.Engine, owners: Collection[int], *, ended_at: datetime) -> Waits:
    """The submissions of ``owners`` (the reliable members' ids) and their waits, in a run that
    ended at ``ended_at``."""
    t, s = tables.tasks, tables.submissions
    with engine.connect() as connection:
        created = dict(connection.execute(sa.select(s.c.id, s.c.created_at).where(s.c.owner_id.in_(owners))).all())
        tasks = connection.execute(
            sa.select(t.c.submission_id, t.c.assigned_at, t.c.status, t.c.decided_at)
            .where(t.c.owner_id.in_(owners))
            .order_by(t.c.submission_id, t.c.assigned_at, t.c.id)
        ).all()
    by_submission: dict[int, list[Any]] = {}
    for task in tasks:
        by_submission.setdefault(task.submission_id, []).append(task)
    hours, breakdown = summarize((created[submission_id], handed) for submission_id, handed in by_submission.items())
    unserved = [
        _hours(created_at, ended_at)
        for submission_id, created_at in created.items()
        if not any(task.status == TaskStatus.VERIFIED for task in by_submission.get(submission_id, ()))
    ]
    return Waits(submissions=len(created), hours=hours, breakdown=breakdown, restricted_mean_h=_mean(hours + unserved))


def summarize(submissions: Iterable[tuple[datetime, list[Any]]]) -> tuple[list[float], dict[str, Any]]:
    """``submissions``: (created at, its tasks in the order they were handed out). The hours to each
    one's first verified feedback (those that got one), and where they went."""
    first_task: list[float] = []
    after_failure: list[float] = []
    clean: list[float] = []
    for created_at, handed in submissions:
        verified = [task for task in handed if task.status == TaskStatus.VERIFIED]
        if not verified:
            continue
        first = min(verified, key=lambda task: task.decided_at)
        wait = _hours(created_at, first.decided_at)
        first_task.append(_hours(created_at, handed[0].assigned_at))
        failed_first = any(task.status in _FAILED and task.assigned_at < first.assigned_at for task in handed)
        (after_failure if failed_first else clean).append(wait)
    served = len(after_failure) + len(clean)
    return after_failure + clean, {
        "first_task_mean_h": _mean(first_task),
        "after_failure_share": round(len(after_failure) / served, 3) if served else None,
        "after_failure_mean_h": _mean(after_failure),
        "otherwise_mean_h": _mean(clean),
    }


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def waits_summary(label: str, effects: list[dict[str, Any]]) -> list[str]:
    """Over one group's off and on runs (``label`` names it): the means of the numbers above."""
    runs = [r for r in effects if "waits" in r["off"]]
    if not runs:
        return []

    def mean(arm: str, key: str) -> str:
        values = [r[arm]["waits"][key] for r in runs if r[arm]["waits"][key] is not None]
        return f"{statistics.fmean(values):.2f}" if values else "—"

    return [
        f"Where the wait goes ({label}; mean over the seeds, off → on): a reliable member's"
        f" submission is handed to its first giver {mean('off', 'first_task_mean_h')} →"
        f" {mean('on', 'first_task_mean_h')} h after it is made; its first verified feedback came"
        f" after a task that failed on {mean('off', 'after_failure_share')} →"
        f" {mean('on', 'after_failure_share')} of them, a wait of {mean('off', 'after_failure_mean_h')} →"
        f" {mean('on', 'after_failure_mean_h')} h against {mean('off', 'otherwise_mean_h')} →"
        f" {mean('on', 'otherwise_mean_h')} h otherwise."
    ]
