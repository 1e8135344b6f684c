"""The dashboard's exports: every row of a view, streamed in batches (the web face encodes them as
CSV or JSON as they come)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tgexchange.domain.dashboard import Period, Viewer
from tgexchange.services.dashboard import member_view
from tgexchange.services.ports import TASK_EXPORT_COLUMNS, CommunityCounts, DashboardReader, MemberRow


class ExportEntity(StrEnum):
    GROUPS = "groups"
    USERS = "users"
    TASKS = "tasks"


GROUP_EXPORT_COLUMNS = (
    "community_id",
    "title",
    "interactions",
    "verified",
    "rejected",
    "expired",
    "skipped",
    "cancelled",
    "support_given",
    "support_received",
    "roi_ratio",
    "efficiency",
    "success_rate",
    "credits_moved",
)
USER_EXPORT_COLUMNS = (
    "member_id",
    "community_id",
    "display_name",
    "username",
    "status",
    "interactions",
    "completed",
    "failed",
    "feedback_given",
    "feedback_received",
    "reliability",
    "trusted",
    "roi",
)


@dataclass(frozen=True, slots=True)
class ExportTable:
    columns: tuple[str, ...]
    batches: Iterator[list[tuple[object, ...]]]


@contextmanager
def export(
    reader: DashboardReader,
    *,
    viewer: Viewer,
    entity: ExportEntity,
    community_id: int | None,
    period: Period,
    today: date,
    batch_size: int = 1000,
) -> Iterator[ExportTable]:
    """The rows of ``entity`` in the viewer's scope, in batches; the reader's cursor stays open
    until the block ends. Raises NotYourCommunity."""
    scope = viewer.scope(community_id)
    if entity is ExportEntity.TASKS:
        with reader.stream_tasks(scope, first_day=period.first_day(today), batch_size=batch_size) as batches:
            yield ExportTable(TASK_EXPORT_COLUMNS, batches)
    elif entity is ExportEntity.USERS:
        with reader.stream_members(scope, first_day=period.first_day(today), batch_size=batch_size) as members:
            yield ExportTable(USER_EXPORT_COLUMNS, ([_user_cells(r) for r in batch] for batch in members))
    else:
        rows = reader.counts_by_community(scope, first_day=period.first_day(today))
        yield ExportTable(GROUP_EXPORT_COLUMNS, iter([[_group_cells(r) for r in rows]]))


def _user_cells(row: MemberRow) -> tuple[object, ...]:
    v = member_view(row)
    return (
        v.member_id,
        v.community_id,
        v.display_name,
        v.username,
        v.status,
        v.interactions,
        v.completed,
        v.failed,
        v.feedback_given,
        v.feedback_received,
        round(v.reliability, 4),
        v.trusted,
        None if v.roi is None else round(v.roi, 4),
    )


def _group_cells(row: CommunityCounts) -> tuple[object, ...]:
    c = row.counts

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return (
        row.community_id,
        row.title,
        c.assigned,
        c.verified,
        c.rejected,
        c.expired,
        c.skipped,
        c.cancelled,
        c.feedback_given,
        c.verified,
        rounded(c.roi),
        rounded(c.efficiency),
        rounded(c.success_rate),
        c.credits_moved,
    )
