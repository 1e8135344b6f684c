"""fair play on the dashboard: the operator's reads across every community by time, not by scan

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fair_play_events', schema=None) as batch_op:
        batch_op.create_index('ix_fair_play_events_at_kind', ['at', 'kind'], unique=False)
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index('ix_appeals_status_created', ['status', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index('ix_appeals_status_created')
    with op.batch_alter_table('fair_play_events', schema=None) as batch_op:
        batch_op.drop_index('ix_fair_play_events_at_kind')
