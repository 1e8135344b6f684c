"""Keeping the dashboard rollups current, and recomputing them from the tasks table.

``update_rollups`` is an in-transaction handler (``Storage.in_transaction_handlers``): it runs
inside the unit of work's commit, after the flush and before COMMIT, so a transition and its
rollup increments commit or roll back together and a retried use case counts once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tgexchange.adapters.db import tables
from tgexchange.domain.events import Event
from tgexchange.domain.rollup import SECONDS_PER_HOUR, Counts, RollupDeltas, deltas_for
from tgexchange.domain.task import NO_FAULT_REASONS, TaskStatus

if TYPE_CHECKING:
    from tgexchange.adapters.db.unit_of_work import SqlAlchemyUnitOfWork

_COUNTERS = tuple(Counts().as_dict())
COMMUNITY_ROLLUP_TABLES = (
    tables.rollup_daily,
    tables.rollup_totals,
    tables.rollup_rejections,
    tables.rollup_rejections_all,
)
ROLLUP_TABLES = (*COMMUNITY_ROLLUP_TABLES, tables.rollup_member_daily)


def update_rollups(events: list[Event], uow: SqlAlchemyUnitOfWork) -> None:
    """Adds the events' counts to the rollups within the unit of work's transaction."""
    deltas = deltas_for(events)
    if not deltas.is_empty:
        apply_deltas(uow.session.connection(), deltas)


def apply_deltas(connection: sa.Connection, deltas: RollupDeltas) -> None:
    """Atomic upserts (``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``), table by table in
    key order, so that two transactions touching the same buckets lock them in the same order (no
    deadlock). Members' days come first: the community's rows of today, which every transition of
    the community touches, are then held for the shortest time."""
    for member_day in sorted(deltas.members):
        _upsert(
            connection,
            tables.rollup_member_daily,
            {"community_id": member_day.community_id, "day": member_day.day, "member_id": member_day.member_id},
            deltas.members[member_day].as_dict(),
        )
    totals: dict[tuple[int, str], Counts] = {}
    for key in sorted(deltas.days):
        counts = deltas.days[key]
        _upsert(
            connection,
            tables.rollup_daily,
            {"community_id": key.community_id, "day": key.day, "platform": key.platform.value},
            counts.as_dict(),
        )
        totals.setdefault((key.community_id, key.platform.value), Counts()).add(counts)
    for (community_id, platform), counts in sorted(totals.items()):
        _upsert(
            connection,
            tables.rollup_totals,
            {"community_id": community_id, "platform": platform},
            counts.as_dict(),
        )
    everywhere: dict[tuple[int, str], int] = {}
    for rejection in sorted(deltas.rejections):
        count = deltas.rejections[rejection]
        _upsert(
            connection,
            tables.rollup_rejections,
            {"community_id": rejection.community_id, "hour": rejection.hour, "reason": rejection.reason},
            {"rejected": count},
        )
        hourly = (rejection.hour, rejection.reason)
        everywhere[hourly] = everywhere.get(hourly, 0) + count
    for (hour, reason), count in sorted(everywhere.items()):
        _upsert(connection, tables.rollup_rejections_all, {"hour": hour, "reason": reason}, {"rejected": count})


def _upsert(connection: sa.Connection, table: sa.Table, key: dict[str, Any], counters: dict[str, int]) -> None:
    connection.execute(_upsert_statement(connection.dialect.name, table, tuple(key), tuple(counters)), key | counters)


@functools.cache
def _upsert_statement(dialect: str, table: sa.Table, key: tuple[str, ...], counters: tuple[str, ...]) -> Any:
    """Built once per table and dialect, values bound at execution: building (and cache-keying) a
    fresh statement per bucket was a seventh of the simulator's time. Every counter is added, also
    a zero (``n = n + 0``), so that one statement serves every delta."""
    insert: Any = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    changed = {name: table.c[name] + insert.excluded[name] for name in counters}
    return insert.on_conflict_do_update(index_elements=list(key), set_=changed)


# Rebuilding ----------------------------------------------------------------------------------


def _day(connection: sa.Connection, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    if connection.dialect.name == "postgresql":
        return sa.cast(sa.func.timezone("UTC", column), sa.Date)
    return sa.func.date(_whole_seconds(column))  # SQLite stores naive UTC text


def _epoch_s(connection: sa.Connection, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    if connection.dialect.name == "postgresql":
        return sa.cast(sa.func.floor(sa.extract("epoch", column)), sa.BigInteger)
    return sa.cast(sa.func.strftime("%s", _whole_seconds(column)), sa.BigInteger)


def _whole_seconds(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """SQLite's text time cut to whole seconds, as Python cuts them when the rollups are kept:
    SQLite's date functions round a fraction of .9995 s or more up to the next second first (and
    so, at the end of an hour or a day, into the next one)."""
    return sa.func.substr(column, 1, 19)


def _outcome_counts(connection: sa.Connection, community_id: int, status: TaskStatus, counter: str) -> sa.Select[Any]:
    """Per day and platform: how many of the community's tasks ended with ``status``."""
    t = tables.tasks
    day = _day(connection, t.c.decided_at).label("day")
    columns: list[sa.ColumnElement[Any]] = [sa.func.count().label(counter)]
    if status is TaskStatus.VERIFIED:
        columns.append(sa.func.sum(t.c.credits).label("credits_moved"))
        waited = _epoch_s(connection, t.c.decided_at) - _epoch_s(connection, t.c.assigned_at)
        columns.append(sa.func.sum(sa.case((waited > 0, waited), else_=0)).label("verify_s"))
    return (
        sa.select(day, t.c.platform, *columns)
        .where(t.c.community_id == community_id, t.c.status == status.value)
        .group_by(day, t.c.platform)
    )


