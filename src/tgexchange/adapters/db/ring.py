"""Rings in storage: the exchange graph the detection reads (verified tasks over a window, without
ORM objects or a write lock), the flagged groups, and the admins' decisions with their audit
entries in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from tgexchange.adapters.db import tables
from tgexchange.domain.audit import AuditEntry
from tgexchange.domain.ring import Exchange, Ring, RingFinding, RingStatus
from tgexchange.domain.task import TaskStatus

_t, _s, _r, _rm, _a = tables.tasks, tables.submissions, tables.rings, tables.ring_members, tables.audit_log

# Feedback the quality gate refused is an exchange too: accounts that keep taking each other's
# content at once are colluding whether or not what they write passes.
_JUDGED = (TaskStatus.VERIFIED, TaskStatus.REJECTED)
_EXCHANGES = (
    sa.select(_t.c.community_id, _t.c.giver_id, _t.c.owner_id, _t.c.assigned_at, _s.c.created_at, _t.c.feedback_text)
    .join(_s, _s.c.id == _t.c.submission_id)
    .where(_t.c.status.in_(_JUDGED), _t.c.decided_at >= sa.bindparam("since"))
    .order_by(_t.c.community_id, _t.c.id)
)


class SqlRingStore:
    """Implements ``services.ports.rings.RingStore``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def exchanges(self, *, since: datetime) -> dict[int, list[Exchange]]:
        """Tasks judged (verified or rejected) since ``since``, per community, in task order."""
        found: dict[int, list[Exchange]] = defaultdict(list)
        with self._engine.connect() as opened:
            connection = opened.execution_options(sqlite_begin="DEFERRED")
            for row in connection.execute(_EXCHANGES, {"since": since}):
                waited = max(0.0, (row.assigned_at - row.created_at).total_seconds())
                found[row.community_id].append(Exchange(row.giver_id, row.owner_id, waited, row.feedback_text))
        return dict(found)

    def rings_in(
        self, community_ids: Collection[int] | None, *, statuses: Collection[RingStatus] | None = None
    ) -> list[Ring]:
        """Stored groups of those communities (None: every one), newest flagged first."""
        query = sa.select(_r).order_by(_r.c.flagged_at.desc(), _r.c.id.desc())
        if community_ids is not None:
            query = query.where(_r.c.community_id.in_(sorted(community_ids)))
        if statuses is not None:
            query = query.where(_r.c.status.in_(sorted(statuses)))
        with self._engine.connect() as connection:
            return _rings(connection, connection.execute(query).all())

    def find(self, ring_id: int) -> Ring | None:
        with self._engine.connect() as connection:
            found = _rings(connection, connection.execute(sa.select(_r).where(_r.c.id == ring_id)).all())
        return found[0] if found else None

    def save(
        self,
        community_id: int,
        *,
        new: Sequence[RingFinding],
        refreshed: Sequence[tuple[int, RingFinding]],
        now: datetime,
    ) -> list[int]:
        """Flags the new groups and refreshes the others' members and evidence, in one
        transaction; the new groups' ids."""
        ids = []
        with self._engine.begin() as connection:
            for finding in new:
                ring_id = connection.execute(
                    _r.insert().returning(_r.c.id),
                    {
                        "community_id": community_id,
                        "status": RingStatus.FLAGGED,
                        "size": len(finding.member_ids),
                        "evidence": finding.evidence,
                        "flagged_at": now,
                        "last_seen_at": now,
                    },
                ).scalar_one()
                _set_members(connection, ring_id, finding.member_ids)
                ids.append(ring_id)
            for ring_id, finding in refreshed:
                connection.execute(
                    _r.update()
                    .where(_r.c.id == ring_id)
                    .values(size=len(finding.member_ids), evidence=finding.evidence, last_seen_at=now)
                )
                connection.execute(_rm.delete().where(_rm.c.ring_id == ring_id))
                _set_members(connection, ring_id, finding.member_ids)
        return ids

    def decide(self, ring_id: int, *, status: RingStatus, audit: AuditEntry) -> bool:
        """Records the admin's decision and its audit entry in one transaction; False (nothing
        written) when the group was decided meanwhile."""
        with self._engine.begin() as connection:
            changed = connection.execute(
                _r.update()
                .where(_r.c.id == ring_id, _r.c.status == RingStatus.FLAGGED)
                .values(
                    status=status,
                    decided_at=audit.at,
                    decided_by_member_id=audit.actor_member_id,
                    decided_by_label=audit.actor_label,
                )
            ).rowcount
            if changed != 1:
                return False
            connection.execute(
                _a.insert(),
                {
                    "community_id": audit.community_id,
                    "action": audit.action,
                    "at": audit.at,
                    "actor_member_id": audit.actor_member_id,
                    "actor_label": audit.actor_label,
                    "target_member_id": audit.target_member_id,
                    "detail": audit.detail,
                },
            )
        return True


def _set_members(connection: Connection, ring_id: int, member_ids: Sequence[int]) -> None:
    connection.execute(_rm.insert(), [{"ring_id": ring_id, "member_id": m} for m in member_ids])


def _rings(connection: Connection, rows: Sequence[Any]) -> list[Ring]:
    if not rows:
        return []
    members: dict[int, list[int]] = defaultdict(list)
    query = sa.select(_rm.c.ring_id, _rm.c.member_id).where(_rm.c.ring_id.in_([row.id for row in rows]))
    for ring_id, member_id in connection.execute(query):
        members[ring_id].append(member_id)
    return [
        Ring(
            id=row.id,
            community_id=row.community_id,
            status=RingStatus(row.status),
            member_ids=tuple(sorted(members[row.id])),
            evidence=row.evidence,
            flagged_at=row.flagged_at,
            last_seen_at=row.last_seen_at,
            decided_at=row.decided_at,
            decided_by_member_id=row.decided_by_member_id,
            decided_by_label=row.decided_by_label,
        )
        for row in rows
    ]
