"""webhook inbox: updates stored before Telegram is answered, leased while handled, marked done;
the update that took a task or made a submission, so that handling it twice does it once

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhook_inbox',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('received_at', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done_at', types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_webhook_inbox'))
    )
    with op.batch_alter_table('webhook_inbox', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_inbox_pending', ['done_at', 'claimed_until'], unique=False)
    # Nullable columns: added in place on every database (no table copy on SQLite).
    for table in ('tasks', 'submissions'):
        op.add_column(table, sa.Column('update_id', sa.BigInteger(), nullable=True))
        op.create_index(f'uq_{table}_update_id', table, ['update_id'], unique=True)


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; a batch copy would have to drop "tasks" and
    # "submissions", which other tables' foreign keys refuse once there is data.
    for table in ('submissions', 'tasks'):
        op.drop_index(f'uq_{table}_update_id', table_name=table)
        if op.get_context().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE {table} DROP COLUMN update_id')
        else:
            op.drop_column(table, 'update_id')
    with op.batch_alter_table('webhook_inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_inbox_pending')
    op.drop_table('webhook_inbox')