_FINAL = {
    TaskStatus.VERIFIED: "verified",
    TaskStatus.REJECTED: "rejected",
    TaskStatus.EXPIRED: "expired",
    TaskStatus.SKIPPED: "skipped",
    TaskStatus.CANCELLED: "cancelled",
}


def _rebuild_community(connection: sa.Connection, community_id: int) -> None:
    """Recomputes one community's rollups from its tasks (the caller emptied them)."""
    t = tables.tasks
    buckets: dict[tuple[Any, str], Counts] = {}

    def add(day: Any, platform: Any, **counts: int) -> None:
        key = (day, str(platform))
        buckets.setdefault(key, Counts()).add(Counts(**{k: int(v or 0) for k, v in counts.items()}))

    assigned_day = _day(connection, t.c.assigned_at).label("day")
    for row in connection.execute(
        sa.select(assigned_day, t.c.platform, sa.func.count().label("assigned"))
        .where(t.c.community_id == community_id)
        .group_by(assigned_day, t.c.platform)
    ):
        add(row.day, row.platform, assigned=row.assigned)
    for status, counter in _FINAL.items():
        for row in connection.execute(_outcome_counts(connection, community_id, status, counter)):
            add(row.day, row.platform, **{k: v for k, v in row._asdict().items() if k not in {"day", "platform"}})
    _insert_buckets(connection, community_id, buckets)
    _rebuild_rejections(connection, community_id)


