"""Stored fair play: penalties, appeals and events (Core statements inside the unit of work's
transaction; decisions are guarded UPDATEs, so two admins deciding at once decide once)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.engine import SINGLE_STATEMENT
from tgexchange.adapters.db.errors import is_unique_violation
from tgexchange.adapters.db.rating import summary_of
from tgexchange.domain.penalty import Appeal, AppealAlreadyFiled, AppealStatus, Penalty, PenaltyKind
from tgexchange.domain.rating import RatingSummary
from tgexchange.services.ports import FairPlayEvent, FairPlayStanding

_p = tables.penalties
_a = tables.appeals
_e = tables.fair_play_events
# Built once, values bound at execution: every request for feedback reads both (the health check),
# and building and cache-keying them cost more than running them.
_PENALTIES_OF = (
    sa.select(_p)
    .where(_p.c.member_id == sa.bindparam("member_id", type_=sa.BigInteger))
    .order_by(_p.c.created_at.desc(), _p.c.id.desc())
    .limit(sa.bindparam("limit", type_=sa.Integer))
)
_LAST_EVENT = (
    sa.select(_e)
    .where(_e.c.member_id == sa.bindparam("member_id", type_=sa.BigInteger), _e.c.kind == sa.bindparam("kind"))
    .order_by(_e.c.at.desc(), _e.c.id.desc())
    .limit(1)
)
_m = tables.members


def _penalty(row: Any) -> Penalty:
    return Penalty(
        id=row.id,
        community_id=row.community_id,
        member_id=row.member_id,
        kind=PenaltyKind(row.kind),
        reason=row.reason,
        rule=row.rule,
        task_ids=tuple(int(t) for t in row.task_ids or ()),
        actor_member_id=row.actor_member_id,
        created_at=row.created_at,
        ends_at=row.ends_at,
        lifted_at=row.lifted_at,
        lifted_by=row.lifted_by,
    )


def _appeal(row: Any) -> Appeal:
    return Appeal(
        id=row.id,
        penalty_id=row.penalty_id,
        community_id=row.community_id,
        member_id=row.member_id,
        text=row.text,
        created_at=row.created_at,
        status=AppealStatus(row.status),
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        note=row.note,
    )


def _event(row: Any) -> FairPlayEvent:
    return FairPlayEvent(
        community_id=row.community_id,
        kind=row.kind,
        at=row.at,
        member_id=row.member_id,
        telegram_user_id=row.telegram_user_id,
        until=row.until,
        score=row.score,
    )


class SqlFairPlayRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_penalty(self, penalty: Penalty) -> Penalty:
        inserted = self._session.execute(
            _p.insert()
            .values(
                community_id=penalty.community_id,
                member_id=penalty.member_id,
                kind=penalty.kind.value,
                reason=penalty.reason[:300],
                rule=penalty.rule[:64],
                task_ids=list(penalty.task_ids),
                actor_member_id=penalty.actor_member_id,
                created_at=penalty.created_at,
                ends_at=penalty.ends_at,
                lifted_at=penalty.lifted_at,
                lifted_by=penalty.lifted_by,
            )
            .returning(_p.c.id)
        ).scalar_one()
        return Penalty(**{**_fields(penalty), "id": int(inserted)})

    def find_penalty(self, penalty_id: int) -> Penalty | None:
        row = self._session.execute(sa.select(_p).where(_p.c.id == penalty_id)).first()
        return None if row is None else _penalty(row)

    def penalties_of(self, member_id: int, *, limit: int = 20) -> Sequence[Penalty]:
        rows = self._session.execute(_PENALTIES_OF, {"member_id": member_id, "limit": limit})
        return [_penalty(row) for row in rows]

    def lift_penalty(self, penalty_id: int, *, now: datetime, by: str) -> bool:
        done = self._session.execute(
            _p.update().where(_p.c.id == penalty_id, _p.c.lifted_at.is_(None)).values(lifted_at=now, lifted_by=by)
        )
        return bool(getattr(done, "rowcount", 0))

    def add_appeal(self, appeal: Appeal) -> Appeal:
        try:
            inserted = self._insert_appeal(appeal)
        except IntegrityError as error:  # appealed at the same moment by another request
            if not is_unique_violation(error):
                raise
            raise AppealAlreadyFiled(appeal.penalty_id) from error
        return Appeal(**{**_fields(appeal), "id": int(inserted)})

    def _insert_appeal(self, appeal: Appeal) -> int:
        inserted = self._session.execute(
            _a.insert()
            .values(
                penalty_id=appeal.penalty_id,
                community_id=appeal.community_id,
                member_id=appeal.member_id,
                text=appeal.text[:1000],
                created_at=appeal.created_at,
                status=appeal.status.value,
            )
            .returning(_a.c.id)
        ).scalar_one()
        return int(inserted)

    def find_appeal(self, appeal_id: int) -> Appeal | None:
        row = self._session.execute(sa.select(_a).where(_a.c.id == appeal_id)).first()
        return None if row is None else _appeal(row)

    def appeal_of(self, penalty_id: int) -> Appeal | None:
        row = self._session.execute(sa.select(_a).where(_a.c.penalty_id == penalty_id)).first()
        return None if row is None else _appeal(row)

    def decide_appeal(self, decided: Appeal) -> bool:
        done = self._session.execute(
            _a.update()
            .where(_a.c.id == decided.id, _a.c.status == AppealStatus.PENDING.value)
            .values(
                status=decided.status.value,
                decided_at=decided.decided_at,
                decided_by=(decided.decided_by or "")[:128],
                note=decided.note[:300] if decided.note else None,
            )
        )
        return bool(getattr(done, "rowcount", 0))

    def pending_appeals(self, community_ids: Collection[int] | None, *, limit: int) -> Sequence[Appeal]:
        query = sa.select(_a).where(_a.c.status == AppealStatus.PENDING.value)
        if community_ids is not None:
            query = query.where(_a.c.community_id.in_(list(community_ids)))
        query = query.order_by(_a.c.created_at, _a.c.id).limit(limit)
        return [_appeal(row) for row in self._session.execute(query)]

    def log_event(self, event: FairPlayEvent) -> None:
        self._session.execute(_e.insert().values(**_fields(event)))

    def last_event(self, member_id: int, kind: str) -> FairPlayEvent | None:
        row = self._session.execute(_LAST_EVENT, {"member_id": member_id, "kind": kind}).first()
        return None if row is None else _event(row)

    def recent_events(
        self, community_ids: Collection[int] | None, *, since: datetime, limit: int
    ) -> Sequence[FairPlayEvent]:
        query = sa.select(_e).where(_e.c.at >= since)
        if community_ids is not None:
            query = query.where(_e.c.community_id.in_(list(community_ids)))
        query = query.order_by(_e.c.at.desc(), _e.c.id.desc()).limit(limit)
        return [_event(row) for row in self._session.execute(query)]

    def count_joined_since(self, community_id: int, since: datetime) -> int:
        return int(
            self._session.execute(
                sa.select(sa.func.count())
                .select_from(_m)
                .where(_m.c.community_id == community_id, _m.c.joined_at >= since)
            ).scalar_one()
        )


def _fields(value: Penalty | Appeal | FairPlayEvent) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__dataclass_fields__}


# /me's read: the member's penalties with whether each was appealed, one statement built once.
_MEMBER: sa.BindParameter[int] = sa.bindparam("member_id", type_=sa.BigInteger)
PENALTIES_WITH_APPEALS = (
    sa.select(_p, _a.c.id.label("appeal_id"))
    .select_from(_p.outerjoin(_a, _a.c.penalty_id == _p.c.id))
    .where(_p.c.member_id == _MEMBER, _p.c.lifted_at.is_(None))
    .order_by(_p.c.created_at.desc(), _p.c.id.desc())
    .limit(50)
)


_PUBLISHED_RATINGS = sa.select(tables.rating_summaries).where(tables.rating_summaries.c.member_id == _MEMBER)
_RATINGS_RECEIVED = sa.select(sa.func.count()).select_from(tables.ratings).where(tables.ratings.c.giver_id == _MEMBER)


class SqlFairPlayReader:
    """Implements the FairPlayReader port with Core on one connection, as the MemberReader does:
    ``/me`` runs it on every call, and a unit of work would take SQLite's write lock for a read."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def penalties(self, member_id: int) -> list[tuple[Penalty, bool]]:
        with self._engine.connect() as opened:
            connection = opened.execution_options(sqlite_begin=SINGLE_STATEMENT)
            rows = connection.execute(PENALTIES_WITH_APPEALS, {"member_id": member_id}).all()
        return [(_penalty(row), row.appeal_id is not None) for row in rows]

    def standing(self, member_id: int) -> FairPlayStanding:
        with self._engine.connect() as opened:
            return read_standing(opened.execution_options(sqlite_begin="DEFERRED"), member_id)


