"""Composition root: builds the adapters the faces use. Nothing is built at import time; tests
pass their own clock and platform readers here."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from tgexchange.adapters.clock import SystemClock
from tgexchange.adapters.db.engine import make_engine
from tgexchange.adapters.db.migrate import upgrade
from tgexchange.adapters.db.unit_of_work import EventHandler, SqlAlchemyUnitOfWork, make_session_factory
from tgexchange.config import Settings
from tgexchange.services.ports import Clock


@dataclass
class Storage:
    engine: Engine
    session_factory: sessionmaker[Session]
    in_transaction_handlers: list[EventHandler] = field(default_factory=list)

    def uow(self) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work; one per use-case call (they are not shared across threads)."""
        return SqlAlchemyUnitOfWork(self.session_factory, in_transaction_handlers=self.in_transaction_handlers)

    def dispose(self) -> None:
        self.engine.dispose()


def build_storage(database_url: str, *, migrate: bool = True) -> Storage:
    """Storage on ``database_url``, migrated to the latest schema unless told otherwise."""
    engine = make_engine(database_url)
    if migrate:
        upgrade(engine)
    return Storage(engine=engine, session_factory=make_session_factory(engine))


@dataclass
class Container:
    settings: Settings
    storage: Storage
    clock: Clock


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None, migrate: bool = True) -> Container:
    settings = settings or Settings()
    return Container(
        settings=settings,
        storage=build_storage(settings.effective_database_url, migrate=migrate),
        clock=clock or SystemClock(),
    )
