"""The schema. Alembic migrations under ``migrations/`` must produce exactly this; one module per
area, all on one MetaData."""

from tgexchange.adapters.db.tables.dashboard import (
    MEMBER_DAY_COUNTERS,
    dashboard_logins,
    dashboard_sessions,
    rollup_daily,
    rollup_member_daily,
    rollup_rejections,
    rollup_rejections_all,
    rollup_totals,
)
from tgexchange.adapters.db.tables.exchange import (
    accounts,
    audit_log,
    bot_updates,
    channels,
    communities,
    job_failures,
    member_stats,
    members,
    outbox,
    ownership_proofs,
    postings,
    reciprocity_scores,
    submissions,
    tasks,
    unmet_task_requests,
    webhook_inbox,
)
from tgexchange.adapters.db.tables.fair_play import appeals, fair_play_events, penalties
from tgexchange.adapters.db.tables.operations import (
    anomalies,
    daily_reports,
    kill_switch,
    kill_switch_log,
    workers,
)
from tgexchange.adapters.db.tables.rating import rating_summaries, ratings
from tgexchange.adapters.db.tables.rings import ring_members, rings
from tgexchange.adapters.db.tables.schema import BigId, metadata

__all__ = [
    "MEMBER_DAY_COUNTERS",
    "BigId",
    "accounts",
    "anomalies",
    "appeals",
    "audit_log",
    "bot_updates",
    "channels",
    "communities",
    "daily_reports",
    "dashboard_logins",
    "dashboard_sessions",
    "fair_play_events",
    "job_failures",
    "kill_switch",
    "kill_switch_log",
    "member_stats",
    "members",
    "metadata",
    "outbox",
    "ownership_proofs",
    "penalties",
    "postings",
    "rating_summaries",
    "ratings",
    "reciprocity_scores",
    "ring_members",
    "rings",
    "rollup_daily",
    "rollup_member_daily",
    "rollup_rejections",
    "rollup_rejections_all",
    "rollup_totals",
    "submissions",
    "tasks",
    "unmet_task_requests",
    "webhook_inbox",
    "workers",
]
