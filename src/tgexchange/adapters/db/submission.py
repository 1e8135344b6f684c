"""Stored submissions (the candidate query that matching scores is in matching.py)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tgexchange.adapters.db import matching, tables
from tgexchange.domain.content import Platform
from tgexchange.domain.matching import Candidate
from tgexchange.domain.submission import Submission, SubmissionStatus

_s = tables.submissions
_m = tables.members
_ms = tables.member_stats
_t = tables.tasks


class SqlSubmissionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, submission: Submission) -> None:
        self._session.add(submission)

    def find(self, submission_id: int, *, for_update: bool = False) -> Submission | None:
        return self._session.get(Submission, submission_id, with_for_update=for_update or None)

    def find_open_by_content(self, community_id: int, platform: Platform, content_id: str) -> Submission | None:
        return self._session.scalars(
            sa.select(Submission).filter_by(
                community_id=community_id, platform=platform, content_id=content_id, status=SubmissionStatus.OPEN
            )
        ).first()

    def list_for_owner(self, owner_id: int, *, limit: int = 20) -> Sequence[Submission]:
        return self._session.scalars(
            sa.select(Submission).filter_by(owner_id=owner_id).order_by(_s.c.id.desc()).limit(limit)
        ).all()

    def candidates(
        self, *, community_id: int, giver_id: int, platforms: frozenset[Platform], limit: int
    ) -> Sequence[Candidate]:
        return matching.candidates(
            self._session, community_id=community_id, giver_id=giver_id, platforms=platforms, limit=limit
        )
