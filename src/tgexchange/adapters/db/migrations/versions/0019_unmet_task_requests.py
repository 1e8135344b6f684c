"""the hours in which a member asked for a task and none was there, so that a member on a platform
with little content keeps pace with those who find tasks (domain/pace.py)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unmet_task_requests',
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('hour', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_unmet_task_requests_community_id_communities')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_unmet_task_requests_member_id_members')),
    sa.PrimaryKeyConstraint('member_id', 'hour', name=op.f('pk_unmet_task_requests'))
    )
    with op.batch_alter_table('unmet_task_requests', schema=None) as batch_op:
        batch_op.create_index('ix_unmet_task_requests_community_hour', ['community_id', 'hour'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unmet_task_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_unmet_task_requests_community_hour')
    op.drop_table('unmet_task_requests')
