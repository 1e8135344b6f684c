"""Fair play (issue 19 §3-4): penalties with their reasons and evidence, appeals, and the events
the dashboard counts (cooldowns started, newcomers refused)."""

from __future__ import annotations

import sqlalchemy as sa

from tgexchange.adapters.db.tables.exchange import members
from tgexchange.adapters.db.tables.schema import BigId, metadata
from tgexchange.adapters.db.types import UTCDateTime

# One row per penalty. ``ends_at`` NULL: in force until lifted (a ban); ``lifted_at`` set by an
# upheld appeal or an unban. Read per member, newest first.
penalties = sa.Table(
    "penalties",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(300), nullable=False),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("task_ids", sa.JSON, nullable=False),
    sa.Column("actor_member_id", sa.BigInteger, sa.ForeignKey("members.id")),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("ends_at", UTCDateTime),
    sa.Column("lifted_at", UTCDateTime),
    sa.Column("lifted_by", sa.String(16)),
)
sa.Index("ix_penalties_member_created", penalties.c.member_id, penalties.c.created_at)

# At most one appeal per penalty (unique ``penalty_id``). Decided once: the decision is a guarded
# UPDATE ... WHERE status = 'pending'.
appeals = sa.Table(
    "appeals",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("penalty_id", sa.BigInteger, sa.ForeignKey("penalties.id"), nullable=False, unique=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("text", sa.String(1000), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("decided_at", UTCDateTime),
    sa.Column("decided_by", sa.String(128)),
    sa.Column("note", sa.String(300)),
)
sa.Index("ix_appeals_community_status", appeals.c.community_id, appeals.c.status)
# The operator's queue on the dashboard (every community, oldest first): the pending ones in order.
sa.Index("ix_appeals_status_created", appeals.c.status, appeals.c.created_at)

# Cooldowns started by low health and newcomers refused by the admission cap, for the dashboard
# and for "at most one health cooldown a day" (read per member, newest first).
fair_play_events = sa.Table(
    "fair_play_events",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id")),
    sa.Column("telegram_user_id", sa.BigInteger),
    sa.Column("until", UTCDateTime),
    sa.Column("score", sa.Float),
)
sa.Index("ix_fair_play_events_community_at", fair_play_events.c.community_id, fair_play_events.c.at)
sa.Index("ix_fair_play_events_member_at", fair_play_events.c.member_id, fair_play_events.c.at)
# The operator's dashboard reads every community's events by time: the latest (walked backwards)
# and the counts per kind since then (covered by the index, no table row read).
sa.Index("ix_fair_play_events_at_kind", fair_play_events.c.at, fair_play_events.c.kind)

# The admission cap counts today's newcomers of one community: one range scan of this index.
sa.Index("ix_members_community_joined", members.c.community_id, members.c.joined_at)
