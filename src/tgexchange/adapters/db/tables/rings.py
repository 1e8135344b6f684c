"""Rings (domain/ring.py): groups the detection flagged, with their evidence and the admin's
decision, and who is in each (matching reads ``ring_members`` on every task request)."""

from __future__ import annotations

import sqlalchemy as sa

from tgexchange.adapters.db.tables.schema import BigId, metadata
from tgexchange.adapters.db.types import UTCDateTime, enum_column_type
from tgexchange.domain.ring import RingStatus

rings = sa.Table(
    "rings",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("status", enum_column_type(RingStatus), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("flagged_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("decided_at", UTCDateTime),
    sa.Column("decided_by_member_id", sa.BigInteger, sa.ForeignKey("members.id")),
    sa.Column("decided_by_label", sa.String(128)),
)
sa.Index("ix_rings_community_status", rings.c.community_id, rings.c.status)

ring_members = sa.Table(
    "ring_members",
    metadata,
    sa.Column("ring_id", sa.BigInteger, sa.ForeignKey("rings.id"), primary_key=True),
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), primary_key=True),
)
# Matching asks, per candidate, whether the giver and the owner share a group: by member first.
sa.Index("ix_ring_members_member", ring_members.c.member_id, ring_members.c.ring_id)