def _insert_buckets(connection: sa.Connection, community_id: int, buckets: dict[tuple[Any, str], Counts]) -> None:
    if not buckets:
        return
    totals: dict[str, Counts] = {}
    daily = []
    for (day, platform), counts in sorted(buckets.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        daily.append({"community_id": community_id, "day": _as_date(day), "platform": platform, **counts.as_dict()})
        totals.setdefault(platform, Counts()).add(counts)
    connection.execute(tables.rollup_daily.insert(), daily)
    connection.execute(
        tables.rollup_totals.insert(),
        [{"community_id": community_id, "platform": p, **c.as_dict()} for p, c in sorted(totals.items())],
    )


def _as_date(value: object) -> date:
    # SQLite's date() answers text; PostgreSQL a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _rebuild_rejections(connection: sa.Connection, community_id: int) -> None:
    t = tables.tasks
    # Each expression is built once: PostgreSQL matches GROUP BY to SELECT expressions by their
    # text, bound parameters included.
    hour = _epoch_s(connection, t.c.decided_at) // SECONDS_PER_HOUR
    reason = sa.func.coalesce(t.c.reason, sa.literal_column("'rejected'"))
    select = (
        sa.select(
            sa.literal(community_id, sa.BigInteger).label("community_id"),
            hour.label("hour"),
            reason.label("reason"),
            sa.func.count().label("rejected"),
        )
        .where(t.c.community_id == community_id, t.c.status == TaskStatus.REJECTED.value)
        .group_by(hour, reason)
    )
    connection.execute(
        tables.rollup_rejections.insert().from_select(["community_id", "hour", "reason", "rejected"], select)
    )


def lock_rollups(connection: sa.Connection, rollups: Sequence[sa.Table] = ROLLUP_TABLES) -> None:
    """Holds concurrent rollup writers back until the rebuild commits. On PostgreSQL their
    transitions are then either committed before the rebuild reads the tasks (counted by it) or
    still uncommitted (adding their increments after it); SQLite already serialises writers."""
    if connection.dialect.name == "postgresql":
        names = ", ".join(table.name for table in rollups)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")


def rebuild_member_days(connection: sa.Connection) -> None:
    """Recomputes ``rollup_member_daily`` from the tasks table, in one INSERT … SELECT (the rows
    never pass through Python): what each task added to its giver's and owner's days."""
    t, d = tables.tasks, tables.rollup_member_daily
    counters = tables.MEMBER_DAY_COUNTERS
    no_fault = sorted(NO_FAULT_REASONS)
    at_fault = sa.or_(t.c.reason.is_(None), t.c.reason.not_in(no_fault))

    def part(
        moment: sa.ColumnElement[Any], member: sa.ColumnElement[Any], where: sa.ColumnElement[bool], **counts: Any
    ) -> sa.Select[Any]:
        values = [sa.cast(counts.get(name, 0), sa.BigInteger).label(name) for name in counters]
        return sa.select(
            t.c.community_id.label("community_id"),
            _day(connection, moment).label("day"),
            member.label("member_id"),
            *values,
        ).where(where)

    def one_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.case((condition, 1), else_=0)

    giver_outcomes = sa.or_(
        t.c.status.in_([TaskStatus.VERIFIED.value, TaskStatus.EXPIRED.value, TaskStatus.SKIPPED.value]),
        sa.and_(t.c.status == TaskStatus.REJECTED.value, at_fault),
    )
    events = sa.union_all(
        part(t.c.assigned_at, t.c.giver_id, sa.true(), tasks_taken=1),
        part(
            t.c.decided_at,
            t.c.giver_id,
            giver_outcomes,
            verified=one_if(t.c.status == TaskStatus.VERIFIED.value),
            rejected=one_if(t.c.status == TaskStatus.REJECTED.value),
            expired=one_if(t.c.status == TaskStatus.EXPIRED.value),
            skipped=one_if(t.c.status == TaskStatus.SKIPPED.value),
        ),
        part(t.c.decided_at, t.c.owner_id, t.c.status == TaskStatus.VERIFIED.value, feedback_received=1),
    ).subquery()
    keys = [events.c.community_id, events.c.day, events.c.member_id]
    summed = sa.select(*keys, *[sa.func.sum(events.c[name]) for name in counters]).group_by(*keys).order_by(*keys)
    connection.execute(d.insert().from_select(["community_id", "day", "member_id", *counters], summed))


def rebuild_rollups(
    connection: sa.Connection, *, progress: Callable[[int, int], None] | None = None, member_days: bool = True
) -> int:
    """Recomputes every community's rollups from the tasks table inside the caller's transaction,
    and the members' days unless ``member_days`` is false (the 0004 migration, which runs before
    their table exists). Returns how many communities were rebuilt; ``progress(done, total)``
    after each."""
    rollups = ROLLUP_TABLES if member_days else COMMUNITY_ROLLUP_TABLES
    lock_rollups(connection, rollups)
    community_ids: Sequence[int] = connection.scalars(
        sa.select(tables.communities.c.id).order_by(tables.communities.c.id)
    ).all()
    for table in rollups:
        connection.execute(table.delete())
    if member_days:
        rebuild_member_days(connection)
    for done, community_id in enumerate(community_ids, start=1):
        _rebuild_community(connection, community_id)
        if progress is not None:
            progress(done, len(community_ids))
    r = tables.rollup_rejections
    connection.execute(
        tables.rollup_rejections_all.insert().from_select(
            ["hour", "reason", "rejected"],
            sa.select(r.c.hour, r.c.reason, sa.func.sum(r.c.rejected))
            .group_by(r.c.hour, r.c.reason)
            .order_by(r.c.hour, r.c.reason),
        )
    )
    return len(community_ids)
