"""Stored per-member counters, changed by atomic increments so concurrent outcomes all count."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.domain.ledger import AccountKind
from tgexchange.domain.reliability import MemberStats
from tgexchange.services.ports import LeaderboardRow

_ms = tables.member_stats
_COUNTERS = ("tasks_taken", "verified", "rejected", "expired", "skipped", "feedback_received")
# Built once, values bound at execution, every counter added (zeros too): each task transition
# records one or two members' counters, and building an UPDATE for each cost more than running it.
_ADD = (
    _ms.update()
    .where(_ms.c.member_id == sa.bindparam("member"))
    .values({name: _ms.c[name] + sa.bindparam(f"add_{name}", type_=sa.Integer) for name in _COUNTERS})
)

_OPEN = _ms.insert()
_GET = sa.select(*[_ms.c[c] for c in _COUNTERS]).where(
    _ms.c.member_id == sa.bindparam("member_id", type_=sa.BigInteger)
)


_u = tables.unmet_task_requests
# ON CONFLICT DO NOTHING: the same hour asked again (or by two processes at once) stays one row.
_NOTE_UNMET = {
    name: insert(_u).on_conflict_do_nothing(index_elements=[_u.c.member_id, _u.c.hour])
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


class SqlStatsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def open(self, member_id: int, *, community_id: int) -> None:
        self.open_many([member_id], community_id=community_id)

    def open_many(self, member_ids: Sequence[int], *, community_id: int) -> None:
        zeros = dict.fromkeys(_COUNTERS, 0)
        self._session.execute(_OPEN, [{"member_id": m, "community_id": community_id, **zeros} for m in member_ids])

    def get(self, member_id: int) -> MemberStats:
        row = self._session.execute(_GET, {"member_id": member_id}).first()
        return MemberStats(**row._asdict()) if row else MemberStats()

    def record(
        self,
        member_id: int,
        *,
        tasks_taken: int = 0,
        verified: int = 0,
        rejected: int = 0,
        expired: int = 0,
        skipped: int = 0,
        feedback_received: int = 0,
    ) -> None:
        deltas = {
            "tasks_taken": tasks_taken,
            "verified": verified,
            "rejected": rejected,
            "expired": expired,
            "skipped": skipped,
            "feedback_received": feedback_received,
        }
        if any(deltas.values()):
            self._session.execute(_ADD, {"member": member_id, **{f"add_{name}": n for name, n in deltas.items()}})

    def note_unmet_requests(self, member_ids: Sequence[int], *, community_id: int, hour: datetime) -> None:
        rows = [{"member_id": m, "community_id": community_id, "hour": hour} for m in member_ids]
        if rows:
            self._session.execute(_NOTE_UNMET[self._session.get_bind().dialect.name], rows)

    def leaderboard(self, community_id: int, *, limit: int) -> Sequence[LeaderboardRow]:
        m, a = tables.members, tables.accounts
        query = (
            sa.select(
                m.c.id,
                m.c.display_name,
                _ms.c.verified,
                _ms.c.rejected,
                _ms.c.expired,
                _ms.c.feedback_received,
                a.c.balance,
            )
            .join(_ms, _ms.c.member_id == m.c.id)
            .join(a, sa.and_(a.c.kind == AccountKind.MEMBER, a.c.owner_id == m.c.id))
            .where(m.c.community_id == community_id, m.c.status != "banned")
            .order_by(_ms.c.verified.desc(), _ms.c.feedback_received, m.c.id)
            .limit(limit)
        )
        rows = []
        for row in self._session.execute(query):
            stats = MemberStats(verified=row.verified, rejected=row.rejected, expired=row.expired)
            rows.append(
                LeaderboardRow(
                    member_id=row.id,
                    display_name=row.display_name,
                    verified=row.verified,
                    feedback_received=row.feedback_received,
                    reliability=stats.reliability,
                    balance=int(row.balance),
                    decided=stats.decided,
                )
            )
        return rows
