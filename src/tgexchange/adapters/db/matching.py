"""Matching's candidate query: the open submissions a giver may be given, each hard rule of
``domain.matching`` as one SQL condition, with what the score needs about each owner."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.types import UTCDateTime
from tgexchange.domain.content import Platform
from tgexchange.domain.matching import HOLD_SHARE, Candidate, Ineligible
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.reliability import MemberStats, with_ratings
from tgexchange.domain.ring import RingStatus
from tgexchange.domain.submission import SubmissionStatus

_s = tables.submissions
_m = tables.members
_ms = tables.member_stats
_t = tables.tasks
_r = tables.reciprocity_scores
_giver_r = tables.reciprocity_scores.alias("giver_r")
_rs = tables.rating_summaries
_rings, _giver_rm, _owner_rm = (
    tables.rings,
    tables.ring_members.alias("giver_rm"),
    tables.ring_members.alias("owner_rm"),
)


def candidates(
    session: Session,
    *,
    community_id: int,
    giver_id: int,
    platforms: frozenset[Platform],
    limit: int,
    holds_made_after: datetime | None = None,
) -> Sequence[Candidate]:
    """The open submissions this giver may be given, oldest waiting first, as matching scores them.
    ``holds_made_after``: the giver's ``Giver.holds_made_after`` (None: nothing is held)."""
    params = {
        "community_id": community_id,
        "giver_id": giver_id,
        "platforms": sorted(platforms),
        "limit": limit,
        "hold": holds_made_after is not None,
        "made_after": holds_made_after,
    }
    result = []
    for row in session.execute(_CANDIDATES, params):
        stats = MemberStats(
            verified=row.verified,
            rejected=row.rejected,
            expired=row.expired,
            feedback_received=row.feedback_received,
        )
        result.append(
            Candidate(
                submission_id=row.id,
                owner_id=row.owner_id,
                platform=row.platform,
                waiting_since=row.waiting_since,
                free_slots=row.free,
                owner_reliability=with_ratings(stats.reliability, _rating_of(row)),
                owner_reciprocity=stats.reciprocity_ratio,
                predicted_reciprocity=row.predicted,
                created_at=row.created_at,
                verified_so_far=row.tasks_verified,
                giver_predicted_reciprocity=row.giver_predicted,
            )
        )
    return result


def _rating_of(row: Any) -> float | None:
    """The owner's published average rating as a giver, None before their 5th rating."""
    if not row.marks:
        return None
    return float(row.rated) / float(row.marks)


_FREE = _s.c.feedback_wanted - _s.c.tasks_verified - _s.c.tasks_open
_GIVER_ID = sa.bindparam("giver_id", type_=sa.BigInteger)
_HOLD = sa.bindparam("hold", type_=sa.Boolean)
_MADE_AFTER = sa.bindparam("made_after", type_=UTCDateTime)


def ineligible_when() -> dict[Ineligible, sa.ColumnElement[bool]]:
    """Each of matching's hard rules (domain.matching.Ineligible) as the SQL condition that breaks
    it. Building the query refuses a rule without a condition, so a rule added to the domain is
    either enforced here too or fails at import."""
    conditions: dict[Ineligible, sa.ColumnElement[bool]] = {
        Ineligible.OWN: _s.c.owner_id == _GIVER_ID,
        Ineligible.SERVED: sa.exists().where(_t.c.submission_id == _s.c.id, _t.c.giver_id == _GIVER_ID),
        Ineligible.PLATFORM: _s.c.platform.not_in(sa.bindparam("platforms", expanding=True)),
        Ineligible.FULL: _FREE <= 0,
        Ineligible.OWNER_BANNED: _m.c.status == MemberStatus.BANNED,
        Ineligible.SAME_RING: sa.exists()
        .select_from(
            _giver_rm.join(_owner_rm, _owner_rm.c.ring_id == _giver_rm.c.ring_id).join(
                _rings, _rings.c.id == _giver_rm.c.ring_id
            )
        )
        .where(
            _giver_rm.c.member_id == _GIVER_ID,
            _owner_rm.c.member_id == _s.c.owner_id,
            _rings.c.status.in_([s for s in RingStatus if s.keeps_apart]),
        ),
        # Each part false when a score is missing, so that SQL's NULL cannot drop the row.
        Ineligible.HELD: sa.and_(
            _HOLD,
            _s.c.created_at > _MADE_AFTER,
            _s.c.tasks_verified == 0,
            _giver_r.c.probability.is_not(None),
            _r.c.probability.is_not(None),
            _giver_r.c.probability < HOLD_SHARE * _r.c.probability,
        ),
    }
    missing = set(Ineligible) - set(conditions)
    if missing:
        raise RuntimeError(f"matching rules without a SQL condition: {sorted(missing)}")
    return conditions


def _candidates_query() -> sa.Select[Any]:
    """Built once: matching runs it on every task request. The pool is the community's open
    submissions; every hard rule of matching then filters it."""
    return (
        sa.select(
            _s.c.id,
            _s.c.owner_id,
            _s.c.platform,
            _s.c.waiting_since,
            _FREE.label("free"),
            _ms.c.verified,
            _ms.c.rejected,
            _ms.c.expired,
            _ms.c.feedback_received,
            _r.c.probability.label("predicted"),
            _giver_r.c.probability.label("giver_predicted"),
            _s.c.created_at,
            _s.c.tasks_verified,
            (_rs.c.specific_sum + _rs.c.actionable_sum + _rs.c.respectful_sum).label("rated"),
            (_rs.c.specific_count + _rs.c.actionable_count + _rs.c.respectful_count).label("marks"),
        )
        .join(_m, _m.c.id == _s.c.owner_id)
        .join(_ms, _ms.c.member_id == _s.c.owner_id)
        .outerjoin(_r, sa.and_(_r.c.member_id == _s.c.owner_id, _r.c.platform == _s.c.platform))
        .outerjoin(_rs, _rs.c.member_id == _s.c.owner_id)
        .outerjoin(_giver_r, sa.and_(_giver_r.c.member_id == _GIVER_ID, _giver_r.c.platform == _s.c.platform))
        .where(
            _s.c.community_id == sa.bindparam("community_id", type_=sa.BigInteger),
            _s.c.status == SubmissionStatus.OPEN,
            *(sa.not_(condition) for condition in ineligible_when().values()),
        )
        .order_by(_s.c.waiting_since, _s.c.id)
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


_CANDIDATES = _candidates_query()
