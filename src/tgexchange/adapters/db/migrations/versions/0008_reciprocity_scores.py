"""reciprocity scores: each member's predicted chance of giving back, per platform

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reciprocity_scores',
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('platform', sa.Enum('youtube', 'tiktok', 'instagram', name='platform', native_enum=False, length=16), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('model_version', sa.String(length=64), nullable=False),
    sa.Column('computed_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_reciprocity_scores_member_id_members')),
    sa.PrimaryKeyConstraint('member_id', 'platform', name=op.f('pk_reciprocity_scores'))
    )


def downgrade() -> None:
    op.drop_table('reciprocity_scores')
