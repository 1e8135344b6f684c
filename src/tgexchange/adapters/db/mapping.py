"""Maps the domain's classes onto the tables (imperative mapping: the domain imports no ORM)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import registry

from tgexchange.adapters.db import tables
from tgexchange.domain.audit import AuditEntry
from tgexchange.domain.channel import Channel, OwnershipProof
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
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
    mapper_registry.map_imperatively(Community, tables.communities)
    mapper_registry.map_imperatively(Member, tables.members)
    mapper_registry.map_imperatively(Channel, tables.channels)
    mapper_registry.map_imperatively(OwnershipProof, tables.ownership_proofs)
    mapper_registry.map_imperatively(Submission, tables.submissions, version_id_col=tables.submissions.c.version)
    mapper_registry.map_imperatively(Task, tables.tasks, version_id_col=tables.tasks.c.version)
    mapper_registry.map_imperatively(AuditEntry, tables.audit_log)
    for cls in (Submission, Task):
        event.listen(cls, "load", _give_events_list)
