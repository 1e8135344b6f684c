"""Stored communities."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.domain.community import Community
from tgexchange.domain.ledger import AccountKind


class SqlCommunityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, community: Community) -> None:
        self._session.add(community)

    def find(self, community_id: int) -> Community | None:
        return self._session.get(Community, community_id)

    def find_by_chat(self, telegram_chat_id: int, *, for_update: bool = False) -> Community | None:
        query = sa.select(Community).filter_by(telegram_chat_id=telegram_chat_id)
        if for_update:
            query = query.with_for_update()
        return self._session.scalars(query).one_or_none()

    def list_all(self) -> Sequence[Community]:
        return self._session.scalars(sa.select(Community).order_by(sa.text("id"))).all()

    def remove_unused(self, community: Community) -> bool:
        community_id = community.id
        for table in (tables.members, tables.postings):
            if self._session.scalar(sa.select(table.c.id).where(table.c.community_id == community_id).limit(1)):
                return False
        accounts = tables.accounts
        issuance = sa.and_(accounts.c.kind == AccountKind.ISSUANCE, accounts.c.owner_id == community_id)
        self._session.execute(accounts.delete().where(issuance))
        self._session.delete(community)
        return True
