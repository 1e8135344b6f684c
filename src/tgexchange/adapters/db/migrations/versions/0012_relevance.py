"""relevance: the topic of each submission (its content's public metadata) for the off-topic rule

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: added in place on every database (no table copy on SQLite).
    op.add_column('submissions', sa.Column('topic', types.TopicJSON(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; a batch copy of the table would have to drop
    # "submissions", which the tasks' foreign keys refuse once there is data.
    if op.get_context().dialect.name == 'sqlite':
        op.execute('ALTER TABLE submissions DROP COLUMN topic')
    else:
        op.drop_column('submissions', 'topic')
