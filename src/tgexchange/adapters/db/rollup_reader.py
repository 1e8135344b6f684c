"""The dashboard's queries: counts from the rollups, members from member_stats, recent failures
through indexes on time. None of them reads more rows as the history grows, except the exports,
which stream."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.mapping import read_kill_switch
from tgexchange.adapters.db.operations import anomaly_of, recent_anomalies_query
from tgexchange.domain.content import Platform
from tgexchange.domain.member import MemberRole, MemberStatus
from tgexchange.domain.operations import Anomaly, ExchangePause
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.rollup import Counts, hour_of
from tgexchange.domain.task import TaskStatus
from tgexchange.services.ports import (
    TASK_EXPORT_COLUMNS,
    AdminSession,
    AskedInVain,
    CommunityCounts,
    DayCount,
    FailureCount,
    FailureRow,
    MemberRow,
    PlatformCounts,
    Scope,
)

_COUNTERS = tuple(Counts().as_dict())
_STATS = ("tasks_taken", "verified", "rejected", "expired", "skipped", "feedback_received")
_OPEN = (TaskStatus.ASSIGNED.value, TaskStatus.SUBMITTED.value, TaskStatus.VERIFYING.value)
_FINAL = ("verified", "rejected", "expired", "skipped", "cancelled")


# Every dashboard request asks these two (who is this session's user, which communities do they
# run now): built once, so SQLAlchemy does not build and look up a new statement each time.
_USER: sa.BindParameter[int] = sa.bindparam("telegram_user_id", type_=sa.BigInteger)
_SESSION_EPOCH = sa.select(tables.dashboard_sessions.c.epoch).where(
    tables.dashboard_sessions.c.telegram_user_id == _USER
)
_RUNS = sa.select(tables.members.c.community_id).where(
    tables.members.c.telegram_user_id == _USER,
    tables.members.c.role == MemberRole.ADMIN,
    tables.members.c.status != MemberStatus.BANNED,
)


def _in_scope(column: sa.ColumnElement[Any], scope: Scope) -> sa.ColumnElement[bool]:
    return sa.true() if scope is None else column.in_(sorted(scope))


def _counts(row: Any) -> Counts:
    return Counts(**{name: int(getattr(row, name) or 0) for name in _COUNTERS})


class SqlDashboardReader:
    """Implements the DashboardReader port. Each call reads on its own connection in a deferred
    transaction: on SQLite a reader never takes the write lock that every unit of work takes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def _connection(self, **options: Any) -> Iterator[sa.Connection]:
        with self._engine.connect() as connection:
            yield connection.execution_options(sqlite_begin="DEFERRED", **options)

    def _all(self, query: sa.Executable) -> list[Any]:
        with self._connection() as connection:
            return list(connection.execute(query))

    def admin_session(self, telegram_user_id: int) -> AdminSession:
        bound = {"telegram_user_id": telegram_user_id}
        with self._connection() as connection:
            current = connection.execute(_SESSION_EPOCH, bound).scalar_one_or_none()
            community_ids = frozenset(int(row.community_id) for row in connection.execute(_RUNS, bound))
        return AdminSession(int(current or 0), community_ids)

    def operations(self, *, since: datetime, limit: int) -> tuple[ExchangePause | None, list[Anomaly]]:
        with self._connection() as connection:
            pause = read_kill_switch(connection)
            found = [anomaly_of(row) for row in connection.execute(recent_anomalies_query(since=since, limit=limit))]
        return pause, found

    def predicted_reciprocity(self, member_ids: Sequence[int]) -> dict[int, float]:
        if not member_ids:
            return {}
        r = tables.reciprocity_scores
        query = (
            sa.select(r.c.member_id, sa.func.avg(r.c.probability).label("p"))
            .where(r.c.member_id.in_(list(member_ids)))
            .group_by(r.c.member_id)
        )
        return {int(row.member_id): float(row.p) for row in self._all(query)}

    def community_titles(self, scope: Scope) -> dict[int, str]:
        c = tables.communities
        rows = self._all(sa.select(c.c.id, c.c.title).where(_in_scope(c.c.id, scope)).order_by(c.c.id))
        return {int(row.id): row.title for row in rows}

    def asked_in_vain(self, scope: Scope, *, first_day: date | None, last_day: date | None = None) -> AskedInVain:
        u = tables.unmet_task_requests
        where = [_in_scope(u.c.community_id, scope)]
        if first_day is not None:
            where.append(u.c.hour >= datetime.combine(first_day, time(), tzinfo=UTC))
        if last_day is not None:
            where.append(u.c.hour < datetime.combine(last_day + timedelta(days=1), time(), tzinfo=UTC))
        query = sa.select(sa.func.count(sa.distinct(u.c.member_id)), sa.func.count()).where(*where)
        with self._connection() as connection:
            members, hours = connection.execute(query).one()
        return AskedInVain(members=int(members), member_hours=int(hours))

    def _sums(self, first_day: date | None) -> tuple[sa.Table, list[sa.ColumnElement[bool]]]:
        if first_day is None:
            return tables.rollup_totals, []
        return tables.rollup_daily, [tables.rollup_daily.c.day >= first_day]

    def counts_by_platform(self, scope: Scope, *, first_day: date | None) -> list[PlatformCounts]:
        table, where = self._sums(first_day)
        query = (
            sa.select(table.c.platform, *[sa.func.sum(table.c[name]).label(name) for name in _COUNTERS])
            .where(_in_scope(table.c.community_id, scope), *where)
            .group_by(table.c.platform)
            .order_by(table.c.platform)
        )
        return [PlatformCounts(Platform(row.platform), _counts(row)) for row in self._all(query)]

    def counts_by_community(self, scope: Scope, *, first_day: date | None) -> list[CommunityCounts]:
        table, where = self._sums(first_day)
        query = (
            sa.select(table.c.community_id, *[sa.func.sum(table.c[name]).label(name) for name in _COUNTERS])
            .where(_in_scope(table.c.community_id, scope), *where)
            .group_by(table.c.community_id)
        )
        sums = {int(row.community_id): _counts(row) for row in self._all(query)}
        return [
            CommunityCounts(community_id, title, sums.get(community_id, Counts()))
            for community_id, title in self.community_titles(scope).items()
        ]

    def verified_per_day(self, scope: Scope, *, first_day: date) -> list[DayCount]:
        d = tables.rollup_daily
        query = (
            sa.select(d.c.day, sa.func.sum(d.c.verified).label("verified"), sa.func.sum(d.c.assigned).label("assigned"))
            .where(_in_scope(d.c.community_id, scope), d.c.day >= first_day)
            .group_by(d.c.day)
            .order_by(d.c.day)
        )
        return [DayCount(row.day, int(row.verified or 0), int(row.assigned or 0)) for row in self._all(query)]

    def _member_query(self, scope: Scope, first_day: date | None) -> tuple[sa.Select[Any], sa.ColumnElement[Any]]:
        """Members with their counts since ``first_day`` (all time: member_stats itself; else the
        sums of their days, which read the window's rows only) beside their all-time standing;
        and the column of verified feedback given in that time, to rank by."""
        m, ms = tables.members, tables.member_stats
        people = (m.c.id, m.c.community_id, m.c.display_name, m.c.username, m.c.status)
        standing = [ms.c[name].label(f"all_{name}") for name in _STATS]
        if first_day is None:
            query = (
                sa.select(*people, *[ms.c[name] for name in _STATS], *standing)
                .join(ms, ms.c.member_id == m.c.id)
                .where(_in_scope(ms.c.community_id, scope))
            )
            return query, ms.c.verified
        d = tables.rollup_member_daily
        # Every community by its id, as values, so that each one's days are read by the key
        # (community, day): given a subquery instead, PostgreSQL read the whole table, every day
        # of the history, and filtered it.
        communities = sorted(self.community_titles(None) if scope is None else scope)
        days = (
            sa.select(d.c.member_id, *[sa.func.sum(d.c[name]).label(name) for name in _STATS])
            .where(d.c.community_id.in_(communities), d.c.day >= first_day)
            .group_by(d.c.member_id)
        )
        return days, sa.func.sum(d.c.verified)

    def _with_people(self, days: sa.Subquery) -> sa.Select[Any]:
        m, ms = tables.members, tables.member_stats
        return (
            sa.select(
                m.c.id,
                m.c.community_id,
                m.c.display_name,
                m.c.username,
                m.c.status,
                *[days.c[name] for name in _STATS],
                *[ms.c[name].label(f"all_{name}") for name in _STATS],
            )
            .join(m, m.c.id == days.c.member_id)
            .join(ms, ms.c.member_id == m.c.id)
        )

    @staticmethod
    def _member_row(row: Any) -> MemberRow:
        stats = MemberStats(**{name: int(getattr(row, name) or 0) for name in _STATS})
        standing = MemberStats(**{name: int(getattr(row, f"all_{name}")) for name in _STATS})
        return MemberRow(
            int(row.id), int(row.community_id), row.display_name, row.username, str(row.status), stats, standing
        )

    def members(self, scope: Scope, *, first_day: date | None, min_tasks: int, limit: int) -> list[MemberRow]:
        query, verified = self._member_query(scope, first_day)
        if first_day is None:
            ms = tables.member_stats
            ranked = (
                query.where(ms.c.tasks_taken >= min_tasks)
                .order_by(ms.c.verified.desc(), ms.c.member_id.desc())
                .limit(limit)
            )
            return [self._member_row(row) for row in self._all(ranked)]
        d = tables.rollup_member_daily
        # Ranked over the window's rows first; names and standing are joined to the few kept.
        top = (
            query.having(sa.func.sum(d.c.tasks_taken) >= min_tasks)
            .order_by(verified.desc(), d.c.member_id.desc())
            .limit(limit)
            .subquery()
        )
        ranked = self._with_people(top).order_by(top.c.verified.desc(), top.c.member_id.desc())
        return [self._member_row(row) for row in self._all(ranked)]

    def failure_counts(self, scope: Scope, *, since: datetime) -> list[FailureCount]:
        f = tables.job_failures
        if scope is None:  # every community: the rows summed across communities
            r = tables.rollup_rejections_all
            rejections = (
                sa.select(r.c.reason, sa.func.sum(r.c.rejected).label("n"))
                .where(r.c.hour >= hour_of(since))
                .group_by(r.c.reason)
            )
        else:
            r = tables.rollup_rejections
            rejections = (
                sa.select(r.c.reason, sa.func.sum(r.c.rejected).label("n"))
                .where(r.c.community_id.in_(sorted(scope)), r.c.hour >= hour_of(since))
                .group_by(r.c.reason)
            )
        jobs = (
            sa.select(f.c.kind, sa.func.count().label("n"))
            .where(_in_scope(f.c.community_id, scope), f.c.at >= since)
            .group_by(f.c.kind)
        )
        with self._connection() as connection:
            counts = [FailureCount("job", row.kind, int(row.n)) for row in connection.execute(jobs)]
            counts += [FailureCount("rejection", row.reason, int(row.n)) for row in connection.execute(rejections)]
        return sorted(counts, key=lambda c: (-c.count, c.source, c.type))

    def recent_failures(self, scope: Scope, *, since: datetime, limit: int) -> list[FailureRow]:
        f, t, m = tables.job_failures, tables.tasks, tables.members
        jobs = (
            sa.select(f.c.at, f.c.kind, f.c.platform, f.c.community_id, f.c.detail, f.c.submission_id)
            .where(_in_scope(f.c.community_id, scope), f.c.at >= since)
            .order_by(f.c.at.desc())  # by the index on time alone; failures rarely share a moment
            .limit(limit)
        )
        # The newest rejections first, straight off (status, decided_at, id); their givers' names
        # are joined to those few rows only, whatever the planner thinks of the members table.
        newest = (
            sa.select(
                t.c.id, t.c.decided_at, t.c.reason, t.c.platform, t.c.community_id, t.c.submission_id, t.c.giver_id
            )
            .where(_in_scope(t.c.community_id, scope), t.c.status == TaskStatus.REJECTED.value, t.c.decided_at >= since)
            .order_by(t.c.decided_at.desc(), t.c.id.desc())
            .limit(limit)
            .subquery()
        )
        rejections = (
            sa.select(newest, m.c.display_name)
            .join(m, m.c.id == newest.c.giver_id)
            .order_by(newest.c.decided_at.desc(), newest.c.id.desc())
        )
        with self._connection() as connection:
            rows = [
                FailureRow(
                    at=row.at,
                    source="job",
                    type=row.kind,
                    platform=Platform(row.platform) if row.platform else None,
                    community_id=row.community_id,
                    member=None,
                    detail=row.detail,
                )
                for row in connection.execute(jobs)
            ]
            rows += [
                FailureRow(
                    at=row.decided_at,
                    source="rejection",
                    type=row.reason or "rejected",
                    platform=Platform(row.platform),
                    community_id=row.community_id,
                    member=row.display_name,
                    detail=f"task {row.id} on submission {row.submission_id}",
                )
                for row in connection.execute(rejections)
            ]
        rows.sort(key=lambda row: row.at, reverse=True)
        return rows[:limit]

    def tasks_by_status(self) -> dict[str, int]:
        totals, t = tables.rollup_totals, tables.tasks
        with self._connection() as connection:
            finished = connection.execute(sa.select(*[sa.func.sum(totals.c[s]).label(s) for s in _FINAL])).one()
            by_status = {status: int(getattr(finished, status) or 0) for status in _FINAL}
            by_status.update(dict.fromkeys(_OPEN, 0))
            for row in connection.execute(
                sa.select(t.c.status, sa.func.count().label("n")).where(t.c.status.in_(_OPEN)).group_by(t.c.status)
            ):
                by_status[str(row.status)] = int(row.n)
        return by_status

    @contextmanager
    def stream_members(
        self, scope: Scope, *, first_day: date | None, batch_size: int
    ) -> Iterator[Iterator[list[MemberRow]]]:
        query, _ = self._member_query(scope, first_day)
        if first_day is not None:
            query = self._with_people(query.subquery())
        query = query.order_by(tables.members.c.id)
        with self._connection(yield_per=batch_size) as connection:
            result = connection.execute(query)

            def batches() -> Iterator[list[MemberRow]]:
                for part in result.partitions():
                    yield [self._member_row(row) for row in part]

            yield batches()

    @contextmanager
    def stream_tasks(
        self, scope: Scope, *, first_day: date | None, batch_size: int
    ) -> Iterator[Iterator[list[tuple[object, ...]]]]:
        t = tables.tasks
        query = sa.select(*[t.c[name] for name in TASK_EXPORT_COLUMNS]).where(_in_scope(t.c.community_id, scope))
        if first_day is not None:
            query = query.where(t.c.assigned_at >= datetime.combine(first_day, datetime.min.time(), tzinfo=UTC))
        query = query.order_by(t.c.id)
        with self._connection(yield_per=batch_size) as connection:
            result = connection.execute(query)

            def batches() -> Iterator[list[tuple[object, ...]]]:
                for part in result.partitions():
                    yield [tuple(row) for row in part]

            yield batches()
