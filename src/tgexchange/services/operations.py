"""The operator's kill switches: the global one, and any community's, each use audited in the
kill-switch log (who, when, why, and on a resume how long it was on). A community's own switch is
``services/community.pause_community``; this module adds the global switch and the operator's
status of everything.

While the global switch is on every community behaves as a paused one (Community.ensure_open):
no new tasks, nothing verified or paid, reviews wait; tasks not yet done are called off without
blame as the switch goes on, and tasks waiting for verification get the paused time back as it
goes off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tgexchange.domain.community import Community
from tgexchange.domain.errors import ExchangeNotPaused
from tgexchange.domain.operations import Anomaly, ExchangePause, held_up_by_exchange_pause
from tgexchange.domain.task import TaskStatus
from tgexchange.services import community as community_service
from tgexchange.services.community import clean_reason
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.lookup import get_community
from tgexchange.services.ports import SwitchChange, UnitOfWork, WorkerBeat
from tgexchange.services.task import cancel_assigned_tasks

PAUSE = "pause"
RESUME = "resume"
CANCEL_REASON = "exchange_paused"
# A worker that has not beaten for this long is taken for gone.
WORKER_GONE_AFTER = timedelta(seconds=60)

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class SwitchResult:
    changed: bool
    """False when the switch already was in the asked state (a second pause only rewrites the reason)."""
    cancelled: int = 0
    held_for: timedelta | None = None


@retry_on_conflict()
def pause_exchange(
    uow: UnitOfWork, *, reason: str, by: str, now: datetime, anomaly_id: int | None = None
) -> SwitchResult:
    """Turns the global kill switch on: every community stops as a paused one does, and tasks not
    yet done are called off without blame (their slots return to the submissions; their givers
    are told). Already on: only the reason changes (logged too)."""
    with uow:
        result = pause_exchange_in(uow, reason=reason, by=by, now=now, anomaly_id=anomaly_id)
        uow.commit()
        return result


def pause_exchange_in(
    uow: UnitOfWork, *, reason: str, by: str, now: datetime, anomaly_id: int | None = None
) -> SwitchResult:
    """``pause_exchange``'s work inside an open unit of work."""
    reason = clean_reason(reason) or "no reason given"
    current = uow.operations.kill_switch(for_update=True)
    since = current.since if current is not None else now
    uow.operations.switch_on(ExchangePause(reason, since, by, anomaly_id))
    cancelled = 0
    if current is None:
        for community in uow.communities.list_all():
            if community.is_paused:
                continue  # its own pause already called its tasks off
            assigned = uow.tasks.list_in_community(community.id, statuses=frozenset({TaskStatus.ASSIGNED}))
            cancelled += len(cancel_assigned_tasks(uow, [t.id for t in assigned], reason=CANCEL_REASON, now=now))
    uow.operations.log_switch(SwitchChange(now, PAUSE, None, by, reason, anomaly_id=anomaly_id))
    return SwitchResult(changed=current is None, cancelled=cancelled)


@retry_on_conflict()
def resume_exchange(uow: UnitOfWork, *, by: str, now: datetime, reason: str = "") -> SwitchResult:
    """Turns the global kill switch off; tasks waiting for verification, and reviews, get the time
    it held them up back (a community still paused on its own gets that part when it resumes).
    Raises ExchangeNotPaused."""
    with uow:
        pause = uow.operations.kill_switch(for_update=True)
        if pause is None:
            raise ExchangeNotPaused
        uow.operations.switch_off()
        for community in uow.communities.list_all():
            held = held_up_by_exchange_pause(
                pause, own_paused_at=community.paused_at if community.is_paused else None, now=now
            )
            if held <= timedelta(0):
                continue
            waiting = uow.tasks.list_in_community(
                community.id, statuses=frozenset({TaskStatus.SUBMITTED, TaskStatus.VERIFYING})
            )
            for task in waiting:
                task.extend_deadline(held)
        held_for = now - pause.since
        uow.operations.log_switch(
            SwitchChange(now, RESUME, None, by, clean_reason(reason) or None, held_s=int(held_for.total_seconds()))
        )
        uow.commit()
        return SwitchResult(changed=True, held_for=held_for)


