"""exchange core

Revision ID: 0001
Revises: 
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('communities',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('telegram_chat_id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.String(length=256), nullable=False),
    sa.Column('settings', types.SettingsJSON(), nullable=False),
    sa.Column('is_paused', sa.Boolean(), nullable=False),
    sa.Column('pause_reason', sa.String(length=300), nullable=True),
    sa.Column('paused_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('bot_present', sa.Boolean(), nullable=False),
    sa.Column('created_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communities')),
    sa.UniqueConstraint('telegram_chat_id', name=op.f('uq_communities_telegram_chat_id'))
    )
    op.create_table('accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.Enum('member', 'escrow', 'issuance', name='accountkind', native_enum=False, length=16), nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind = 'issuance' OR balance >= 0", name=op.f('ck_accounts_no_overdraft')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_accounts_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('kind', 'owner_id', name='uq_accounts_kind_owner')
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_community_id'), ['community_id'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('telegram_user_id', sa.BigInteger(), nullable=False),
    sa.Column('display_name', sa.String(length=128), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('role', sa.Enum('member', 'admin', name='memberrole', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('active', 'warned', 'banned', name='memberstatus', native_enum=False, length=16), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('joined_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_members_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('community_id', 'telegram_user_id', name='uq_members_community_user')
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index('ix_members_telegram_user_id', ['telegram_user_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('action', sa.Enum('pause', 'resume', 'warn', 'ban', 'unban', 'settings', name='auditaction', native_enum=False, length=16), nullable=False),
    sa.Column('at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_member_id', sa.BigInteger(), nullable=True),
    sa.Column('actor_label', sa.String(length=128), nullable=True),
    sa.Column('target_member_id', sa.BigInteger(), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['actor_member_id'], ['members.id'], name=op.f('fk_audit_log_actor_member_id_members')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_audit_log_community_id_communities')),
    sa.ForeignKeyConstraint(['target_member_id'], ['members.id'], name=op.f('fk_audit_log_target_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_community_at', ['community_id', 'at'], unique=False)

    op.create_table('channels',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('platform', sa.Enum('youtube', 'tiktok', 'instagram', name='platform', native_enum=False, length=16), nullable=False),
    sa.Column('channel_id', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=True),
    sa.Column('linked_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_channels_community_id_communities')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_channels_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channels')),
    sa.UniqueConstraint('community_id', 'platform', 'channel_id', name='uq_channels_community_platform_channel')
    )
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channels_member_id'), ['member_id'], unique=False)

    op.create_table('member_stats',
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('tasks_taken', sa.Integer(), nullable=False),
    sa.Column('verified', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('expired', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('feedback_received', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_member_stats_community_id_communities')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_stats_member_id_members')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_member_stats'))
    )
    with op.batch_alter_table('member_stats', schema=None) as batch_op:
        batch_op.create_index('ix_member_stats_community_verified', ['community_id', 'verified'], unique=False)

    op.create_table('ownership_proofs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('platform', sa.Enum('youtube', 'tiktok', 'instagram', name='platform', native_enum=False, length=16), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('created_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_ownership_proofs_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ownership_proofs'))
    )
    with op.batch_alter_table('ownership_proofs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ownership_proofs_member_id'), ['member_id'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('platform', sa.Enum('youtube', 'tiktok', 'instagram', name='platform', native_enum=False, length=16), nullable=False),
    sa.Column('kind', sa.Enum('video', 'short', 'post', 'reel', 'channel', name='contentkind', native_enum=False, length=16), nullable=False),
    sa.Column('content_id', sa.String(length=128), nullable=False),
    sa.Column('url', sa.String(length=512), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('feedback_wanted', sa.Integer(), nullable=False),
    sa.Column('credits_per_feedback', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'completed', 'cancelled', name='submissionstatus', native_enum=False, length=16), nullable=False),
    sa.Column('tasks_open', sa.Integer(), nullable=False),
    sa.Column('tasks_verified', sa.Integer(), nullable=False),
    sa.Column('created_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('waiting_since', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('tasks_open >= 0 AND tasks_verified >= 0', name=op.f('ck_submissions_counts_not_negative')),
    sa.CheckConstraint('tasks_verified + tasks_open <= feedback_wanted', name=op.f('ck_submissions_slots_not_overbooked')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_submissions_community_id_communities')),
    sa.ForeignKeyConstraint(['owner_id'], ['members.id'], name=op.f('fk_submissions_owner_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_matching', ['community_id', 'status', 'waiting_since'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('uq_submissions_open_content', ['community_id', 'platform', 'content_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('tasks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('submission_id', sa.BigInteger(), nullable=False),
    sa.Column('giver_id', sa.BigInteger(), nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('platform', sa.Enum('youtube', 'tiktok', 'instagram', name='platform', native_enum=False, length=16), nullable=False),
    sa.Column('credits', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('assigned', 'submitted', 'verifying', 'verified', 'rejected', 'expired', 'skipped', 'cancelled', name='taskstatus', native_enum=False, length=16), nullable=False),
    sa.Column('assigned_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verifying_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('feedback_text', sa.Text(), nullable=True),
    sa.Column('comment_id', sa.String(length=128), nullable=True),
    sa.Column('verification_attempts', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_tasks_community_id_communities')),
    sa.ForeignKeyConstraint(['giver_id'], ['members.id'], name=op.f('fk_tasks_giver_id_members')),
    sa.ForeignKeyConstraint(['owner_id'], ['members.id'], name=op.f('fk_tasks_owner_id_members')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_tasks_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks')),
    sa.UniqueConstraint('submission_id', 'giver_id', name='uq_tasks_submission_giver')
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_community_status', ['community_id', 'status'], unique=False)
        batch_op.create_index('ix_tasks_giver_status', ['giver_id', 'status'], unique=False)
        batch_op.create_index('ix_tasks_status_deadline', ['status', 'deadline_at'], unique=False)
        batch_op.create_index('ix_tasks_submission_status', ['submission_id', 'status'], unique=False)

    op.create_table('postings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('source_id', sa.BigInteger(), nullable=False),
    sa.Column('target_id', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.Enum('welcome', 'escrow', 'payout', 'refund', 'grant', name='postingkind', native_enum=False, length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('task_id', sa.BigInteger(), nullable=True),
    sa.Column('posted_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_postings_amount_positive')),
    sa.CheckConstraint('source_id <> target_id', name=op.f('ck_postings_distinct_accounts')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_postings_community_id_communities')),
    sa.ForeignKeyConstraint(['source_id'], ['accounts.id'], name=op.f('fk_postings_source_id_accounts')),
    sa.ForeignKeyConstraint(['target_id'], ['accounts.id'], name=op.f('fk_postings_target_id_accounts')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_postings_task_id_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postings')),
    sa.UniqueConstraint('key', name=op.f('uq_postings_key')),
    sa.UniqueConstraint('task_id', name=op.f('uq_postings_task_id'))
    )
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postings_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_target_id'), ['target_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_target_id'))
        batch_op.drop_index(batch_op.f('ix_postings_source_id'))

    op.drop_table('postings')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_submission_status')
        batch_op.drop_index('ix_tasks_status_deadline')
        batch_op.drop_index('ix_tasks_giver_status')
        batch_op.drop_index('ix_tasks_community_status')

    op.drop_table('tasks')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index('uq_submissions_open_content', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_submissions_owner_id'))
        batch_op.drop_index('ix_submissions_matching')

    op.drop_table('submissions')
    with op.batch_alter_table('ownership_proofs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ownership_proofs_member_id'))

    op.drop_table('ownership_proofs')
    with op.batch_alter_table('member_stats', schema=None) as batch_op:
        batch_op.drop_index('ix_member_stats_community_verified')

    op.drop_table('member_stats')
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channels_member_id'))

    op.drop_table('channels')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_community_at')

    op.drop_table('audit_log')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_telegram_user_id')

    op.drop_table('members')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_community_id'))

    op.drop_table('accounts')
    op.drop_table('communities')
