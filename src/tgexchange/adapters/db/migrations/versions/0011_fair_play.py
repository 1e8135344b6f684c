"""fair play: penalties with reasons and evidence, appeals, cooldown and admission events

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fair_play_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=True),
    sa.Column('telegram_user_id', sa.BigInteger(), nullable=True),
    sa.Column('until', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_fair_play_events_community_id_communities')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_fair_play_events_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_play_events'))
    )
    with op.batch_alter_table('fair_play_events', schema=None) as batch_op:
        batch_op.create_index('ix_fair_play_events_community_at', ['community_id', 'at'], unique=False)
        batch_op.create_index('ix_fair_play_events_member_at', ['member_id', 'at'], unique=False)

    op.create_table('penalties',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('task_ids', sa.JSON(), nullable=False),
    sa.Column('actor_member_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['actor_member_id'], ['members.id'], name=op.f('fk_penalties_actor_member_id_members')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_penalties_community_id_communities')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_penalties_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_penalties'))
    )
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.create_index('ix_penalties_member_created', ['member_id', 'created_at'], unique=False)

    op.create_table('appeals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('penalty_id', sa.BigInteger(), nullable=False),
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('created_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=128), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_appeals_community_id_communities')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_appeals_member_id_members')),
    sa.ForeignKeyConstraint(['penalty_id'], ['penalties.id'], name=op.f('fk_appeals_penalty_id_penalties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals')),
    sa.UniqueConstraint('penalty_id', name=op.f('uq_appeals_penalty_id'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index('ix_appeals_community_status', ['community_id', 'status'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index('ix_members_community_joined', ['community_id', 'joined_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_community_joined')

    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index('ix_appeals_community_status')

    op.drop_table('appeals')
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.drop_index('ix_penalties_member_created')

    op.drop_table('penalties')
    with op.batch_alter_table('fair_play_events', schema=None) as batch_op:
        batch_op.drop_index('ix_fair_play_events_member_at')
        batch_op.drop_index('ix_fair_play_events_community_at')

    op.drop_table('fair_play_events')
