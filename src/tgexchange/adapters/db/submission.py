"""Stored submissions (the candidate query that matching scores is in matching.py)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tgexchange.adapters.db import matching, tables
from tgexchange.adapters.db.mapping import find_by_id
from tgexchange.domain.content import Platform
from tgexchange.domain.matching import Candidate
from tgexchange.domain.submission import Submission, SubmissionStatus

_s = tables.submissions
_m = tables.members
_ms = tables.member_stats
_t = tables.tasks


@functools.cache
def _open_by_content() -> sa.Select[Any]:
    """Built once, on first use (Submission is mapped by then): every submission checks it twice."""
    return sa.select(Submission).where(
        _s.c.community_id == sa.bindparam("community_id", type_=sa.BigInteger),
        _s.c.platform == sa.bindparam("platform"),
        _s.c.content_id == sa.bindparam("content_id"),
        _s.c.status == SubmissionStatus.OPEN,
    )


class SqlSubmissionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, submission: Submission) -> None:
        self._session.add(submission)

    def find(self, submission_id: int, *, for_update: bool = False) -> Submission | None:
        return find_by_id(self._session, Submission, submission_id, for_update=for_update)

    def find_open_by_content(self, community_id: int, platform: Platform, content_id: str) -> Submission | None:
        return self._session.scalars(
            _open_by_content(), {"community_id": community_id, "platform": platform, "content_id": content_id}
        ).first()

    def find_by_update(self, update_id: int) -> Submission | None:
        return self._session.scalars(sa.select(Submission).where(_s.c.update_id == update_id)).first()

    def list_for_owner(self, owner_id: int, *, limit: int = 20) -> Sequence[Submission]:
        return self._session.scalars(
            sa.select(Submission).filter_by(owner_id=owner_id).order_by(_s.c.id.desc()).limit(limit)
        ).all()

    def candidates(
        self,
        *,
        community_id: int,
        giver_id: int,
        platforms: frozenset[Platform],
        limit: int,
        holds_made_after: datetime | None = None,
    ) -> Sequence[Candidate]:
        return matching.candidates(
            self._session,
            community_id=community_id,
            giver_id=giver_id,
            platforms=platforms,
            limit=limit,
            holds_made_after=holds_made_after,
        )
