"""The reciprocity model's storage side: the history it learns from, read in time order without
ORM objects or a write lock, and the scores it leaves for matching and the dashboard."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tgexchange.adapters.db import tables
from tgexchange.domain.content import Platform
from tgexchange.domain.reciprocity import GroupRecord, MemberRecord, ReciprocityScore, TaskRecord
from tgexchange.domain.ring import RingStatus

_t, _s, _m, _r = tables.tasks, tables.submissions, tables.members, tables.reciprocity_scores
_rings, _ring_members = tables.rings, tables.ring_members
BATCH = 20_000

_TASKS = (
    sa.select(
        _t.c.id,
        _t.c.community_id,
        _t.c.giver_id,
        _t.c.owner_id,
        _t.c.platform,
        _s.c.kind,
        _t.c.assigned_at,
        _t.c.status,
        _t.c.decided_at,
        _t.c.reason,
        _t.c.done_at,
        _t.c.feedback_text,
        _s.c.created_at.label("submitted_at"),
    )
    .join(_s, _s.c.id == _t.c.submission_id)
    .order_by(_t.c.assigned_at, _t.c.id)
)
_u = tables.unmet_task_requests
_HOURS_IN_VAIN = (
    sa.select(_u.c.member_id, sa.func.count().label("hours"))
    .where(_u.c.hour < sa.bindparam("before"))
    .group_by(_u.c.member_id)
)
_MEMBERS = sa.select(_m.c.id, _m.c.community_id, _m.c.joined_at).order_by(_m.c.id)
_GROUPS = (
    sa.select(
        _rings.c.id,
        _rings.c.community_id,
        _rings.c.flagged_at,
        _rings.c.status,
        _rings.c.decided_at,
        _ring_members.c.member_id,
    )
    .join(_ring_members, _ring_members.c.ring_id == _rings.c.id)
    .order_by(_rings.c.flagged_at, _rings.c.id, _ring_members.c.member_id)
)


class SqlReciprocityHistory:
    """Tasks in assignment order, with the text of verified feedback (for its toxicity)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def tasks(self) -> Iterator[tuple[TaskRecord, str | None]]:
        with self._engine.connect() as opened:
            connection = opened.execution_options(sqlite_begin="DEFERRED", stream_results=True, yield_per=BATCH)
            for row in connection.execute(_TASKS):
                record = TaskRecord(
                    task_id=row.id,
                    community_id=row.community_id,
                    giver_id=row.giver_id,
                    owner_id=row.owner_id,
                    platform=row.platform,
                    kind=row.kind,
                    assigned_at=row.assigned_at,
                    status=row.status,
                    decided_at=row.decided_at,
                    reason=row.reason,
                    done_at=row.done_at,
                    submitted_at=row.submitted_at,
                )
                yield record, row.feedback_text

    def members(self) -> list[MemberRecord]:
        with self._engine.connect() as connection:
            return [MemberRecord(r.id, r.community_id, r.joined_at) for r in connection.execute(_MEMBERS)]

    def hours_in_vain(self, *, before: datetime) -> dict[int, int]:
        """Per member, the hours before ``before`` in which they asked for a task and none was
        there (domain/pace.py): counted in the database, one row per member read."""
        with self._engine.connect() as connection:
            return {r.member_id: r.hours for r in connection.execute(_HOURS_IN_VAIN, {"before": before})}

    def groups(self) -> list[GroupRecord]:
        """The groups the ring detection flagged, in the order it flagged them, with when an admin
        cleared them (None while flagged, or once confirmed)."""
        found: dict[int, tuple[GroupRecord, list[int]]] = {}
        with self._engine.connect() as connection:
            for row in connection.execute(_GROUPS):
                if row.id not in found:
                    cleared = row.decided_at if row.status is RingStatus.CLEARED else None
                    found[row.id] = (GroupRecord(row.community_id, row.flagged_at, (), cleared_at=cleared), [])
                found[row.id][1].append(row.member_id)
        return [dataclasses.replace(group, member_ids=tuple(ids)) for group, ids in found.values()]


class SqlReciprocityScores:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def replace(self, scores: Iterable[ReciprocityScore], *, version: str, now: datetime) -> int:
        """The new scores, in place of all the old ones, in one transaction (readers see either)."""
        rows = [
            {
                "member_id": s.member_id,
                "platform": s.platform,
                "probability": s.probability,
                "confidence": s.confidence,
                "model_version": version,
                "computed_at": now,
            }
            for s in scores
        ]
        with self._engine.begin() as connection:
            connection.execute(_r.delete())
            if rows:
                connection.execute(_r.insert(), rows)
        return len(rows)

    def for_members(self, member_ids: Sequence[int]) -> dict[tuple[int, Platform], ReciprocityScore]:
        if not member_ids:
            return {}
        query = sa.select(_r).where(_r.c.member_id.in_(list(member_ids)))
        with self._engine.connect() as connection:
            return {
                (r.member_id, r.platform): ReciprocityScore(r.member_id, r.platform, r.probability, r.confidence)
                for r in connection.execute(query)
            }

    def latest(self) -> tuple[str, datetime] | None:
        query = sa.select(_r.c.model_version, _r.c.computed_at).order_by(_r.c.computed_at.desc()).limit(1)
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else (row.model_version, row.computed_at)
