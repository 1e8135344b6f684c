"""bot

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bot_updates',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('received_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_bot_updates'))
    )
    with op.batch_alter_table('bot_updates', schema=None) as batch_op:
        batch_op.create_index('ix_bot_updates_received_at', ['received_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('bot_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_bot_updates_received_at')

    op.drop_table('bot_updates')
