"""Ratings and the givers' published summaries, in Core statements (no ORM objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.errors import is_unique_violation
from tgexchange.domain.rating import Rating, RatingSummary
from tgexchange.services.conflicts import ConcurrencyConflict

_r = tables.ratings
_rs = tables.rating_summaries

_FIND = sa.select(_r).where(_r.c.task_id == sa.bindparam("task_id", type_=sa.BigInteger))
_COUNT_FOR_GIVER = (
    sa.select(sa.func.count()).select_from(_r).where(_r.c.giver_id == sa.bindparam("giver_id", type_=sa.BigInteger))
)
_FOR_GIVER = (
    sa.select(_r)
    .where(_r.c.giver_id == sa.bindparam("giver_id", type_=sa.BigInteger))
    .order_by(_r.c.rated_at, _r.c.task_id)
    .limit(sa.bindparam("limit", type_=sa.Integer))
)
_SUMMARY = sa.select(_rs).where(_rs.c.member_id == sa.bindparam("member_id", type_=sa.BigInteger))
# Built once, values bound at execution: an owner's rating saves three times (one per statement),
# and building each INSERT or UPDATE anew cost more than running it.
_INSERT = _r.insert()
_UPDATE_MARKS = _r.update().where(_r.c.task_id == sa.bindparam("rated_task", type_=sa.BigInteger))


def _rating(row: Any) -> Rating:
    return Rating(
        task_id=row.task_id,
        community_id=row.community_id,
        giver_id=row.giver_id,
        owner_id=row.owner_id,
        rated_at=row.rated_at,
        changed_at=row.changed_at,
        specific=row.mark_specific,
        actionable=row.mark_actionable,
        respectful=row.mark_respectful,
    )


def summary_of(row: Any) -> RatingSummary:
    """A ``rating_summaries`` row (or any row with its columns) as the domain's summary."""
    return RatingSummary(
        row.ratings,
        (row.specific_sum, row.actionable_sum, row.respectful_sum),
        (row.specific_count, row.actionable_count, row.respectful_count),
    )


class SqlRatingRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, task_id: int) -> Rating | None:
        row = self._session.execute(_FIND, {"task_id": task_id}).first()
        return None if row is None else _rating(row)

    def save(self, rating: Rating, *, new: bool) -> None:
        """Inserts a new rating (a second insert for one task is a unique violation: the caller's
        retry re-reads it) or updates its marks."""
        marks = {
            "mark_specific": rating.specific,
            "mark_actionable": rating.actionable,
            "mark_respectful": rating.respectful,
            "changed_at": rating.changed_at,
        }
        if new:
            row = {
                "task_id": rating.task_id,
                "community_id": rating.community_id,
                "giver_id": rating.giver_id,
                "owner_id": rating.owner_id,
                "rated_at": rating.rated_at,
            }
            self._insert(_INSERT, row | marks)
        else:
            self._session.execute(_UPDATE_MARKS, {"rated_task": rating.task_id, **marks})

    def count_for_giver(self, giver_id: int) -> int:
        return int(self._session.scalar(_COUNT_FOR_GIVER, {"giver_id": giver_id}) or 0)

    def first_for_giver(self, giver_id: int, *, limit: int) -> list[Rating]:
        """The giver's first ``limit`` ratings, oldest first."""
        return [_rating(row) for row in self._session.execute(_FOR_GIVER, {"giver_id": giver_id, "limit": limit})]

    def publish(self, giver_id: int, *, community_id: int, summary: RatingSummary, now: datetime) -> None:
        values = {
            "community_id": community_id,
            "ratings": summary.ratings,
            "specific_sum": summary.sums[0],
            "actionable_sum": summary.sums[1],
            "respectful_sum": summary.sums[2],
            "specific_count": summary.counts[0],
            "actionable_count": summary.counts[1],
            "respectful_count": summary.counts[2],
            "published_at": now,
        }
        updated = self._session.execute(_rs.update().where(_rs.c.member_id == giver_id).values(**values))
        if not getattr(updated, "rowcount", 0):
            self._insert(_rs.insert().values(member_id=giver_id, **values), {})

    def _insert(self, statement: sa.Insert, values: dict[str, Any]) -> None:
        try:
            self._session.execute(statement, values)
        except IntegrityError as error:
            # A concurrent transaction inserted the same row first: the use case's retry re-reads it.
            if is_unique_violation(error):
                raise ConcurrencyConflict(str(error)) from error
            raise

    def summary(self, member_id: int) -> RatingSummary:
        row = self._session.execute(_SUMMARY, {"member_id": member_id}).first()
        return RatingSummary() if row is None else summary_of(row)
