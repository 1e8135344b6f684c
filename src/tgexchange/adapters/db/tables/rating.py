"""Recipient ratings (issue 19 §1): one row per rated task, and each giver's published summary."""

from __future__ import annotations

import sqlalchemy as sa

from tgexchange.adapters.db.tables.schema import metadata
from tgexchange.adapters.db.types import UTCDateTime

_MARK = "BETWEEN 1 AND 5"

# A task's feedback is rated once, by its submission's owner; the marks may change for 24 h.
ratings = sa.Table(
    "ratings",
    metadata,
    sa.Column("task_id", sa.BigInteger, sa.ForeignKey("tasks.id"), primary_key=True, autoincrement=False),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("giver_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("owner_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("mark_specific", sa.SmallInteger),
    sa.Column("mark_actionable", sa.SmallInteger),
    sa.Column("mark_respectful", sa.SmallInteger),
    sa.Column("rated_at", UTCDateTime, nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(
        f"(mark_specific IS NULL OR mark_specific {_MARK}) AND (mark_actionable IS NULL OR mark_actionable {_MARK})"
        f" AND (mark_respectful IS NULL OR mark_respectful {_MARK})",
        name="marks_1_to_5",
    ),
    sa.CheckConstraint("giver_id <> owner_id", name="not_self"),
)
sa.Index("ix_ratings_giver_rated", ratings.c.giver_id, ratings.c.rated_at)

# What a giver's ratings looked like at their latest 5th, 10th, … rating: what they and matching
# see, so that no single rating moves it.
rating_summaries = sa.Table(
    "rating_summaries",
    metadata,
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), primary_key=True, autoincrement=False),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("ratings", sa.Integer, nullable=False),
    sa.Column("specific_sum", sa.Integer, nullable=False),
    sa.Column("specific_count", sa.Integer, nullable=False),
    sa.Column("actionable_sum", sa.Integer, nullable=False),
    sa.Column("actionable_count", sa.Integer, nullable=False),
    sa.Column("respectful_sum", sa.Integer, nullable=False),
    sa.Column("respectful_count", sa.Integer, nullable=False),
    sa.Column("published_at", UTCDateTime, nullable=False),
)
