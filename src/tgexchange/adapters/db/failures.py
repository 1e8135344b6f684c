"""Stored record of why jobs could not finish their work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.domain.content import Platform

MAX_DETAIL = 500


class SqlFailureRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self,
        *,
        kind: str,
        job: str,
        detail: str,
        at: datetime,
        platform: Platform | None = None,
        community_id: int | None = None,
        submission_id: int | None = None,
    ) -> None:
        self._session.execute(
            tables.job_failures.insert().values(
                kind=kind,
                job=job,
                detail=detail[:MAX_DETAIL],
                at=at,
                platform=platform,
                community_id=community_id,
                submission_id=submission_id,
            )
        )
