"""Rings: finding groups that mostly serve each other (run periodically by the worker and daily
by the simulator), and the admins' decisions on them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tgexchange.domain.audit import AuditAction, AuditEntry
from tgexchange.domain.dashboard import Viewer
from tgexchange.domain.ring import (
    DEFAULT_RING_THRESHOLDS,
    Ring,
    RingNotFound,
    RingStatus,
    RingThresholds,
    decide,
    find_rings,
    plan_rings,
)
from tgexchange.services.lookup import get_admin
from tgexchange.services.ports import Notice, UnitOfWork
from tgexchange.services.ports.rings import RingStore

# Exchanges older than this no longer count: a group that stopped serving each other fades out.
DETECTION_WINDOW = timedelta(days=30)
OPERATOR_LABEL = "operator"
RINGS_FLAGGED = "rings_flagged"  # the notice to a community's admins after a run flagged groups there


@dataclass(frozen=True, slots=True)
class DetectionRun:
    communities: int
    found: int
    flagged: list[int]  # ids of groups flagged for the first time
    refreshed: int
    left_cleared: int  # found again, but an admin had cleared them
    flagged_in: dict[int, list[int]] = field(default_factory=dict)  # the new ids, per community id


def detect_rings(
    store: RingStore,
    *,
    now: datetime,
    window: timedelta = DETECTION_WINDOW,
    thresholds: RingThresholds = DEFAULT_RING_THRESHOLDS,
) -> DetectionRun:
    """Runs the rule (domain.ring) on each community's verified tasks of the last ``window`` and
    stores what it finds: new groups flagged, known ones refreshed, cleared ones left alone."""
    flagged: list[int] = []
    flagged_in: dict[int, list[int]] = {}
    found = refreshed = left_cleared = 0
    by_community = store.exchanges(since=now - window)
    for community_id, exchanges in sorted(by_community.items()):
        findings = find_rings(exchanges, thresholds=thresholds)
        found += len(findings)
        if not findings:
            continue
        plan = plan_rings(store.rings_in([community_id]), findings)
        saved = store.save(community_id, new=plan.new, refreshed=plan.refreshed, now=now)
        if saved:
            flagged_in[community_id] = saved
        flagged += saved
        refreshed += len(plan.refreshed)
        left_cleared += plan.left_cleared
    return DetectionRun(len(by_community), found, flagged, refreshed, left_cleared, flagged_in)


def tell_admins(uow: UnitOfWork, run: DetectionRun, *, now: datetime) -> list[int]:
    """One ``rings_flagged`` notice per admin of each community where ``run`` flagged new groups
    (one per run, however many groups: the admin opens the list from it). Returns the notices'
    outbox ids. Written after the flags are saved, not with them (the ring store is not the unit
    of work): a crash in between leaves the groups flagged, in the list and the dashboard, untold."""
    if not run.flagged_in:
        return []
    with uow:
        for community_id, ring_ids in sorted(run.flagged_in.items()):
            params: dict[str, object] = {"community_id": community_id, "count": len(ring_ids), "rings": ring_ids}
            for admin in uow.members.list_admins(community_id):
                uow.notices.add(Notice(admin.id, RINGS_FLAGGED, params), now=now, deliver_after=now)
        uow.commit()
    return uow.take_notices()


def rings_for(
    store: RingStore, *, viewer: Viewer, community_id: int | None = None, status: RingStatus | None = None
) -> list[Ring]:
    """The groups a dashboard viewer may see. Raises NotYourCommunity."""
    return store.rings_in(viewer.scope(community_id), statuses=None if status is None else [status])


def rings_for_admin(uow: UnitOfWork, store: RingStore, *, actor_member_id: int) -> list[Ring]:
    """The groups of the admin's community still flagged or confirmed, newest flagged first (the
    cleared ones are done with). Raises MemberNotFound, NotAnAdmin."""
    with uow:
        _, community = get_admin(uow, actor_member_id)
    return store.rings_in([community.id], statuses=[RingStatus.FLAGGED, RingStatus.CONFIRMED])


def get_ring(store: RingStore, ring_id: int) -> Ring:
    """Raises RingNotFound."""
    ring = store.find(ring_id)
    if ring is None:
        raise RingNotFound(ring_id)
    return ring


def _audit(ring: Ring, *, status: RingStatus, now: datetime, member_id: int | None, label: str | None) -> AuditEntry:
    detail = json.dumps({"ring": ring.id, "members": list(ring.member_ids)}, separators=(",", ":"))
    return AuditEntry(
        community_id=ring.community_id,
        action=AuditAction.RING_CLEARED if status is RingStatus.CLEARED else AuditAction.RING_CONFIRMED,
        at=now,
        actor_member_id=member_id,
        actor_label=label,
        detail=detail[:300],
    )


def _decided(store: RingStore, ring: Ring, verdict: RingStatus, audit: AuditEntry) -> Ring:
    status = decide(ring, verdict)
    if not store.decide(ring.id, status=status, audit=audit):
        latest = store.find(ring.id)
        decide(latest or ring, verdict)  # raises RingAlreadyDecided with what it became
    found = store.find(ring.id)
    if found is None:
        raise RingNotFound(ring.id)
    return found


def decide_ring_as_admin(
    uow: UnitOfWork, store: RingStore, *, actor_member_id: int, ring_id: int, verdict: RingStatus, now: datetime
) -> Ring:
    """An admin (in the bot) clears or confirms a group of their community; audited. Raises
    NotAnAdmin, RingNotFound (also for another community's group), RingAlreadyDecided."""
    with uow:
        _, community = get_admin(uow, actor_member_id)
    ring = store.find(ring_id)
    if ring is None or ring.community_id != community.id:
        raise RingNotFound(ring_id)
    audit = _audit(ring, status=verdict, now=now, member_id=actor_member_id, label=None)
    return _decided(store, ring, verdict, audit)


def decide_ring_as_viewer(
    uow: UnitOfWork, store: RingStore, *, viewer: Viewer, ring_id: int, verdict: RingStatus, now: datetime
) -> Ring:
    """A dashboard viewer clears or confirms a group: the operator, or an admin of its community
    (audited under their member id there). Raises RingNotFound (also for a group the viewer may
    not see: it does not exist for them), RingAlreadyDecided."""
    ring = store.find(ring_id)
    if ring is None or not (viewer.is_operator or ring.community_id in viewer.community_ids):
        raise RingNotFound(ring_id)
    member_id = None
    if not viewer.is_operator and viewer.telegram_user_id is not None:
        with uow:
            admin = uow.members.find_by_user(ring.community_id, viewer.telegram_user_id)
        member_id = None if admin is None else admin.id
    label = OPERATOR_LABEL if viewer.is_operator else None
    audit = _audit(ring, status=verdict, now=now, member_id=member_id, label=label)
    return _decided(store, ring, verdict, audit)
