"""Stored audit trail of admin actions."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.domain.audit import AuditEntry


class SqlAuditRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: AuditEntry) -> None:
        self._session.add(entry)

    def recent(self, community_id: int, *, limit: int) -> Sequence[AuditEntry]:
        return self._session.scalars(
            sa.select(AuditEntry)
            .filter_by(community_id=community_id)
            .order_by(tables.audit_log.c.at.desc(), tables.audit_log.c.id.desc())
            .limit(limit)
        ).all()
