"""One database transaction per use case, with every repository bound to it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from tgexchange.adapters.db.audit import SqlAuditRepository
from tgexchange.adapters.db.channel import SqlChannelRepository, SqlProofRepository
from tgexchange.adapters.db.community import SqlCommunityRepository
from tgexchange.adapters.db.dashboard import SqlLoginLinkRepository
from tgexchange.adapters.db.errors import is_unique_violation
from tgexchange.adapters.db.failures import SqlFailureRepository
from tgexchange.adapters.db.fair_play import SqlFairPlayRepository
from tgexchange.adapters.db.joining import SqlJoinRepository
from tgexchange.adapters.db.ledger import SqlLedgerRepository
from tgexchange.adapters.db.mapping import start_mappers
from tgexchange.adapters.db.member import SqlMemberRepository
from tgexchange.adapters.db.notifications import SqlNoticeRepository
from tgexchange.adapters.db.operations import SqlOperationsRepository
from tgexchange.adapters.db.rating import SqlRatingRepository
from tgexchange.adapters.db.stats import SqlStatsRepository
from tgexchange.adapters.db.submission import SqlSubmissionRepository
from tgexchange.adapters.db.task import SqlTaskRepository
from tgexchange.domain.events import Event
from tgexchange.services.conflicts import ConcurrencyConflict

# PostgreSQL: serialization_failure, deadlock_detected. SQLite: "database is locked".
_RETRYABLE_PG_CODES = frozenset({"40001", "40P01"})

EventHandler = Callable[[list[Event], "SqlAlchemyUnitOfWork"], None]


def _is_retryable(error: DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code in _RETRYABLE_PG_CODES:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def _hold(session: Session, instance: object) -> None:
    # The identity map holds objects weakly: once flushed, one the use case no longer references
    # (a submission passed inline to settle_task) would be collected before commit() gathers its
    # events, and they would be lost. Hold every object until the session ends.
    session.info.setdefault("held", []).append(instance)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    start_mappers()
    # Use cases flush where they need ids (uow.flush) and commit flushes the rest; autoflush before
    # every query cost a fifth of the simulator's time.
    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
    event.listen(factory, "loaded_as_persistent", _hold)
    event.listen(factory, "transient_to_pending", _hold)
    return factory


class SqlAlchemyUnitOfWork:
    """``with uow:`` opens a session; ``commit()`` flushes, runs in-transaction event handlers
    (rollups), commits, and keeps the events for ``take_events()``. Lost races surface as
    ConcurrencyConflict so that use cases can retry."""

    def __init__(
        self, session_factory: sessionmaker[Session], *, in_transaction_handlers: list[EventHandler] | None = None
    ) -> None:
        self._session_factory = session_factory
        self._in_transaction_handlers = in_transaction_handlers or []
        self._committed_events: list[Event] = []
        self._committed_notices: list[int] = []
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use `with uow:`")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("unit of work already open; use cases must not nest transactions")
        session = self._session_factory()
        self._session = session
        self.communities = SqlCommunityRepository(session)
        self.members = SqlMemberRepository(session)
        self.joins = SqlJoinRepository(session)
        self.channels = SqlChannelRepository(session)
        self.proofs = SqlProofRepository(session)
        self.submissions = SqlSubmissionRepository(session)
        self.tasks = SqlTaskRepository(session)
        self.ledger = SqlLedgerRepository(session)
        self.stats = SqlStatsRepository(session)
        self.audit = SqlAuditRepository(session)
        self.failures = SqlFailureRepository(session)
        self.login_links = SqlLoginLinkRepository(session)
        self.notices = SqlNoticeRepository(session)
        self.operations = SqlOperationsRepository(session)
        self.ratings = SqlRatingRepository(session)
        self.fair_play = SqlFairPlayRepository(session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        # close() rolls back what was not committed and detaches objects without expiring them,
        # so the values a use case returns stay readable.
        session.close()
        if isinstance(exc, StaleDataError):
            raise ConcurrencyConflict(str(exc)) from exc
        if isinstance(exc, DBAPIError) and _is_retryable(exc):
            raise ConcurrencyConflict(str(exc)) from exc

    def flush(self) -> None:
        self._guarded(self.session.flush)

    def commit(self) -> None:
        session = self.session
        self._guarded(session.flush)
        events = self._collect_events()
        for handler in self._in_transaction_handlers:
            handler(events, self)
        self._guarded(session.commit)
        self._committed_events.extend(events)
        self._committed_notices.extend(self.notices.added)
        self.notices.added.clear()

    def rollback(self) -> None:
        self.session.rollback()
        self.notices.added.clear()

    def take_events(self) -> list[Event]:
        events, self._committed_events = self._committed_events, []
        return events

    def take_notices(self) -> list[int]:
        notices, self._committed_notices = self._committed_notices, []
        return notices

    def _collect_events(self) -> list[Event]:
        events: list[Event] = []
        for obj in self.session.identity_map.values():
            pending = getattr(obj, "events", None)
            if pending:
                events.extend(pending)
                pending.clear()
        events.sort(key=lambda e: e.occurred_at)
        return events

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except StaleDataError as error:
            raise ConcurrencyConflict(str(error)) from error
        except IntegrityError as error:
            # A unique key taken by a concurrent transaction: the retry re-reads and decides.
            if is_unique_violation(error):
                raise ConcurrencyConflict(str(error)) from error
            raise
        except DBAPIError as error:
            if _is_retryable(error):
                raise ConcurrencyConflict(str(error)) from error
            raise