def pause_one(uow_factory: UowFactory, *, community_id: int, reason: str, by: str, now: datetime) -> SwitchResult:
    """The operator (or the watchdog) pauses one community, as its admins can."""
    cancelled = community_service.pause_community(
        uow_factory(), community_id=community_id, actor_member_id=None, reason=reason, now=now, actor_label=by
    )
    return SwitchResult(changed=True, cancelled=len(cancelled))


def resume_one(uow_factory: UowFactory, *, community_id: int, by: str, now: datetime, reason: str = "") -> SwitchResult:
    """Raises CommunityNotPaused or CommunityNotFound."""
    community_service.resume_community(
        uow_factory(), community_id=community_id, actor_member_id=None, now=now, reason=reason, actor_label=by
    )
    return SwitchResult(changed=True)


@dataclass(frozen=True, slots=True)
class CommunityState:
    id: int
    title: str
    paused: bool
    reason: str | None
    since: datetime | None
    by: str | None
    paused_by_exchange: bool


@dataclass(frozen=True, slots=True)
class Status:
    pause: ExchangePause | None
    communities: list[CommunityState]
    anomalies: list[Anomaly]
    workers: list[WorkerBeat]

    @property
    def paused(self) -> bool:
        return self.pause is not None

    def to_json(self) -> dict[str, object]:
        pause = self.pause
        return {
            "paused": pause is not None,
            "reason": pause.reason if pause else None,
            "since": pause.since.isoformat() if pause else None,
            "by": pause.by if pause else None,
            "communities": [
                {
                    "id": c.id,
                    "title": c.title,
                    "paused": c.paused,
                    "reason": c.reason,
                    "since": c.since.isoformat() if c.since else None,
                    "by": c.by,
                    "open": not c.paused and not c.paused_by_exchange,
                }
                for c in self.communities
            ],
            "anomalies": [anomaly_json(a) for a in self.anomalies],
            "workers": [
                {
                    "name": w.name,
                    "threads": w.threads,
                    "started_at": w.started_at.isoformat(),
                    "last_seen": w.last_seen.isoformat(),
                }
                for w in self.workers
            ],
        }


def anomaly_json(anomaly: Anomaly) -> dict[str, object]:
    return {
        "id": anomaly.id,
        "kind": anomaly.kind.value,
        "severity": anomaly.severity,
        "peak_severity": anomaly.peak_severity,
        "affects": anomaly.affects,
        "scope": anomaly.scope.value,
        "community_id": anomaly.community_id,
        "platform": anomaly.platform,
        "job": anomaly.job,
        "summary": anomaly.summary,
        "first_seen": anomaly.first_seen.isoformat(),
        "last_seen": anomaly.last_seen.isoformat(),
        "cleared_at": anomaly.cleared_at.isoformat() if anomaly.cleared_at else None,
        "paused": anomaly.paused,
        "evidence": anomaly.evidence,
    }


def status(uow: UnitOfWork, *, now: datetime) -> Status:
    """The kill switches, open anomalies and live workers, as the operator sees them."""
    with uow:
        pause = uow.operations.kill_switch()
        communities = []
        for community in uow.communities.list_all():
            by = None
            if community.is_paused:
                last = uow.operations.last_pause(community.id)
                by = last.actor if last else None
            communities.append(_state(community, by))
        return Status(
            pause=pause,
            communities=communities,
            anomalies=list(uow.operations.open_anomalies()),
            workers=list(uow.operations.workers(seen_since=now - WORKER_GONE_AFTER)),
        )


def _state(community: Community, by: str | None) -> CommunityState:
    return CommunityState(
        id=community.id,
        title=community.title,
        paused=community.is_paused,
        reason=community.pause_reason,
        since=community.paused_at,
        by=by,
        paused_by_exchange=community.exchange_pause is not None,
    )


def community_exists(uow: UnitOfWork, community_id: int) -> Community:
    """Raises CommunityNotFound."""
    with uow:
        return get_community(uow, community_id)


@retry_on_conflict()
def beat(uow: UnitOfWork, worker: WorkerBeat) -> None:
    with uow:
        uow.operations.beat(worker)
        uow.commit()


@retry_on_conflict()
def forget_worker(uow: UnitOfWork, name: str) -> None:
    with uow:
        uow.operations.forget_worker(name)
        uow.commit()
