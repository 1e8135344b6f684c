"""Things that happened, recorded by domain objects and handled when their unit of work commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Event:
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class TaskAssigned(Event):
    task_id: int
    submission_id: int
    giver_id: int


@dataclass(frozen=True, slots=True)
class TaskSubmitted(Event):
    task_id: int
    submission_id: int


@dataclass(frozen=True, slots=True)
class TaskVerified(Event):
    task_id: int
    submission_id: int
    giver_id: int
    owner_id: int
    credits: int


@dataclass(frozen=True, slots=True)
class TaskRejected(Event):
    task_id: int
    submission_id: int
    giver_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class TaskExpired(Event):
    task_id: int
    submission_id: int
    giver_id: int


@dataclass(frozen=True, slots=True)
class TaskSkipped(Event):
    task_id: int
    submission_id: int
    giver_id: int


@dataclass(frozen=True, slots=True)
class TaskCancelled(Event):
    task_id: int
    submission_id: int
    giver_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class SubmissionCompleted(Event):
    submission_id: int
    owner_id: int
    community_id: int


@dataclass(frozen=True, slots=True)
class SubmissionCancelled(Event):
    submission_id: int
    owner_id: int
    refunded: int
