"""the community a user chose for the private chat, kept on their membership so that every
webhook process acts in it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tgexchange.adapters.db.types as types

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: added in place on every database (no table copy on SQLite).
    op.add_column('members', sa.Column('chosen_at', types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; a batch copy would have to drop "members", which
    # other tables' foreign keys refuse once there is data.
    if op.get_context().dialect.name == 'sqlite':
        op.execute('ALTER TABLE members DROP COLUMN chosen_at')
    else:
        op.drop_column('members', 'chosen_at')
