"""The exchange's tables: communities, members, channels, submissions, tasks, the ledger, the audit
trail, failures, handled updates, the outbox and the reciprocity scores."""

from __future__ import annotations

import sqlalchemy as sa

from tgexchange.adapters.db.tables.schema import BigId, metadata
from tgexchange.adapters.db.types import SettingsJSON, TopicJSON, UTCDateTime, enum_column_type
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.ledger import AccountKind, PostingKind
from tgexchange.domain.member import MemberRole, MemberStatus
from tgexchange.domain.submission import SubmissionStatus
from tgexchange.domain.task import ReviewStage, TaskStatus

communities = sa.Table(
    "communities",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("telegram_chat_id", sa.BigInteger, nullable=False, unique=True),
    sa.Column("title", sa.String(256), nullable=False),
    sa.Column("settings", SettingsJSON, nullable=False),
    sa.Column("is_paused", sa.Boolean, nullable=False, default=False),
    sa.Column("pause_reason", sa.String(300)),
    sa.Column("paused_at", UTCDateTime),
    sa.Column("bot_present", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("telegram_user_id", sa.BigInteger, nullable=False),
    sa.Column("display_name", sa.String(128), nullable=False),
    sa.Column("username", sa.String(64)),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("role", enum_column_type(MemberRole), nullable=False),
    sa.Column("status", enum_column_type(MemberStatus), nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False, default=0),
    sa.Column("joined_at", UTCDateTime, nullable=False),
    # When the user last chose this community for the private chat (menu, switch, deep link).
    sa.Column("chosen_at", UTCDateTime),
    sa.UniqueConstraint("community_id", "telegram_user_id", name="uq_members_community_user"),
)
sa.Index("ix_members_telegram_user_id", members.c.telegram_user_id)

member_stats = sa.Table(
    "member_stats",
    metadata,
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("tasks_taken", sa.Integer, nullable=False, default=0),
    sa.Column("verified", sa.Integer, nullable=False, default=0),
    sa.Column("rejected", sa.Integer, nullable=False, default=0),
    sa.Column("expired", sa.Integer, nullable=False, default=0),
    sa.Column("skipped", sa.Integer, nullable=False, default=0),
    sa.Column("feedback_received", sa.Integer, nullable=False, default=0),
)
sa.Index("ix_member_stats_community_verified", member_stats.c.community_id, member_stats.c.verified)

channels = sa.Table(
    "channels",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("platform", enum_column_type(Platform), nullable=False),
    sa.Column("channel_id", sa.String(128), nullable=False),
    sa.Column("name", sa.String(256)),
    sa.Column("linked_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("community_id", "platform", "channel_id", name="uq_channels_community_platform_channel"),
)

ownership_proofs = sa.Table(
    "ownership_proofs",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("platform", enum_column_type(Platform), nullable=False),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime),
    sa.Column("used_by_update", sa.BigInteger),  # the Telegram update whose link used the code
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("owner_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("platform", enum_column_type(Platform), nullable=False),
    sa.Column("kind", enum_column_type(ContentKind), nullable=False),
    sa.Column("content_id", sa.String(128), nullable=False),
    sa.Column("url", sa.String(512), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("feedback_wanted", sa.Integer, nullable=False),
    sa.Column("credits_per_feedback", sa.Integer, nullable=False),
    sa.Column("status", enum_column_type(SubmissionStatus), nullable=False),
    sa.Column("tasks_open", sa.Integer, nullable=False, default=0),
    sa.Column("tasks_verified", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("waiting_since", UTCDateTime, nullable=False),
    sa.Column("closed_at", UTCDateTime),
    # What the escrow holds per feedback (the cap under credit by substance; domain.credit).
    sa.Column("held_per_feedback", sa.Integer),
    sa.Column("version", sa.Integer, nullable=False),
    # What its feedback should be about (title, tags, chapters, the start of the description), read
    # when it was submitted; NULL for submissions made before the relevance rule existed.
    sa.Column("topic", TopicJSON),
    sa.Column("update_id", sa.BigInteger),  # the Telegram update that made it (the count button)
    sa.CheckConstraint("tasks_open >= 0 AND tasks_verified >= 0", name="counts_not_negative"),
    sa.CheckConstraint("tasks_verified + tasks_open <= feedback_wanted", name="slots_not_overbooked"),
)
# The same content can wait for feedback only once per community at a time.
sa.Index(
    "uq_submissions_open_content",
    submissions.c.community_id,
    submissions.c.platform,
    submissions.c.content_id,
    unique=True,
    sqlite_where=submissions.c.status == "open",
    postgresql_where=submissions.c.status == "open",
)
# One submission per update: handled again after a crash, an update cannot make a second one.
sa.Index("uq_submissions_update_id", submissions.c.update_id, unique=True)
sa.Index(
    "ix_submissions_matching",
    submissions.c.community_id,
    submissions.c.status,
    submissions.c.waiting_since,
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("submission_id", sa.BigInteger, sa.ForeignKey("submissions.id"), nullable=False),
    sa.Column("giver_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("owner_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("platform", enum_column_type(Platform), nullable=False),
    sa.Column("credits", sa.Integer, nullable=False),
    sa.Column("status", enum_column_type(TaskStatus), nullable=False),
    sa.Column("assigned_at", UTCDateTime, nullable=False),
    sa.Column("deadline_at", UTCDateTime, nullable=False),
    sa.Column("done_at", UTCDateTime),
    sa.Column("verifying_at", UTCDateTime),
    sa.Column("decided_at", UTCDateTime),
    sa.Column("reason", sa.String(64)),
    sa.Column("feedback_text", sa.Text),
    sa.Column("comment_id", sa.String(128)),
    sa.Column("verification_attempts", sa.Integer, nullable=False, default=0),
    sa.Column("review_stage", enum_column_type(ReviewStage)),
    sa.Column("review_until", UTCDateTime),
    sa.Column("next_check_at", UTCDateTime),
    sa.Column("escrowed", sa.Integer),  # what the escrow holds for this task, fixed when given
    sa.Column("update_id", sa.BigInteger),  # the Telegram update that asked for it (/task)
    # Done was pressed on a task that takes a pasted text: the wait for it, seen by every process.
    sa.Column("text_asked_at", UTCDateTime),
    sa.Column("version", sa.Integer, nullable=False),
    # A member serves a submission at most once, which also stops a double assignment race.
    sa.UniqueConstraint("submission_id", "giver_id", name="uq_tasks_submission_giver"),
)
sa.Index("ix_tasks_giver_status", tasks.c.giver_id, tasks.c.status)
# One task per update: a re-run of an update after a crash cannot take a second one.
sa.Index("uq_tasks_update_id", tasks.c.update_id, unique=True)
sa.Index("ix_tasks_giver_id", tasks.c.giver_id, tasks.c.id)  # a member's latest tasks (/me)
sa.Index("ix_tasks_status_deadline", tasks.c.status, tasks.c.deadline_at)
sa.Index("ix_tasks_submission_status", tasks.c.submission_id, tasks.c.status)
sa.Index("ix_tasks_community_status", tasks.c.community_id, tasks.c.status)
sa.Index("ix_tasks_status_next_check", tasks.c.status, tasks.c.next_check_at)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False, index=True),
    sa.Column("kind", enum_column_type(AccountKind), nullable=False),
    sa.Column("owner_id", sa.BigInteger, nullable=False),
    sa.Column("balance", sa.BigInteger, nullable=False, default=0),
    sa.UniqueConstraint("kind", "owner_id", name="uq_accounts_kind_owner"),
    sa.CheckConstraint("kind = 'issuance' OR balance >= 0", name="no_overdraft"),
)

postings = sa.Table(
    "postings",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("source_id", sa.BigInteger, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("target_id", sa.BigInteger, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("kind", enum_column_type(PostingKind), nullable=False),
    sa.Column("key", sa.String(64), nullable=False, unique=True),
    # One task, at most one credit posting: a job that runs twice cannot pay twice.
    sa.Column("task_id", sa.BigInteger, sa.ForeignKey("tasks.id"), unique=True),
    sa.Column("posted_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.CheckConstraint("source_id <> target_id", name="distinct_accounts"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("action", enum_column_type(AuditAction), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor_member_id", sa.BigInteger, sa.ForeignKey("members.id")),
    sa.Column("actor_label", sa.String(128)),
    sa.Column("target_member_id", sa.BigInteger, sa.ForeignKey("members.id")),
    sa.Column("detail", sa.String(300)),
)
sa.Index("ix_audit_log_community_at", audit_log.c.community_id, audit_log.c.at)

# Why verification could not decide (platform outages, vanished content, crashed jobs): what the
# dashboard's error view and the watchdog read. Rejections live on the tasks themselves.
job_failures = sa.Table(
    "job_failures",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("job", sa.String(64), nullable=False),
    sa.Column("platform", enum_column_type(Platform)),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id")),
    sa.Column("submission_id", sa.BigInteger, sa.ForeignKey("submissions.id")),
    sa.Column("detail", sa.String(500), nullable=False),
)
sa.Index("ix_job_failures_at", job_failures.c.at)

# Telegram updates the bot has taken on, so that a redelivered update (same update_id, after a
# crash, a restart or a webhook retry) has no second effect. Telegram keeps undelivered updates
# for at most 24 hours, so rows older than that are pruned.
bot_updates = sa.Table(
    "bot_updates",
    metadata,
    sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
)
sa.Index("ix_bot_updates_received_at", bot_updates.c.received_at)

# Telegram updates the webhook accepted: stored before Telegram is answered 200, so an accepted
# update outlives a crash of the process that took it (adapters/db/inbox.py). ``claimed_until`` is
# the lease of the process working on it; ``done_at`` is set once its handlers have run.
webhook_inbox = sa.Table(
    "webhook_inbox",
    metadata,
    sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("claimed_until", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("done_at", UTCDateTime),
)
sa.Index("ix_webhook_inbox_pending", webhook_inbox.c.done_at, webhook_inbox.c.claimed_until)

# The outbox (adapters/db/notifications.py): notices written in the transaction of the decision
# they announce, delivered afterwards and marked, so a crash or a Telegram outage loses none.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id")),
    # Operators are told too (alerts), and they need not be members of any community (0008).
    sa.Column("telegram_user_id", sa.BigInteger),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("claimed_until", UTCDateTime),  # a sender holds it until then (a crashed one lets go)
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("closed_at", UTCDateTime),
    sa.Column("outcome", sa.String(20)),  # sent, unreachable, skipped, failed
    sa.Column("last_error", sa.String(300)),
)
sa.Index("ix_outbox_due", outbox.c.closed_at, outbox.c.next_attempt_at)

# The reciprocity model's latest scores (adapters/db/reciprocity.py): each member's chance of
# giving back, per platform, refreshed by a job; matching reads them beside its candidates.
reciprocity_scores = sa.Table(
    "reciprocity_scores",
    metadata,
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), primary_key=True),
    sa.Column("platform", enum_column_type(Platform), primary_key=True),
    sa.Column("probability", sa.Float, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("model_version", sa.String(64), nullable=False),
    sa.Column("computed_at", UTCDateTime, nullable=False),
)

# The hours in which a member asked for a task and the exchange had none for them
# (domain/pace.py): a member on a platform with little content has shown up as much as one who
# took a task, and must not fall behind as one who never asks. One row per member and hour, so
# tapping /task again and again counts once.
unmet_task_requests = sa.Table(
    "unmet_task_requests",
    metadata,
    sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), primary_key=True),
    sa.Column("hour", UTCDateTime, primary_key=True),
    sa.Column("community_id", sa.BigInteger, sa.ForeignKey("communities.id"), nullable=False),
)
# The daily report counts one community's day: without it, a scan of every member's hours.
sa.Index("ix_unmet_task_requests_community_hour", unmet_task_requests.c.community_id, unmet_task_requests.c.hour)
