"""The operator's tables (issue 18): the global kill switch and its log, anomalies, daily reports,
worker heartbeats."""

from __future__ import annotations

import sqlalchemy as sa

from tgexchange.adapters.db.tables.schema import BigId, metadata
from tgexchange.adapters.db.types import UTCDateTime

# Operations (issue 18; services/operations.py, services/watchdog.py). The global kill switch is
# one row, present while it is on; every community loads it (adapters/db/mapping.py), so that
# Community.ensure_open decides "paused" in one place.
kill_switch = sa.Table(
    "kill_switch",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("reason", sa.String(300), nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),
    sa.Column("by", sa.String(128), nullable=False),
    sa.Column("anomaly_id", sa.BigInteger),
    sa.CheckConstraint("id = 1", name="one_row"),
)

# Every use of a kill switch, global (community_id NULL) or a community's: who, when, why, and
# on a resume how long it was on.
kill_switch_log = sa.Table(
    "kill_switch_log",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id")),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("reason", sa.String(300)),
    sa.Column("held_s", sa.BigInteger),
    sa.Column("anomaly_id", sa.BigInteger),
)
sa.Index("ix_kill_switch_log_at", kill_switch_log.c.at)

# What the watchdog found, one row per episode. ``open_key`` is the anomaly's key while it is open
# and NULL once cleared: unique, so one thing has at most one open episode.
anomalies = sa.Table(
    "anomalies",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("key", sa.String(160), nullable=False),
    sa.Column("open_key", sa.String(160), unique=True),
    sa.Column("severity", sa.Float, nullable=False),
    sa.Column("peak_severity", sa.Float, nullable=False),
    sa.Column("summary", sa.String(300), nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id")),
    sa.Column("platform", sa.String(16)),
    sa.Column("job", sa.String(64)),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Column("last_seen", UTCDateTime, nullable=False),
    sa.Column("cleared_at", UTCDateTime),
    sa.Column("paused", sa.Boolean, nullable=False, default=False),
)
sa.Index("ix_anomalies_first_seen", anomalies.c.first_seen)

# One daily report per community and UTC day, whichever worker gets there first.
daily_reports = sa.Table(
    "daily_reports",
    metadata,
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("sent_at", UTCDateTime, nullable=False),
)

# Job worker processes, each beating every few seconds: what `tgexchange status` lists.
workers = sa.Table(
    "workers",
    metadata,
    sa.Column("name", sa.String(160), primary_key=True),
    sa.Column("threads", sa.Integer, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("last_seen", UTCDateTime, nullable=False),
)
