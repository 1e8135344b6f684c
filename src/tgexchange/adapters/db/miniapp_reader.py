"""The Mini App's reads, with Core on one connection, like the bot's MemberReader: statements
built once, a deferred snapshot (no write lock on SQLite), no ORM objects. Every query reads by
an index keyed on the member (or the Telegram user): a member's page costs what their own
history holds, whatever the size of the exchange."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.engine import SINGLE_STATEMENT
from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.ledger import AccountKind, PostingKind
from tgexchange.domain.member import MemberRole, MemberStatus
from tgexchange.domain.submission import SubmissionStatus
from tgexchange.domain.task import TaskStatus
from tgexchange.services.ports import (
    AppMembership,
    CreditFlows,
    GivenLine,
    MemberActivity,
    OpenTaskLine,
    ReceivedFeedbackLine,
    ReceivedLine,
)

_m, _c, _a, _p, _s, _t = (
    tables.members,
    tables.communities,
    tables.accounts,
    tables.postings,
    tables.submissions,
    tables.tasks,
)
_MEMBER: sa.BindParameter[int] = sa.bindparam("member_id", type_=sa.BigInteger)
_OPEN = [TaskStatus.ASSIGNED.value, TaskStatus.SUBMITTED.value, TaskStatus.VERIFYING.value]
# A member holds at most 50 open tasks by the settings' own bound; the page lists at most this.
MAX_OPEN_TASKS = 50

_MEMBERSHIPS = (
    sa.select(
        _m.c.id,
        _m.c.community_id,
        _c.c.title,
        _m.c.display_name,
        _m.c.language,
        _m.c.role,
        _m.c.status,
        _c.c.is_paused,
        _c.c.pause_reason,
    )
    .join(_c, _c.c.id == _m.c.community_id)
    .where(_m.c.telegram_user_id == sa.bindparam("telegram_user_id", type_=sa.BigInteger))
    .order_by(_m.c.id)
)
_WALLET = sa.select(_a.c.id).where(_a.c.kind == AccountKind.MEMBER, _a.c.owner_id == _MEMBER)
_ACCOUNT: sa.BindParameter[int] = sa.bindparam("account_id", type_=sa.BigInteger)
_IN = (
    sa.select(_p.c.kind, sa.func.sum(_p.c.amount).label("amount")).where(_p.c.target_id == _ACCOUNT).group_by(_p.c.kind)
)
_OUT = (
    sa.select(_p.c.kind, sa.func.sum(_p.c.amount).label("amount")).where(_p.c.source_id == _ACCOUNT).group_by(_p.c.kind)
)
_HELD = (
    sa.select(sa.func.coalesce(sa.func.sum(_a.c.balance), 0))
    .select_from(_s.join(_a, sa.and_(_a.c.kind == AccountKind.ESCROW, _a.c.owner_id == _s.c.id)))
    .where(_s.c.owner_id == _MEMBER, _s.c.status == SubmissionStatus.OPEN)
)
_OPEN_TASKS = (
    sa.select(
        _t.c.id, _t.c.status, _t.c.platform, _s.c.title, _s.c.url, _t.c.credits, _t.c.assigned_at, _t.c.deadline_at
    )
    .join(_s, _s.c.id == _t.c.submission_id)
    .where(_t.c.giver_id == _MEMBER, _t.c.status.in_(_OPEN))
    .order_by(_t.c.deadline_at, _t.c.id)
    .limit(MAX_OPEN_TASKS)
)
_GIVEN = (
    sa.select(
        _t.c.id,
        _t.c.status,
        _t.c.reason,
        _t.c.platform,
        _s.c.title,
        _t.c.credits,
        _t.c.assigned_at,
        _t.c.decided_at,
    )
    .join(_s, _s.c.id == _t.c.submission_id)
    .where(_t.c.giver_id == _MEMBER)
    .order_by(_t.c.id.desc())
    .limit(sa.bindparam("given"))
)
_SUBMISSIONS = (
    sa.select(
        _s.c.id,
        _s.c.status,
        _s.c.platform,
        _s.c.title,
        _s.c.url,
        _s.c.feedback_wanted,
        _s.c.tasks_verified,
        _s.c.created_at,
    )
    .where(_s.c.owner_id == _MEMBER)
    .order_by(_s.c.id.desc())
    .limit(sa.bindparam("submissions"))
)
_FEEDBACK = (
    sa.select(_t.c.id, _t.c.submission_id, _m.c.display_name, _t.c.status, _t.c.reason, _t.c.decided_at)
    .join(_m, _m.c.id == _t.c.giver_id)
    .where(_t.c.submission_id.in_(sa.bindparam("submission_ids", expanding=True)))
    .order_by(_t.c.id)
)
_SETTINGS = sa.select(_c.c.settings).where(_c.c.id == sa.bindparam("community_id", type_=sa.BigInteger))


def _sums(rows: Any) -> dict[PostingKind, int]:
    return {PostingKind(row.kind): int(row.amount or 0) for row in rows}


class SqlMiniAppReader:
    """Implements the MiniAppReader port."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def memberships(self, telegram_user_id: int) -> list[AppMembership]:
        with self._engine.connect() as opened:
            connection = opened.execution_options(sqlite_begin=SINGLE_STATEMENT)
            rows = connection.execute(_MEMBERSHIPS, {"telegram_user_id": telegram_user_id}).all()
        return [
            AppMembership(
                member_id=int(row.id),
                community_id=int(row.community_id),
                community_title=row.title,
                display_name=row.display_name,
                language=row.language,
                is_admin=row.role == MemberRole.ADMIN,
                status=MemberStatus(row.status),
                is_paused=bool(row.is_paused),
                pause_reason=row.pause_reason,
            )
            for row in rows
        ]

    def activity(self, member_id: int, *, given: int, submissions: int) -> MemberActivity:
        member = {"member_id": member_id}
        with self._engine.connect() as opened:
            connection = opened.execution_options(sqlite_begin="DEFERRED")
            account_id = connection.execute(_WALLET, member).scalar_one_or_none()
            credits = CreditFlows()
            if account_id is not None:
                account = {"account_id": account_id}
                credits = CreditFlows(
                    received=_sums(connection.execute(_IN, account)),
                    spent=_sums(connection.execute(_OUT, account)),
                    held=int(connection.execute(_HELD, member).scalar_one()),
                )
            open_tasks = connection.execute(_OPEN_TASKS, member).all()
            given_rows = connection.execute(_GIVEN, {**member, "given": given}).all()
            own = connection.execute(_SUBMISSIONS, {**member, "submissions": submissions}).all()
            feedback = connection.execute(_FEEDBACK, {"submission_ids": [row.id for row in own]}).all() if own else []
        by_submission: dict[int, list[ReceivedFeedbackLine]] = {}
        for row in feedback:
            by_submission.setdefault(int(row.submission_id), []).append(
                ReceivedFeedbackLine(
                    task_id=int(row.id),
                    giver=row.display_name,
                    status=TaskStatus(row.status),
                    reason=row.reason,
                    decided_at=row.decided_at,
                )
            )
        return MemberActivity(
            credits=credits,
            open_tasks=[
                OpenTaskLine(
                    id=int(row.id),
                    status=TaskStatus(row.status),
                    platform=Platform(row.platform),
                    title=row.title,
                    url=row.url,
                    credits=int(row.credits),
                    assigned_at=row.assigned_at,
                    deadline_at=row.deadline_at,
                )
                for row in open_tasks
            ],
            given=[
                GivenLine(
                    id=int(row.id),
                    status=TaskStatus(row.status),
                    reason=row.reason,
                    platform=Platform(row.platform),
                    title=row.title,
                    credits=int(row.credits),
                    assigned_at=row.assigned_at,
                    decided_at=row.decided_at,
                )
                for row in given_rows
            ],
            received=[
                ReceivedLine(
                    submission_id=int(row.id),
                    status=SubmissionStatus(row.status),
                    platform=Platform(row.platform),
                    title=row.title,
                    url=row.url,
                    feedback_wanted=int(row.feedback_wanted),
                    tasks_verified=int(row.tasks_verified),
                    created_at=row.created_at,
                    feedback=by_submission.get(int(row.id), []),
                )
                for row in own
            ],
        )

    def settings(self, community_id: int) -> CommunitySettings | None:
        with self._engine.connect() as opened:
            connection = opened.execution_options(sqlite_begin=SINGLE_STATEMENT)
            found = connection.execute(_SETTINGS, {"community_id": community_id}).scalar_one_or_none()
        return found if isinstance(found, CommunitySettings) else None
