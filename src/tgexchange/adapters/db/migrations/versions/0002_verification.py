"""verification

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_failures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('platform', sa.Enum('youtube', 'tiktok', 'instagram', name='platform', native_enum=False, length=16), nullable=True),
    sa.Column('community_id', sa.BigInteger(), nullable=True),
    sa.Column('submission_id', sa.BigInteger(), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_job_failures_community_id_communities')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_job_failures_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_failures'))
    )
    with op.batch_alter_table('job_failures', schema=None) as batch_op:
        batch_op.create_index('ix_job_failures_at', ['at'], unique=False)

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_stage', sa.Enum('owner', 'dispute_window', 'admin', name='reviewstage', native_enum=False, length=16), nullable=True))
        batch_op.add_column(sa.Column('review_until', types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_check_at', types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_tasks_status_next_check', ['status', 'next_check_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_status_next_check')
        batch_op.drop_column('next_check_at')
        batch_op.drop_column('review_until')
        batch_op.drop_column('review_stage')

    with op.batch_alter_table('job_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_job_failures_at')

    op.drop_table('job_failures')
