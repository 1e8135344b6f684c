"""dashboard: rollups, login links, and indexes for the recent-failures view

The rollups are computed from the existing tasks at the end of the upgrade, so data created
before this migration is counted (the same rebuild as ``tgexchange rollups rebuild``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dashboard_logins',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('telegram_user_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_logins')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_dashboard_logins_token_digest'))
    )
    with op.batch_alter_table('dashboard_logins', schema=None) as batch_op:
        batch_op.create_index('ix_dashboard_logins_expires_at', ['expires_at'], unique=False)

    op.create_table('rollup_daily',
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('platform', sa.Enum('youtube', 'tiktok', 'instagram', name='platform', native_enum=False, length=16), nullable=False),
    sa.Column('assigned', sa.BigInteger(), nullable=False),
    sa.Column('verified', sa.BigInteger(), nullable=False),
    sa.Column('rejected', sa.BigInteger(), nullable=False),
    sa.Column('expired', sa.BigInteger(), nullable=False),
    sa.Column('skipped', sa.BigInteger(), nullable=False),
    sa.Column('cancelled', sa.BigInteger(), nullable=False),
    sa.Column('credits_moved', sa.BigInteger(), nullable=False),
    sa.Column('verify_s', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_rollup_daily_community_id_communities')),
    sa.PrimaryKeyConstraint('community_id', 'day', 'platform', name=op.f('pk_rollup_daily'))
    )
    with op.batch_alter_table('rollup_daily', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_daily_day', ['day'], unique=False)

    op.create_table('rollup_rejections',
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('hour', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('rejected', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_rollup_rejections_community_id_communities')),
    sa.PrimaryKeyConstraint('community_id', 'hour', 'reason', name=op.f('pk_rollup_rejections'))
    )
    with op.batch_alter_table('rollup_rejections', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_rejections_hour', ['hour'], unique=False)

    op.create_table('rollup_rejections_all',
    sa.Column('hour', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('rejected', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('hour', 'reason', name=op.f('pk_rollup_rejections_all'))
    )
    op.create_table('rollup_totals',
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('platform', sa.Enum('youtube', 'tiktok', 'instagram', name='platform', native_enum=False, length=16), nullable=False),
    sa.Column('assigned', sa.BigInteger(), nullable=False),
    sa.Column('verified', sa.BigInteger(), nullable=False),
    sa.Column('rejected', sa.BigInteger(), nullable=False),
    sa.Column('expired', sa.BigInteger(), nullable=False),
    sa.Column('skipped', sa.BigInteger(), nullable=False),
    sa.Column('cancelled', sa.BigInteger(), nullable=False),
    sa.Column('credits_moved', sa.BigInteger(), nullable=False),
    sa.Column('verify_s', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_rollup_totals_community_id_communities')),
    sa.PrimaryKeyConstraint('community_id', 'platform', name=op.f('pk_rollup_totals'))
    )
    with op.batch_alter_table('member_stats', schema=None) as batch_op:
        batch_op.create_index('ix_member_stats_verified', ['verified', 'member_id'], unique=False)

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_community_status_decided', ['community_id', 'status', 'decided_at', 'id'], unique=False)
        batch_op.create_index('ix_tasks_status_decided', ['status', 'decided_at', 'id'], unique=False)

    # Today's rebuild code: if a later migration reshapes these tables, freeze a copy of this
    # rebuild here as it was at that point.
    from tgexchange.adapters.db.rollup import rebuild_rollups

    rebuild_rollups(op.get_bind(), member_days=False)  # their table comes with 0007


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_status_decided')
        batch_op.drop_index('ix_tasks_community_status_decided')

    with op.batch_alter_table('member_stats', schema=None) as batch_op:
        batch_op.drop_index('ix_member_stats_verified')

    op.drop_table('rollup_totals')
    op.drop_table('rollup_rejections_all')
    with op.batch_alter_table('rollup_rejections', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_rejections_hour')

    op.drop_table('rollup_rejections')
    with op.batch_alter_table('rollup_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_daily_day')

    op.drop_table('rollup_daily')
    with op.batch_alter_table('dashboard_logins', schema=None) as batch_op:
        batch_op.drop_index('ix_dashboard_logins_expires_at')

    op.drop_table('dashboard_logins')
