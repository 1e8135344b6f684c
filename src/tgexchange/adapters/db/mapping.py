"""Maps the domain's classes onto the tables (imperative mapping: the domain imports no ORM)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, registry

from tgexchange.adapters.db import tables
from tgexchange.domain.audit import AuditEntry
from tgexchange.domain.channel import Channel, OwnershipProof
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
from tgexchange.domain.operations import ExchangePause
from tgexchange.domain.stored import Stored
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task

mapper_registry = registry()
_started = False


def _give_events_list(target: Any, _context: Any) -> None:
    # Loaded objects skip __init__, which is where new ones get their events list.
    target.events = []


_EXCHANGE_PAUSE = "exchange_pause"


def exchange_pause_in(session: Session) -> ExchangePause | None:
    """The global kill switch as this session's transaction sees it (read once per session)."""
    if _EXCHANGE_PAUSE not in session.info:
        row = (
            session.connection()
            .execute(sa.select(tables.kill_switch).where(tables.kill_switch.c.id == KILL_SWITCH_ROW))
            .first()
        )
        session.info[_EXCHANGE_PAUSE] = (
            None if row is None else ExchangePause(row.reason, row.since, row.by, row.anomaly_id)
        )
    found: ExchangePause | None = session.info[_EXCHANGE_PAUSE]
    return found


def forget_exchange_pause(session: Session, pause: ExchangePause | None) -> None:
    """The session itself changed the switch: what it loads from now on sees the new state."""
    session.info[_EXCHANGE_PAUSE] = pause


KILL_SWITCH_ROW = 1


def _give_exchange_pause(target: Any, context: Any) -> None:
    # Every community loaded carries the global switch, so that Community.is_open and
    # ensure_open are the one place where "paused" (this community, or everything) is decided.
    target.exchange_pause = exchange_pause_in(context.session)


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
    event.listen(Community, "load", _give_exchange_pause)