def read_standing(connection: Connection, member_id: int) -> FairPlayStanding:
    """The member's fair-play standing, read on ``connection`` in the caller's transaction."""
    params = {"member_id": member_id}
    published = connection.execute(_PUBLISHED_RATINGS, params).first()
    received = connection.scalar(_RATINGS_RECEIVED, params)
    return standing_of(read_penalties(connection, member_id), published, received)


def read_penalties(connection: Connection, member_id: int) -> list[tuple[Penalty, bool]]:
    """The member's penalties not lifted, newest first, each with whether it was appealed."""
    return penalties_of(connection.execute(PENALTIES_WITH_APPEALS, {"member_id": member_id}).all())


def penalties_of(rows: Sequence[Any]) -> list[tuple[Penalty, bool]]:
    """Rows of ``PENALTIES_WITH_APPEALS`` as penalties, each with whether it was appealed."""
    return [(_penalty(row), row.appeal_id is not None) for row in rows]


# The ratings part of a standing as columns of a statement keyed on members.id = :member_id (with
# ``rating_summaries`` outer-joined): /me reads them in the statement that reads the member's own
# numbers (``SqlMemberReader.report``), one statement fewer on its every call.
RATINGS_RECEIVED = _RATINGS_RECEIVED.scalar_subquery().label("ratings_received")


def standing_of(penalties: list[tuple[Penalty, bool]], published: Any, received: int | None) -> FairPlayStanding:
    """A standing from its parts; ``published`` is a row with the columns of ``rating_summaries``
    (None, or ``ratings`` NULL from an outer join, when nothing is published yet)."""
    return FairPlayStanding(
        penalties=penalties,
        ratings=RatingSummary() if published is None or published.ratings is None else summary_of(published),
        ratings_received=int(received or 0),
    )
