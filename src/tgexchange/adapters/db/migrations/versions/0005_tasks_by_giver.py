"""tasks by giver, newest first: the index /me's recent history reads

Without it a member's recent tasks were found through ``ix_tasks_giver_status`` and then sorted,
all of them, on every /me; with it the latest few are read straight off the index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_giver_id', ['giver_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_giver_id')
