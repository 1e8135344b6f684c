"""A member's own numbers for the bot (/balance, /me), read with Core on one connection.

These are the bot's most frequent reads; through a unit of work each paid for a session, the
write lock (every unit of work on SQLite begins IMMEDIATE) and ORM objects nobody changes
(bench/bot.py: /me cost 0.90 ms that way, see docs/BENCHMARKS.md). The statements are built
once, so SQLAlchemy compiles each of them once; on SQLite they run on the driver's connection
(sqlite_query.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.engine import SINGLE_STATEMENT
from tgexchange.adapters.db.fair_play import (
    PENALTIES_WITH_APPEALS,
    RATINGS_RECEIVED,
    penalties_of,
    read_penalties,
    standing_of,
)
from tgexchange.adapters.db.sqlite_query import SqliteQuery, single, snapshot
from tgexchange.domain.ledger import AccountKind
from tgexchange.domain.reliability import MemberStats
from tgexchange.services.ports import ChannelLine, MemberReport, MemberStanding, TaskLine

_m, _a, _s, _c, _t = tables.members, tables.accounts, tables.member_stats, tables.channels, tables.tasks
_rs = tables.rating_summaries
_STATS = ("tasks_taken", "verified", "rejected", "expired", "skipped", "feedback_received")
_MEMBER: sa.BindParameter[int] = sa.bindparam("member_id", type_=sa.BigInteger)

_WALLET = _m.outerjoin(_a, sa.and_(_a.c.kind == AccountKind.MEMBER, _a.c.owner_id == _m.c.id))
_SUMMARY = ("ratings", "specific_sum", "specific_count", "actionable_sum", "actionable_count", "respectful_sum",
            "respectful_count")  # fmt: skip

# Each statement reads the member row joined with everything that is at most one row per member
# (wallet, counters, published ratings) and outer-joined with their channels: one row per channel,
# or one with NULL channel columns. The member row decides "no such member"; the wallet, the
# counters and the summary may be missing (a member stored before any of them existed reads as
# zero). One statement where there were two to four: each costs more in SQLAlchemy's execution
# layer than in SQLite, and /balance and /me are most of what members send (bench/bot.py).
_REPORT_HEAD = (
    sa.select(
        _a.c.balance,
        *[_s.c[name] for name in _STATS],
        *[_rs.c[name] for name in _SUMMARY],
        RATINGS_RECEIVED,
        _c.c.platform,
        _c.c.channel_id,
        _c.c.name,
    )
    .select_from(
        _WALLET.outerjoin(_s, _s.c.member_id == _m.c.id)
        .outerjoin(_rs, _rs.c.member_id == _m.c.id)
        .outerjoin(_c, _c.c.member_id == _m.c.id)
    )
    .where(_m.c.id == _MEMBER)
    .order_by(_c.c.id)
)
_BALANCE = sa.select(_a.c.balance).select_from(_WALLET).where(_m.c.id == _MEMBER)
_ANY_MEMBERSHIP = (
    sa.select(_m.c.id).where(_m.c.telegram_user_id == sa.bindparam("user_id", type_=sa.BigInteger)).limit(1)
)
_BALANCE_AND_LINKED = (
    sa.select(_a.c.balance, _c.c.platform)
    .select_from(_WALLET.outerjoin(_c, _c.c.member_id == _m.c.id))
    .where(_m.c.id == _MEMBER)
)
_RECENT_TASKS = (
    sa.select(_t.c.id, _t.c.status, _t.c.assigned_at, _t.c.decided_at)
    .where(_t.c.giver_id == _MEMBER)
    .order_by(_t.c.id.desc())
    .limit(sa.bindparam("history"))
)


class SqlMemberReader:
    """Implements the MemberReader port. A call of several queries reads in one deferred
    transaction (a consistent snapshot on SQLite's WAL), one query alone needs none; neither
    holds a writer back."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # On SQLite the reads go straight to the driver (see sqlite_query.py); elsewhere through
        # SQLAlchemy (on PostgreSQL the network round trip outweighs its execution layer).
        self._sqlite = _SqliteReads(engine) if engine.dialect.name == "sqlite" else None

    def balance(self, member_id: int) -> int | None:
        if self._sqlite is not None:
            with single(self._engine) as driver:
                rows = self._sqlite.balance.rows(driver, {"member_id": member_id})
            return None if not rows else int(rows[0].balance or 0)
        with self._engine.connect() as connection:
            found = (
                connection.execution_options(sqlite_begin=SINGLE_STATEMENT)
                .execute(_BALANCE, {"member_id": member_id})
                .first()
            )
        return None if found is None else int(found.balance or 0)

    def has_memberships(self, telegram_user_id: int) -> bool:
        if self._sqlite is not None:
            with single(self._engine) as driver:
                return bool(self._sqlite.any_membership.rows(driver, {"user_id": telegram_user_id}))
        with self._engine.connect() as connection:
            return connection.execute(_ANY_MEMBERSHIP, {"user_id": telegram_user_id}).first() is not None

    def standing(self, member_id: int) -> MemberStanding | None:
        rows: Sequence[Any]
        if self._sqlite is not None:
            with single(self._engine) as driver:
                rows = self._sqlite.standing.rows(driver, {"member_id": member_id})
        else:
            with self._engine.connect() as connection:
                rows = connection.execute(_BALANCE_AND_LINKED, {"member_id": member_id}).all()
        if not rows:
            return None
        linked = frozenset(row.platform for row in rows if row.platform is not None)
        return MemberStanding(balance=int(rows[0].balance or 0), linked=linked)

    def report(self, member_id: int, *, history: int, fair_play: bool = False) -> MemberReport | None:
        rows: Sequence[Any]
        tasks: Sequence[Any]
        params = {"member_id": member_id, "history": history}
        if self._sqlite is not None:
            reads = self._sqlite
            with snapshot(self._engine) as driver:
                rows = reads.head.rows(driver, params)
                if not rows:
                    return None
                tasks = reads.tasks.rows(driver, params)
                found_penalties = reads.penalties.rows(driver, params) if fair_play else None
            penalties = None if found_penalties is None else penalties_of(found_penalties)
        else:
            with self._engine.connect() as opened:
                connection = opened.execution_options(sqlite_begin="DEFERRED")
                rows = connection.execute(_REPORT_HEAD, {"member_id": member_id}).all()
                if not rows:
                    return None
                tasks = connection.execute(_RECENT_TASKS, params).all()
                penalties = read_penalties(connection, member_id) if fair_play else None
        found = rows[0]
        return MemberReport(
            balance=int(found.balance or 0),
            stats=MemberStats(**{name: int(getattr(found, name) or 0) for name in _STATS}),
            channels=[
                ChannelLine(platform=c.platform, channel_id=c.channel_id, name=c.name)
                for c in rows
                if c.platform is not None
            ],
            recent_tasks=[
                TaskLine(id=t.id, status=t.status, assigned_at=t.assigned_at, decided_at=t.decided_at) for t in tasks
            ],
            fair_play=None if penalties is None else standing_of(penalties, found, found.ratings_received),
        )


class _SqliteReads:
    """The reader's statements compiled for SQLite's driver."""

    def __init__(self, engine: Engine) -> None:
        dialect = engine.dialect
        self.balance = SqliteQuery(_BALANCE, dialect)
        self.any_membership = SqliteQuery(_ANY_MEMBERSHIP, dialect)
        self.standing = SqliteQuery(_BALANCE_AND_LINKED, dialect)
        self.head = SqliteQuery(_REPORT_HEAD, dialect)
        self.tasks = SqliteQuery(_RECENT_TASKS, dialect)
        self.penalties = SqliteQuery(PENALTIES_WITH_APPEALS, dialect)
