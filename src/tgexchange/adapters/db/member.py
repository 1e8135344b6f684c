"""Stored members."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member, MemberRole

# Built once: building and hashing the statement cost as much as running it.
_SET_LANGUAGE = (
    tables.members.update()
    .where(tables.members.c.id == sa.bindparam("member_id"))
    .values(language=sa.bindparam("new_language"))
)


@functools.cache
def _with_community() -> sa.Select[Member, Community]:
    """Built once, on first use (the domain classes are mapped by then): every use case a member
    starts reads this first, and building the statement cost more than running it."""
    return (
        sa.select(Member, Community)
        .join(Community, tables.communities.c.id == tables.members.c.community_id)
        .where(tables.members.c.id == sa.bindparam("member_id", type_=sa.BigInteger))
    )


@functools.cache
def _by_users() -> sa.Select[Member]:
    members = tables.members
    return sa.select(Member).where(
        members.c.community_id == sa.bindparam("community_id", type_=sa.BigInteger),
        members.c.telegram_user_id.in_(sa.bindparam("users", expanding=True)),
    )


class SqlMemberRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, member: Member) -> None:
        self._session.add(member)

    def find(self, member_id: int) -> Member | None:
        return self._session.get(Member, member_id)

    def find_with_community(self, member_id: int) -> tuple[Member, Community] | None:
        row = self._session.execute(_with_community(), {"member_id": member_id}).first()
        return None if row is None else (row[0], row[1])

    def find_by_user(self, community_id: int, telegram_user_id: int) -> Member | None:
        found = self.find_by_users(community_id, [telegram_user_id])
        return found[0] if found else None

    def find_by_users(self, community_id: int, telegram_user_ids: Sequence[int]) -> Sequence[Member]:
        return self._session.scalars(
            _by_users(), {"community_id": community_id, "users": list(telegram_user_ids)}
        ).all()

    def find_by_username(self, community_id: int, username: str) -> Member | None:
        return self._session.scalars(
            sa.select(Member)
            .filter_by(community_id=community_id)
            .where(sa.func.lower(tables.members.c.username) == username.lower().removeprefix("@"))
            .order_by(tables.members.c.id)
            .limit(1)
        ).one_or_none()

    def list_for_user(self, telegram_user_id: int) -> Sequence[Member]:
        return self._session.scalars(
            sa.select(Member).filter_by(telegram_user_id=telegram_user_id).order_by(tables.members.c.id)
        ).all()

    def list_admins(self, community_id: int) -> Sequence[Member]:
        return self._session.scalars(
            sa.select(Member).filter_by(community_id=community_id, role=MemberRole.ADMIN).order_by(tables.members.c.id)
        ).all()

    def set_language(self, member_id: int, language: str) -> bool:
        # One UPDATE instead of loading the member: a language tap is frequent, and the member's
        # other fields take no part in it.
        result = self._session.execute(_SET_LANGUAGE, {"member_id": member_id, "new_language": language})
        return bool(result.rowcount)  # type: ignore[attr-defined]
