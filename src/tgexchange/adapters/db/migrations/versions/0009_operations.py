"""operations: the global kill switch, its log, anomalies, daily reports, workers; notices to operators

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kill_switch',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('since', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=128), nullable=False),
    sa.Column('anomaly_id', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_kill_switch_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kill_switch'))
    )
    op.create_table('kill_switch_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('held_s', sa.BigInteger(), nullable=True),
    sa.Column('anomaly_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kill_switch_log_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kill_switch_log'))
    )
    with op.batch_alter_table('kill_switch_log', schema=None) as batch_op:
        batch_op.create_index('ix_kill_switch_log_at', ['at'], unique=False)
    op.create_table('anomalies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('open_key', sa.String(length=160), nullable=True),
    sa.Column('severity', sa.Float(), nullable=False),
    sa.Column('peak_severity', sa.Float(), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=True),
    sa.Column('platform', sa.String(length=16), nullable=True),
    sa.Column('job', sa.String(length=64), nullable=True),
    sa.Column('first_seen', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_anomalies_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anomalies')),
    sa.UniqueConstraint('open_key', name=op.f('uq_anomalies_open_key'))
    )
    with op.batch_alter_table('anomalies', schema=None) as batch_op:
        batch_op.create_index('ix_anomalies_first_seen', ['first_seen'], unique=False)
    op.create_table('daily_reports',
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sent_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_daily_reports_community_id_communities')),
    sa.PrimaryKeyConstraint('community_id', 'day', name=op.f('pk_daily_reports'))
    )
    op.create_table('workers',
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('threads', sa.Integer(), nullable=False),
    sa.Column('started_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_workers'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('telegram_user_id', sa.BigInteger(), nullable=True))
        batch_op.alter_column('member_id', existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    # Notices to operators have no member: they cannot survive the NOT NULL coming back.
    op.execute('DELETE FROM outbox WHERE member_id IS NULL')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('member_id', existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column('telegram_user_id')
    op.drop_table('workers')
    op.drop_table('daily_reports')
    with op.batch_alter_table('anomalies', schema=None) as batch_op:
        batch_op.drop_index('ix_anomalies_first_seen')
    op.drop_table('anomalies')
    with op.batch_alter_table('kill_switch_log', schema=None) as batch_op:
        batch_op.drop_index('ix_kill_switch_log_at')
    op.drop_table('kill_switch_log')
    op.drop_table('kill_switch')
