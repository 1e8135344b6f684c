"""rings: groups that mostly serve each other, flagged with evidence, and who is in each

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('flagged', 'cleared', 'confirmed', name='ringstatus', native_enum=False, create_constraint=False, length=16), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('flagged_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_member_id', sa.BigInteger(), nullable=True),
    sa.Column('decided_by_label', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_rings_community_id_communities')),
    sa.ForeignKeyConstraint(['decided_by_member_id'], ['members.id'], name=op.f('fk_rings_decided_by_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rings'))
    )
    with op.batch_alter_table('rings', schema=None) as batch_op:
        batch_op.create_index('ix_rings_community_status', ['community_id', 'status'], unique=False)
    op.create_table('ring_members',
    sa.Column('ring_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_ring_members_member_id_members')),
    sa.ForeignKeyConstraint(['ring_id'], ['rings.id'], name=op.f('fk_ring_members_ring_id_rings')),
    sa.PrimaryKeyConstraint('ring_id', 'member_id', name=op.f('pk_ring_members'))
    )
    with op.batch_alter_table('ring_members', schema=None) as batch_op:
        batch_op.create_index('ix_ring_members_member', ['member_id', 'ring_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ring_members', schema=None) as batch_op:
        batch_op.drop_index('ix_ring_members_member')
    op.drop_table('ring_members')
    with op.batch_alter_table('rings', schema=None) as batch_op:
        batch_op.drop_index('ix_rings_community_status')
    op.drop_table('rings')
