"""The dashboard's read side: counts and rows across the communities a viewer may see."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from tgexchange.domain.content import Platform
from tgexchange.domain.operations import Anomaly, ExchangePause
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.rollup import Counts

Scope = frozenset[int] | None
"""The communities a dashboard query covers; None means every community (the operator)."""


@dataclass(frozen=True, slots=True)
class PlatformCounts:
    platform: Platform
    counts: Counts


@dataclass(frozen=True, slots=True)
class CommunityCounts:
    community_id: int
    title: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class AskedInVain:
    """Members who asked for a task and found none (at least once), and the member-hours in which
    that happened: demand for tasks the community's content did not meet."""

    members: int = 0
    member_hours: int = 0


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    verified: int
    assigned: int = 0


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member's counts over a period (``stats``) and over all time (``standing``: what their
    reliability and trust are judged on); the same for the period 'all'."""

    member_id: int
    community_id: int
    display_name: str
    username: str | None
    status: str
    stats: MemberStats
    standing: MemberStats


@dataclass(frozen=True, slots=True)
class AdminSession:
    """What a session cookie is checked against on each request: the user's current session
    epoch (0 before their first login) and the communities they run now."""

    epoch: int
    community_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class FailureCount:
    source: str  # "job" (job_failures) or "rejection" (tasks)
    type: str  # the job failure's kind or the rejection's reason
    count: int


@dataclass(frozen=True, slots=True)
class FailureRow:
    at: datetime
    source: str
    type: str
    platform: Platform | None
    community_id: int | None
    member: str | None
    detail: str


TASK_EXPORT_COLUMNS = (
    "id",
    "community_id",
    "submission_id",
    "giver_id",
    "owner_id",
    "platform",
    "credits",
    "status",
    "reason",
    "assigned_at",
    "done_at",
    "decided_at",
)


class DashboardReader(Protocol):
    """Read-only queries for the dashboard, outside any unit of work: they never take a writer's
    lock, and the counts come from the rollups, not from history."""

    def predicted_reciprocity(self, member_ids: Sequence[int]) -> dict[int, float]:
        """The reciprocity model's latest score of each member (their platforms' mean); members
        not scored yet are absent."""
        ...

    def admin_session(self, telegram_user_id: int) -> AdminSession:
        """The user's session epoch, and the communities where they are an admin who is not
        banned (two look-ups by key, one connection)."""
        ...

    def operations(self, *, since: datetime, limit: int) -> tuple[ExchangePause | None, list[Anomaly]]:
        """The global kill switch and the anomalies open or cleared since ``since`` (newest
        first), in one snapshot: what the dashboard polls, read without a writer's lock."""
        ...

    def community_titles(self, scope: Scope) -> dict[int, str]: ...
    def asked_in_vain(self, scope: Scope, *, first_day: date | None, last_day: date | None = None) -> AskedInVain:
        """Who asked for a task and found none, in the UTC days from ``first_day`` (all time:
        None) to ``last_day`` (None: up to now), both included."""
        ...

    def counts_by_platform(self, scope: Scope, *, first_day: date | None) -> list[PlatformCounts]: ...
    def counts_by_community(self, scope: Scope, *, first_day: date | None) -> list[CommunityCounts]: ...
    def verified_per_day(self, scope: Scope, *, first_day: date) -> list[DayCount]:
        """Verified feedback per UTC day since ``first_day``, in day order, for the days on which
        anything happened to a task in scope (a day with tasks but none verified is a 0)."""
        ...

    def members(self, scope: Scope, *, first_day: date | None, min_tasks: int, limit: int) -> list[MemberRow]:
        """Members with at least ``min_tasks`` tasks taken since ``first_day`` (all time: None),
        most verified feedback given in that time first."""
        ...

    def failure_counts(self, scope: Scope, *, since: datetime) -> list[FailureCount]: ...
    def recent_failures(self, scope: Scope, *, since: datetime, limit: int) -> list[FailureRow]:
        """The latest job failures and rejections since ``since``, newest first."""
        ...

    def tasks_by_status(self) -> dict[str, int]:
        """Every task by status: finished ones from the rollups, open ones counted live."""
        ...

    def stream_members(
        self, scope: Scope, *, first_day: date | None, batch_size: int
    ) -> AbstractContextManager[Iterator[list[MemberRow]]]:
        """Every member in scope (since ``first_day``: every member with something on those days),
        in batches, without holding them all in memory."""
        ...

    def stream_tasks(
        self, scope: Scope, *, first_day: date | None, batch_size: int
    ) -> AbstractContextManager[Iterator[list[tuple[object, ...]]]]:
        """Tasks assigned since ``first_day`` as TASK_EXPORT_COLUMNS, in batches (a server-side
        cursor on PostgreSQL)."""
        ...
