"""Maps the domain's classes onto the tables (imperative mapping: the domain imports no ORM)."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, registry
from sqlalchemy.orm.util import identity_key

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
S = TypeVar("S", bound=Stored)
_VERSIONED: dict[type[Stored], sa.Table] = {Submission: tables.submissions, Task: tables.tasks}
_BY_ID: dict[type[Stored], sa.Select[Any]] = {}


def _give_events_list(target: Any, _context: Any) -> None:
    # Loaded objects skip __init__, which is where new ones get their events list.
    target.events = []


_EXCHANGE_PAUSE = "exchange_pause"
KILL_SWITCH_ROW = 1
# Built once: every unit of work that loads a community reads the switch (8% of the simulator's
# time went to building and cache-keying this statement again).
_READ_KILL_SWITCH = sa.select(tables.kill_switch).where(tables.kill_switch.c.id == KILL_SWITCH_ROW)


# Whether the switch is set at all, asked straight on SQLite's driver: every unit of work that loads
# a community asks (about 14,000 times in the simulator's 200-member, 30-day run) and the switch is
# nearly always off, while SQLAlchemy's execution layer cost several times SQLite's own look-up.
_IS_SWITCH_SET = "SELECT 1 FROM kill_switch WHERE id = 1"  # KILL_SWITCH_ROW, the only row it may have


def read_kill_switch(connection: sa.Connection) -> ExchangePause | None:
    """The global kill switch as this connection's transaction sees it."""
    if connection.dialect.driver == "pysqlite" and connection.in_transaction():
        # The same connection inside the transaction SQLAlchemy began (outside one, the driver
        # would answer from outside it), so both reads see one snapshot. Only the standard
        # library's sqlite3, whose execute answers at once (an async driver's would not).
        driver = connection.connection.driver_connection
        if driver is not None and driver.execute(_IS_SWITCH_SET).fetchone() is None:
            return None
    row = connection.execute(_READ_KILL_SWITCH).first()
    return None if row is None else ExchangePause(row.reason, row.since, row.by, row.anomaly_id)


def exchange_pause_in(session: Session) -> ExchangePause | None:
    """The global kill switch as this session's transaction sees it (read once per session)."""
    if _EXCHANGE_PAUSE not in session.info:
        session.info[_EXCHANGE_PAUSE] = read_kill_switch(session.connection())
    found: ExchangePause | None = session.info[_EXCHANGE_PAUSE]
    return found


def forget_exchange_pause(session: Session, pause: ExchangePause | None) -> None:
    """The session itself changed the switch: what it loads from now on sees the new state."""
    session.info[_EXCHANGE_PAUSE] = pause


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
    for cls, table in _VERSIONED.items():
        mapper_registry.map_imperatively(cls, table, properties={"_id": table.c.id}, version_id_col=table.c.version)
    for cls in (Member, Submission, Task):
        event.listen(cls, "load", _give_events_list)
    event.listen(Community, "load", _give_exchange_pause)


def _by_id(cls: type[Stored]) -> sa.Select[Any]:
    """``SELECT <cls> WHERE id = :id``, built once per class (after mapping)."""
    statement = _BY_ID.get(cls)
    if statement is None:
        statement = _BY_ID[cls] = sa.select(cls).where(_VERSIONED[cls].c.id == sa.bindparam("id", type_=sa.BigInteger))
    return statement


def find_by_id(session: Session, cls: type[S], entity_id: int, *, for_update: bool) -> S | None:
    """``Session.get`` for the tasks and submissions use cases lock and change, without building
    its statement on every call (a twelfth of the simulator's time went to these look-ups). On
    PostgreSQL ``for_update`` locks the row (``SELECT … FOR UPDATE``, read again and its version
    checked, as ``get`` does). On SQLite every unit of work already holds the database's write
    lock from its first statement (``BEGIN IMMEDIATE``), so a row cannot change under it: an
    object this unit of work already loaded is current and is returned without reading it again."""
    if for_update and session.get_bind().dialect.name != "sqlite":
        return session.get(cls, entity_id, with_for_update=True)
    held: S | None = session.identity_map.get(identity_key(cls, entity_id))
    if held is not None:
        return held
    found: S | None = session.scalars(_by_id(cls), {"id": entity_id}).one_or_none()
    return found
