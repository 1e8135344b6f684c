"""the Telegram update whose link used an ownership code, so that the same update handled again
after a crash is answered as the proof it was, not read as a submission

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: added in place on every database (no table copy on SQLite).
    op.add_column('ownership_proofs', sa.Column('used_by_update', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place, as 0017 does.
    if op.get_context().dialect.name == 'sqlite':
        op.execute('ALTER TABLE ownership_proofs DROP COLUMN used_by_update')
    else:
        op.drop_column('ownership_proofs', 'used_by_update')
