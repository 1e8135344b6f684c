"""What ``tgexchange doctor`` asks the database (can it connect, are its migrations at head) and
the job queue (does it answer). Short timeouts everywhere; a server that is down is a finding."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from tgexchange.cli.doctor_checks import Finding, Probe, ok, problem, queue_scheme, safe_url, warn
from tgexchange.config import Settings

MIGRATE = "Run `tgexchange migrate` (once, before restarting the processes)."


def reason(error: BaseException) -> str:
    """The first line of the driver's own words, without the SQL or the traceback."""
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return text[:200].rstrip(".")


def check_database(settings: Settings, probe: Probe) -> list[Finding]:
    """Connects (a short timeout) and compares the schema's revision with the code's head."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    from sqlalchemy.pool import NullPool

    from tgexchange.adapters.db.engine import make_engine
    from tgexchange.adapters.db.migrate import current_revision, head_revision

    url = settings.effective_database_url
    try:
        parsed = make_url(url)
    except ArgumentError:
        fix = "Write it as postgresql+psycopg://user:password@host:5432/db."
        return [problem("database", "DATABASE_URL is not a database URL.", fix)]
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        missing = _sqlite_file_problem(Path(parsed.database or ""), "database")
        if missing is not None:
            return [missing]
        engine = make_engine(url)
    else:
        # libpq's connect_timeout bounds the whole connection attempt (2 s is its minimum).
        connect_args = {"connect_timeout": max(2, int(probe.timeout_s))} if backend == "postgresql" else {}
        engine = sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)
    try:
        current = current_revision(engine)
    except sa.exc.SQLAlchemyError as error:
        if backend == "sqlite":
            what = f"the SQLite database {parsed.database} cannot be read ({reason(error)})."
            return [problem("database", what, "Restore it from a backup, or fix TGEXCHANGE_DATA_DIR or DATABASE_URL.")]
        where = f" on {parsed.host}:{parsed.port or 5432}" if parsed.host else ""
        server = "PostgreSQL" if backend == "postgresql" else "the database server"
        what = f"DATABASE_URL: cannot connect{where} ({reason(error)})."
        return [problem("database", what, f"Start {server} or fix DATABASE_URL.")]
    finally:
        engine.dispose()
    return [_migration_finding(current, head_revision(), parsed.render_as_string(hide_password=True))]


def _sqlite_file_problem(path: Path, check: str) -> Finding | None:
    # A missing folder is made on first start, which needs the nearest existing one writable.
    folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), Path("/"))
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        fix = "Give this user write access to it, or change TGEXCHANGE_DATA_DIR."
        return problem(check, f"{folder} is not a folder this user can write to.", fix)
    if check == "database" and not path.exists():
        return problem("database", f"no database at {path} yet.", "Run `tgexchange migrate`.")
    return None


def _migration_finding(current: str | None, head: str | None, shown: str) -> Finding:
    from alembic.script.revision import ResolutionError

    from tgexchange.adapters.db.migrate import revisions_behind

    try:
        behind = revisions_behind(current)
    except ResolutionError:
        what = f"the database is at revision {current}, which this release does not know (a newer one migrated it)."
        return problem("database", what, "Upgrade tgexchange on this machine to the release the others run.")
    if behind:
        plural = "migration" if behind == 1 else "migrations"
        what = f"{behind} {plural} behind (at {current or 'an empty schema'}, code at {head})."
        return problem("database", what, MIGRATE)
    return ok("database", f"connected, migrations at head ({head}): {shown}")


def check_queue(settings: Settings, probe: Probe) -> list[Finding]:
    """QUEUE_URL answers: Redis PING or PostgreSQL SELECT 1 with short timeouts, or the SQLite
    queue file's folder is writable and the file (when it exists) is a database."""
    url = settings.effective_queue_url
    scheme = queue_scheme(settings)
    try:
        if scheme in {"redis", "rediss"}:
            return [_redis_queue(url, probe)]
        if scheme in {"postgresql", "postgres"}:
            return [_postgres_queue(url, probe)]
    except ValueError as error:  # a URL the client library cannot read
        return [problem("queue", f"QUEUE_URL cannot be read: {error}.", "Write it as redis://host:6379/0.")]
    if scheme == "sqlite":
        return [_sqlite_queue(Path(url.split("sqlite:///", 1)[-1]), safe_url(url))]
    if scheme == "memory":
        fix = "Use the default SQLite queue, or Redis or PostgreSQL for several processes."
        return [warn("queue", "QUEUE_URL is memory://: jobs live and die inside one process.", fix)]
    fix = "Use sqlite:///path, redis://host:port/db or postgresql://user@host/db."
    return [problem("queue", f"QUEUE_URL scheme {scheme!r} is not supported.", fix)]


def _redis_queue(url: str, probe: Probe) -> Finding:
    import redis

    from tgexchange.worker.queue import make_huey

    client = redis.Redis.from_url(url, socket_connect_timeout=probe.timeout_s, socket_timeout=probe.timeout_s)
    try:
        client.ping()
    except redis.RedisError as error:
        parts = urlsplit(url)
        what = f"QUEUE_URL: Redis does not answer at {parts.hostname}:{parts.port or 6379} ({reason(error)})."
        return problem("queue", what, "Start Redis or fix QUEUE_URL.")
    finally:
        client.close()
    waiting = make_huey(url).pending_count()
    return ok("queue", f"Redis answers PING ({waiting} jobs waiting): {safe_url(url)}")


def _postgres_queue(url: str, probe: Probe) -> Finding:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(dsn, connect_timeout=max(2, int(probe.timeout_s))) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        what = f"QUEUE_URL: cannot connect to PostgreSQL ({reason(error)})."
        return problem("queue", what, "Start PostgreSQL or fix QUEUE_URL.")
    return ok("queue", f"PostgreSQL answers: {safe_url(url)}")


def _sqlite_queue(path: Path, shown: str) -> Finding:
    unusable = _sqlite_file_problem(path, "queue")
    if unusable is not None:
        return unusable
    if not path.exists():
        return ok("queue", f"SQLite queue file will be created on first start: {shown}")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)) as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        fix = "Stop the processes, move the file aside (it is made again, empty) and start them."
        return problem("queue", f"the SQLite queue file {path} cannot be read ({error}).", fix)
    return ok("queue", f"SQLite queue file readable: {shown}")
