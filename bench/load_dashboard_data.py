"""The dashboard load test's data: a migrated database with the generated history and its admins,
on SQLite or in a fresh PostgreSQL database, and one login link per admin."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.dashboard import Shape, load
from tgexchange.adapters.db.engine import make_engine
from tgexchange.adapters.db.migrate import upgrade
from tgexchange.bootstrap import storage_on
from tgexchange.services import dashboard as dashboard_service


@dataclass
class Prepared:
    url: str
    telegram_ids: list[int]
    seconds: float

    def login_links(self) -> list[str]:
        """One fresh login link per admin, issued by the use case the bot's /dashboard calls."""
        engine = make_engine(self.url)
        storage = storage_on(engine)
        now = datetime.now(UTC)
        try:
            return [
                dashboard_service.issue_login_link(storage.uow(), telegram_user_id=user, now=now).token
                for user in self.telegram_ids
            ]
        finally:
            engine.dispose()


def prepare(url: str, *, tasks: int, admins: int) -> Prepared:
    """A migrated database with the generated history and ``admins`` admins spread over its
    communities (ten per community for 200)."""
    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    shape = Shape(tasks)
    if admins > shape.members:
        raise SystemExit(f"{admins} admins need more than {shape.members} members: raise --tasks")
    load(engine, shape, datetime.now(UTC).replace(minute=0, second=0, microsecond=0))
    with engine.begin() as connection:  # members 1..n sit in communities 1..20 in turn
        connection.execute(sa.text("UPDATE members SET role = 'admin' WHERE id <= :n"), {"n": admins})
        users = connection.execute(
            sa.text("SELECT telegram_user_id FROM members WHERE id <= :n ORDER BY id"), {"n": admins}
        )
        telegram_ids = [int(row[0]) for row in users]
    engine.dispose()
    return Prepared(url, telegram_ids, time.perf_counter() - started)


def nothing_to_drop() -> None:
    """A SQLite file goes with its scratch folder."""


def sqlite_database(scratch: Path) -> str:
    return f"sqlite:///{scratch / 'load.db'}"


def postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """A fresh database on the server, and how to drop it."""
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"tgx_load_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False), drop
