"""The dashboard's tables: rollups kept with each task transition, login links and sessions."""

from __future__ import annotations

import sqlalchemy as sa

from tgexchange.adapters.db.tables.exchange import member_stats, tasks
from tgexchange.adapters.db.tables.schema import BigId, metadata
from tgexchange.adapters.db.types import UTCDateTime, enum_column_type
from tgexchange.domain.content import Platform

# Dashboard rollups (adapters/db/rollup.py): counters kept current in the same transaction as each
# task transition, so the dashboard reads a few hundred rows however long the history grows.
# Every counter starts at 0 and only ever grows by atomic increments.
_ROLLUP_COUNTERS = ("assigned", "verified", "rejected", "expired", "skipped", "cancelled", "credits_moved", "verify_s")


def _rollup_counters() -> list[sa.Column[int]]:
    return [sa.Column(name, sa.BigInteger, nullable=False, default=0) for name in _ROLLUP_COUNTERS]


rollup_daily = sa.Table(
    "rollup_daily",
    metadata,
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),  # UTC
    sa.Column("platform", enum_column_type(Platform), primary_key=True),
    *_rollup_counters(),
)
sa.Index("ix_rollup_daily_day", rollup_daily.c.day)

rollup_totals = sa.Table(
    "rollup_totals",
    metadata,
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), primary_key=True),
    sa.Column("platform", enum_column_type(Platform), primary_key=True),
    *_rollup_counters(),
)

rollup_rejections = sa.Table(
    "rollup_rejections",
    metadata,
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), primary_key=True),
    sa.Column("hour", sa.BigInteger, primary_key=True),  # whole hours since the Unix epoch, UTC
    sa.Column("reason", sa.String(64), primary_key=True),
    sa.Column("rejected", sa.BigInteger, nullable=False, default=0),
)
sa.Index("ix_rollup_rejections_hour", rollup_rejections.c.hour)

# The same across every community, for the operator: a week of it is at most 168 rows per reason
# however many communities there are and however busy they get (per community, the rows a window
# covers grow with both).
rollup_rejections_all = sa.Table(
    "rollup_rejections_all",
    metadata,
    sa.Column("hour", sa.BigInteger, primary_key=True),
    sa.Column("reason", sa.String(64), primary_key=True),
    sa.Column("rejected", sa.BigInteger, nullable=False, default=0),
)

# Per member and UTC day (adapters/db/rollup.py, kept like the rollups above): the members
# ranking of a period reads the window's rows, never the history before it. The same counters as
# member_stats, so that over all days they add up to it. Stored in key order on SQLite (no rowid):
# a window of days is one contiguous read per community.
MEMBER_DAY_COUNTERS = ("tasks_taken", "verified", "rejected", "expired", "skipped", "feedback_received")
rollup_member_daily = sa.Table(
    "rollup_member_daily",
    metadata,
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),  # UTC
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), primary_key=True),
    *[sa.Column(name, sa.BigInteger, nullable=False, default=0) for name in MEMBER_DAY_COUNTERS],
    sqlite_with_rowid=False,
)

# The dashboard's recent-rejections list (newest first, ties by id: read straight off the index,
# however many tasks were decided in the same second) and its members ordering.
sa.Index("ix_tasks_status_decided", tasks.c.status, tasks.c.decided_at, tasks.c.id)
sa.Index("ix_tasks_community_status_decided", tasks.c.community_id, tasks.c.status, tasks.c.decided_at, tasks.c.id)
sa.Index("ix_member_stats_verified", member_stats.c.verified, member_stats.c.member_id)

# One-time dashboard login links (services/dashboard.py). Only a digest of the token is kept; a
# link is used by one atomic UPDATE that also checks expiry, so it works once, within its time.
dashboard_logins = sa.Table(
    "dashboard_logins",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("token_digest", sa.String(64), nullable=False, unique=True),
    sa.Column("telegram_user_id", sa.BigInteger, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime),
)
sa.Index("ix_dashboard_logins_expires_at", dashboard_logins.c.expires_at)

# Dashboard sessions per Telegram user: the cookie carries the epoch it was issued in, and only the
# current one is honoured, so logging out (or redeeming a new link) ends every older cookie.
dashboard_sessions = sa.Table(
    "dashboard_sessions",
    metadata,
    sa.Column("telegram_user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("epoch", sa.BigInteger, nullable=False),
)
