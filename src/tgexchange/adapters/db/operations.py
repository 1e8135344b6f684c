"""Stored operations: the global kill switch, its log, anomalies, daily reports and worker beats
(Core statements inside the unit of work's transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.errors import is_unique_violation
from tgexchange.adapters.db.mapping import KILL_SWITCH_ROW, exchange_pause_in, forget_exchange_pause
from tgexchange.domain.operations import Anomaly, AnomalyKind, ExchangePause
from tgexchange.domain.task import RejectionReason, TaskStatus
from tgexchange.services.ports import SwitchChange, WorkerBeat

_k = tables.kill_switch
_log = tables.kill_switch_log
_a = tables.anomalies
_w = tables.workers
MAX_TEXT = 300
NOT_A_QUALITY_VERDICT = frozenset(reason.value for reason in RejectionReason)


class SqlOperationsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def kill_switch(self, *, for_update: bool = False) -> ExchangePause | None:
        if not for_update:
            return exchange_pause_in(self._session)
        row = self._session.execute(sa.select(_k).where(_k.c.id == KILL_SWITCH_ROW).with_for_update()).first()
        pause = None if row is None else ExchangePause(row.reason, row.since, row.by, row.anomaly_id)
        forget_exchange_pause(self._session, pause)
        return pause

    def switch_on(self, pause: ExchangePause) -> None:
        values = {
            "reason": pause.reason[:MAX_TEXT],
            "since": pause.since,
            "by": pause.by[:128],
            "anomaly_id": pause.anomaly_id,
        }
        updated = self._session.execute(_k.update().where(_k.c.id == KILL_SWITCH_ROW).values(**values))
        if not getattr(updated, "rowcount", 0):
            self._session.execute(_k.insert().values(id=KILL_SWITCH_ROW, **values))
        forget_exchange_pause(self._session, pause)

    def switch_off(self) -> None:
        self._session.execute(_k.delete().where(_k.c.id == KILL_SWITCH_ROW))
        forget_exchange_pause(self._session, None)

    def log_switch(self, change: SwitchChange) -> None:
        self._session.execute(
            _log.insert().values(
                at=change.at,
                action=change.action,
                community_id=change.community_id,
                actor=change.actor[:128],
                reason=change.reason[:MAX_TEXT] if change.reason else None,
                held_s=change.held_s,
                anomaly_id=change.anomaly_id,
            )
        )

    def switch_log(self, *, limit: int, community_id: int | None = None) -> Sequence[SwitchChange]:
        query = sa.select(_log).order_by(_log.c.at.desc(), _log.c.id.desc()).limit(limit)
        if community_id is not None:
            query = query.where(_log.c.community_id == community_id)
        return [_change(row) for row in self._session.execute(query)]

    def last_pause(self, community_id: int | None) -> SwitchChange | None:
        which = _log.c.community_id.is_(None) if community_id is None else _log.c.community_id == community_id
        row = self._session.execute(
            sa.select(_log).where(which, _log.c.action == "pause").order_by(_log.c.id.desc()).limit(1)
        ).first()
        return None if row is None else _change(row)

    def open_anomalies(self, *, for_update: bool = False) -> Sequence[Anomaly]:
        query = sa.select(_a).where(_a.c.cleared_at.is_(None)).order_by(_a.c.id)
        if for_update:
            query = query.with_for_update()
        return [anomaly_of(row) for row in self._session.execute(query)]

    def recent_anomalies(self, *, since: datetime, limit: int) -> Sequence[Anomaly]:
        return [anomaly_of(row) for row in self._session.execute(recent_anomalies_query(since=since, limit=limit))]

    def find_anomaly(self, anomaly_id: int) -> Anomaly | None:
        row = self._session.execute(sa.select(_a).where(_a.c.id == anomaly_id)).first()
        return None if row is None else anomaly_of(row)

    def save_anomaly(self, anomaly: Anomaly) -> None:
        values: dict[str, Any] = {
            "kind": anomaly.kind.value,
            "key": anomaly.key,
            "open_key": anomaly.key if anomaly.is_open else None,
            "severity": anomaly.severity,
            "peak_severity": anomaly.peak_severity,
            "summary": anomaly.summary[:MAX_TEXT],
            "evidence": anomaly.evidence,
            "community_id": anomaly.community_id,
            "platform": anomaly.platform,
            "job": anomaly.job,
            "first_seen": anomaly.first_seen,
            "last_seen": anomaly.last_seen,
            "cleared_at": anomaly.cleared_at,
            "paused": anomaly.paused,
        }
        if anomaly.is_stored:
            self._session.execute(_a.update().where(_a.c.id == anomaly.id).values(**values))
            return
        anomaly._id = int(self._session.execute(_a.insert().values(**values).returning(_a.c.id)).scalar_one())

    def is_report_sent(self, community_id: int, day: date) -> bool:
        table = tables.daily_reports
        found = self._session.execute(
            sa.select(table.c.day).where(table.c.community_id == community_id, table.c.day == day)
        ).first()
        return found is not None

    def claim_daily_report(self, community_id: int, day: date, *, now: datetime) -> bool:
        table = tables.daily_reports
        if self.is_report_sent(community_id, day):
            return False
        try:
            with self._session.begin_nested():
                self._session.execute(table.insert().values(community_id=community_id, day=day, sent_at=now))
        except sa.exc.IntegrityError as error:
            if is_unique_violation(error):
                return False
            raise
        return True

    def quality_rejections_by_hour(self, *, since_hour: int) -> dict[int, tuple[datetime, dict[int, int]]]:
        r, c = tables.rollup_rejections, tables.communities
        query = (
            sa.select(r.c.community_id, c.c.created_at, r.c.hour, sa.func.sum(r.c.rejected))
            .join(c, c.c.id == r.c.community_id)
            .where(r.c.hour >= since_hour, r.c.reason.not_in(sorted(NOT_A_QUALITY_VERDICT)))
            .group_by(r.c.community_id, c.c.created_at, r.c.hour)
        )
        found: dict[int, tuple[datetime, dict[int, int]]] = {}
        for community_id, created_at, hour, count in self._session.execute(query):
            found.setdefault(int(community_id), (created_at, {}))[1][int(hour)] = int(count)
        return found

    def stuck_tasks(self, *, before: datetime) -> int:
        t = tables.tasks
        query = (
            sa.select(sa.func.count())
            .select_from(t)
            .where(
                t.c.status.in_([TaskStatus.SUBMITTED, TaskStatus.VERIFYING]),
                t.c.review_stage.is_(None),
                t.c.next_check_at < before,
            )
        )
        return int(self._session.execute(query).scalar_one())

    def beat(self, worker: WorkerBeat) -> None:
        values = {"threads": worker.threads, "started_at": worker.started_at, "last_seen": worker.last_seen}
        updated = self._session.execute(_w.update().where(_w.c.name == worker.name).values(**values))
        if not getattr(updated, "rowcount", 0):
            self._session.execute(_w.insert().values(name=worker.name, **values))

    def forget_worker(self, name: str) -> None:
        self._session.execute(_w.delete().where(_w.c.name == name))

    def workers(self, *, seen_since: datetime) -> Sequence[WorkerBeat]:
        rows = self._session.execute(sa.select(_w).where(_w.c.last_seen >= seen_since).order_by(_w.c.name))
        return [WorkerBeat(row.name, row.threads, row.started_at, row.last_seen) for row in rows]


def _change(row: Any) -> SwitchChange:
    return SwitchChange(
        at=row.at,
        action=row.action,
        community_id=row.community_id,
        actor=row.actor,
        reason=row.reason,
        held_s=row.held_s,
        anomaly_id=row.anomaly_id,
    )


def recent_anomalies_query(*, since: datetime, limit: int) -> sa.Select[Any]:
    """Anomalies open, or cleared since ``since``, newest first (the repository's and the
    dashboard reader's)."""
    return (
        sa.select(_a)
        .where(sa.or_(_a.c.cleared_at.is_(None), _a.c.cleared_at >= since))
        .order_by(_a.c.last_seen.desc(), _a.c.id.desc())
        .limit(limit)
    )


def anomaly_of(row: Any) -> Anomaly:
    anomaly = Anomaly(
        kind=AnomalyKind(row.kind),
        key=row.key,
        severity=float(row.severity),
        peak_severity=float(row.peak_severity),
        summary=row.summary,
        evidence=dict(row.evidence or {}),
        community_id=row.community_id,
        platform=row.platform,
        job=row.job,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        cleared_at=row.cleared_at,
        paused=bool(row.paused),
    )
    anomaly._id = int(row.id)
    return anomaly
