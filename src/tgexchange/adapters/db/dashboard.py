"""Stored dashboard login links (kept as digests, redeemed by one atomic UPDATE) and each user's
session epoch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables

_links = tables.dashboard_logins
_sessions = tables.dashboard_sessions


class SqlLoginLinkRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, token_digest: str, telegram_user_id: int, created_at: datetime, expires_at: datetime) -> None:
        self._session.execute(
            _links.insert().values(
                token_digest=token_digest,
                telegram_user_id=telegram_user_id,
                created_at=created_at,
                expires_at=expires_at,
            )
        )

    def redeem(self, token_digest: str, *, now: datetime) -> int | None:
        # One statement decides: of two concurrent redemptions, the second finds used_at set.
        return self._session.execute(
            _links.update()
            .where(_links.c.token_digest == token_digest, _links.c.used_at.is_(None), _links.c.expires_at > now)
            .values(used_at=now)
            .returning(_links.c.telegram_user_id)
        ).scalar_one_or_none()

    def purge(self, *, before: datetime) -> int:
        result = self._session.execute(_links.delete().where(_links.c.expires_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    def next_session_epoch(self, telegram_user_id: int) -> int:
        # One upsert: two logins racing each get their own epoch; the later one wins.
        dialect = self._session.get_bind().dialect.name
        insert: Any = postgresql.insert(_sessions) if dialect == "postgresql" else sqlite.insert(_sessions)
        statement = (
            insert.values(telegram_user_id=telegram_user_id, epoch=1)
            .on_conflict_do_update(index_elements=["telegram_user_id"], set_={"epoch": _sessions.c.epoch + 1})
            .returning(_sessions.c.epoch)
        )
        return int(self._session.execute(statement).scalar_one())
