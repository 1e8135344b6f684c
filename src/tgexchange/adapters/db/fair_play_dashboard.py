"""The dashboard's fair-play reads (services/ports/fair_play.FairPlayDashboard) in Core on one
connection each, never in a unit of work: the page's panels are read by every admin who has the
dashboard open, every 30 s, and a unit of work would take SQLite's write lock for each read. One
statement per list, names joined in (the queue used to read each appeal's penalty and member
apart: 1 + 2n statements)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.engine import SINGLE_STATEMENT
from tgexchange.adapters.db.fair_play import _appeal, _event, _penalty
from tgexchange.domain.penalty import AppealStatus
from tgexchange.services.ports import NamedEvent, QueuedAppeal

_p = tables.penalties
_a = tables.appeals
_e = tables.fair_play_events
_m = tables.members
_PENALTY = "p__"  # not "penalty_": appeals have a penalty_id of their own

_QUEUE = (
    sa.select(_a, *(column.label(_PENALTY + column.name) for column in _p.c), _m.c.display_name.label("member_name"))
    .select_from(_a.join(_p, _p.c.id == _a.c.penalty_id).join(_m, _m.c.id == _a.c.member_id))
    .where(_a.c.status == AppealStatus.PENDING.value)
    .order_by(_a.c.created_at, _a.c.id)
)
_EVENTS = (
    sa.select(_e, _m.c.display_name.label("member_name"))
    .select_from(_e.outerjoin(_m, _m.c.id == _e.c.member_id))
    .order_by(_e.c.at.desc(), _e.c.id.desc())
)
_COUNTS = sa.select(_e.c.kind, sa.func.count().label("n")).group_by(_e.c.kind)


def _penalty_of(row: sa.Row[tuple[object, ...]]) -> SimpleNamespace:
    mapping = row._mapping
    return SimpleNamespace(**{column.name: mapping[_PENALTY + column.name] for column in _p.c})


class SqlFairPlayDashboard:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, statement: sa.Select[tuple[object, ...]]) -> list[sa.Row[tuple[object, ...]]]:
        with self._engine.connect() as opened:
            return list(opened.execution_options(sqlite_begin=SINGLE_STATEMENT).execute(statement).all())

    def pending_appeals(self, community_ids: Collection[int] | None, *, limit: int) -> list[QueuedAppeal]:
        query = _QUEUE if community_ids is None else _QUEUE.where(_a.c.community_id.in_(sorted(community_ids)))
        return [
            QueuedAppeal(appeal=_appeal(row), penalty=_penalty(_penalty_of(row)), member_name=row.member_name)
            for row in self._rows(query.limit(limit))
        ]

    def recent_events(self, community_ids: Collection[int] | None, *, since: datetime, limit: int) -> list[NamedEvent]:
        query = _EVENTS.where(_e.c.at >= since)
        if community_ids is not None:
            query = query.where(_e.c.community_id.in_(sorted(community_ids)))
        return [NamedEvent(event=_event(row), member_name=row.member_name) for row in self._rows(query.limit(limit))]

    def event_counts(self, community_ids: Collection[int] | None, *, since: datetime) -> dict[str, int]:
        query = _COUNTS.where(_e.c.at >= since)
        if community_ids is not None:
            query = query.where(_e.c.community_id.in_(sorted(community_ids)))
        return {str(row.kind): int(row.n) for row in self._rows(query)}

    def member_names(self, member_ids: Collection[int]) -> dict[int, str]:
        if not member_ids:
            return {}
        query = sa.select(_m.c.id, _m.c.display_name).where(_m.c.id.in_(sorted(set(member_ids))))
        return {int(row.id): str(row.display_name) for row in self._rows(query)}
