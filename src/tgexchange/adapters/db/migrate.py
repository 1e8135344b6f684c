"""Applying the Alembic migrations, on start and by ``tgexchange migrate``."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# Any fixed number: the key of the advisory lock that lets one process migrate at a time.
_MIGRATION_LOCK_KEY = 0x7467786D  # "tgxm"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Brings the schema to ``revision`` on the engine's database (idempotent). Processes starting
    together (several workers on one PostgreSQL) take turns: the first migrates, the others then
    find the schema at head. SQLite already queues writers."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revision() -> str | None:
    """The latest migration in the code."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        # A read: on SQLite, not under the write lock every other transaction takes (readiness
        # probes call this every few seconds).
        connection.execution_options(sqlite_begin="DEFERRED")
        return MigrationContext.configure(connection).get_current_revision()


def revisions_behind(current: str | None) -> int:
    """How many migrations a database at ``current`` (None: an empty one) lacks to reach the head.
    Raises ``alembic.script.revision.ResolutionError`` for a revision this code does not know (a
    newer release migrated the database)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return sum(1 for _ in script.iterate_revisions("heads", current))
