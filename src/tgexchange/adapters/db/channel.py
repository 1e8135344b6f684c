"""Stored channels and ownership proofs."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.domain.channel import Channel, OwnershipProof
from tgexchange.domain.content import Platform


@functools.cache
def _of_member() -> sa.Select[Any]:
    """Built once, on first use (Channel is mapped by then): asking for a task, submitting and every
    verification pass read a member's channels."""
    return (
        sa.select(Channel)
        .where(tables.channels.c.member_id == sa.bindparam("member_id", type_=sa.BigInteger))
        .order_by(tables.channels.c.id)
    )


class SqlChannelRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, channel: Channel) -> None:
        self._session.add(channel)

    def list_for_member(self, member_id: int) -> Sequence[Channel]:
        return self._session.scalars(_of_member(), {"member_id": member_id}).all()

    def find_by_platform_id(self, community_id: int, platform: Platform, channel_id: str) -> Channel | None:
        return self._session.scalars(
            sa.select(Channel).filter_by(community_id=community_id, platform=platform, channel_id=channel_id)
        ).one_or_none()


class SqlProofRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, proof: OwnershipProof) -> None:
        self._session.add(proof)

    def find_latest(self, member_id: int, platform: Platform | None = None) -> OwnershipProof | None:
        query = sa.select(OwnershipProof).filter_by(member_id=member_id)
        if platform is not None:
            query = query.filter_by(platform=platform)
        return self._session.scalars(query.order_by(tables.ownership_proofs.c.id.desc()).limit(1)).first()
