"""Maps the domain's classes onto the tables (imperative mapping: the domain imports no ORM)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import registry

from tgexchange.adapters.db import tables
from tgexchange.domain.audit import AuditEntry
from tgexchange.domain.channel import Channel, OwnershipProof
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
from tgexchange.domain.stored import Stored
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task

mapper_registry = registry()
_started = False


def _give_events_list(target: Any, _context: Any) -> None:
    # Loaded objects skip __init__, which is where new ones get their events list.
    target.events = []


def start_mappers() -> None:
    """Idempotent: maps each domain class once per process."""
    global _started  # noqa: PLW0603 - mapping is process-wide by nature
    if _started:
        return
    _started = True
    # The id column fills the private ``_id``; entities expose it as a read-only ``int`` (Stored).
    plain: tuple[tuple[type[Stored], sa.Table], ...] = (
        (Community, tables.communities),
        (Member, tables.members),
        (Channel, tables.channels),
        (OwnershipProof, tables.ownership_proofs),
        (AuditEntry, tables.audit_log),
    )
    for cls, table in plain:
        mapper_registry.map_imperatively(cls, table, properties={"_id": table.c.id})
    versioned: tuple[tuple[type[Stored], sa.Table], ...] = ((Submission, tables.submissions), (Task, tables.tasks))
    for cls, table in versioned:
        mapper_registry.map_imperatively(cls, table, properties={"_id": table.c.id}, version_id_col=table.c.version)
    for cls in (Member, Submission, Task):
        event.listen(cls, "load", _give_events_list)
