"""the wait for a pasted comment's text kept on its task, so that any webhook process takes the text

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: added in place on every database (no table copy on SQLite).
    op.add_column('tasks', sa.Column('text_asked_at', types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; a batch copy would have to drop "tasks", which other
    # tables' foreign keys refuse once there is data.
    if op.get_context().dialect.name == 'sqlite':
        op.execute('ALTER TABLE tasks DROP COLUMN text_asked_at')
    else:
        op.drop_column('tasks', 'text_asked_at')
