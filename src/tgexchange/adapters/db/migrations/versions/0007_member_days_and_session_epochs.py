"""member days and dashboard session epochs

``rollup_member_daily`` counts each member's tasks per UTC day (kept in the same transaction as
the task transitions, like the rollups of 0004), so the dashboard's members ranking can follow a
period; it is computed from the existing tasks at the end of the upgrade. ``dashboard_sessions``
keeps each Telegram user's session epoch: a session cookie is honoured only in the current one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dashboard_sessions',
    sa.Column('telegram_user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('epoch', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('telegram_user_id', name=op.f('pk_dashboard_sessions'))
    )
    op.create_table('rollup_member_daily',
    sa.Column('community_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('tasks_taken', sa.BigInteger(), nullable=False),
    sa.Column('verified', sa.BigInteger(), nullable=False),
    sa.Column('rejected', sa.BigInteger(), nullable=False),
    sa.Column('expired', sa.BigInteger(), nullable=False),
    sa.Column('skipped', sa.BigInteger(), nullable=False),
    sa.Column('feedback_received', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_rollup_member_daily_community_id_communities')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_rollup_member_daily_member_id_members')),
    sa.PrimaryKeyConstraint('community_id', 'day', 'member_id', name=op.f('pk_rollup_member_daily')),
    sqlite_with_rowid=False,
    )
    # Today's rebuild code: if a later migration reshapes this table, freeze a copy here.
    from tgexchange.adapters.db.rollup import rebuild_member_days

    rebuild_member_days(op.get_bind())


def downgrade() -> None:
    op.drop_table('rollup_member_daily')
    op.drop_table('dashboard_sessions')
