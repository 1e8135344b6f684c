"""What ``tgexchange doctor`` looks at on this machine: the configuration, the database and its
migrations, the job queue and the model files. Each check returns findings (ok, warn or problem,
what was found, how to fix it) and raises nothing it can foresee; doctor turns anything else into
a problem line."""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pydantic import ValidationError

from tgexchange.config import ConfigurationError, Settings

# Telegram's rule for setWebhook's secret_token (the webhook route refuses anything else).
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
MIN_SECRET_KEY_LENGTH = 32  # bootstrap.session_secret refuses a shorter SECRET_KEY
PLATFORM_URLS = ("https://www.youtube.com/", "https://www.tiktok.com/", "https://www.instagram.com/")


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    what: str
    fix: str = ""


@dataclass(frozen=True)
class Probe:
    """How far and how long doctor looks. Tests point the platform look-ups and the spam model
    elsewhere (hidden options of the command), so that no test needs the internet."""

    timeout_s: float = 4.0
    platform_urls: tuple[str, ...] = PLATFORM_URLS
    spam_model_dir: Path | None = None


def is_webhook_mode(settings: Settings) -> bool:
    """``tgexchange serve`` mounts the webhook when the webhook secret is set (with the token)."""
    return settings.telegram_webhook_secret is not None


def queue_scheme(settings: Settings) -> str:
    return urlsplit(settings.effective_queue_url).scheme.split("+")[0]


def is_shared(settings: Settings) -> bool:
    """Scale-out: several processes, maybe on several machines, share a server database or queue."""
    from tgexchange.adapters.db.engine import is_sqlite

    return not is_sqlite(settings.effective_database_url) or queue_scheme(settings) in {"redis", "rediss", "postgresql"}


def safe_url(url: str) -> str:
    """``url`` without its password."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value a finding could carry, to be blotted out before anything is printed."""
    found = [
        s.get_secret_value()
        for s in (
            settings.telegram_bot_token,
            settings.telegram_webhook_secret,
            settings.secret_key,
            settings.operator_token,
            settings.youtube_api_key,
        )
        if s is not None
    ]
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    found.append(token.partition(":")[2])
    for url in (settings.database_url or "", settings.queue_url or ""):
        try:
            found.append(urlsplit(url).password or "")
        except ValueError:
            continue
    return [s for s in found if len(s) >= 4]


def settings_findings(error: ValidationError) -> list[Finding]:
    """One problem per setting pydantic refused; the value itself is never shown (it may be a
    secret)."""
    return [
        Finding(
            "configuration",
            Status.PROBLEM,
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}",
            "Fix it in the environment or .env (deploy/env.example explains each setting).",
        )
        for e in error.errors()
    ]


def check_configuration(settings: Settings, _probe: Probe) -> list[Finding]:
    """The rules a setting's own validation cannot see: what the chosen mode needs."""
    found: list[Finding] = []
    add = found.append
    shared = is_shared(settings)
    key = settings.secret_key.get_secret_value().strip() if settings.secret_key else ""
    if key and len(key) < MIN_SECRET_KEY_LENGTH:
        add(Finding("configuration", Status.PROBLEM, f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters.",
                    "Set SECRET_KEY=$(openssl rand -hex 32), the same on every process."))  # fmt: skip
    elif not key and shared:
        add(Finding("configuration", Status.PROBLEM,
                    "SECRET_KEY is unset: each machine would sign dashboard sessions with its own generated key.",
                    "Set SECRET_KEY=$(openssl rand -hex 32), the same on every process."))  # fmt: skip
    if is_webhook_mode(settings):
        found.extend(_webhook_settings(settings))
    elif settings.telegram_bot_token is None:
        add(Finding("configuration", Status.WARN, "TELEGRAM_BOT_TOKEN is unset: there is no bot to run.",
                    "Create a bot with @BotFather and set TELEGRAM_BOT_TOKEN."))  # fmt: skip
    try:
        settings.rate_limits()
    except ConfigurationError as error:
        add(Finding("configuration", Status.PROBLEM, str(error), "Write it as youtube=60/60,tiktok=20/60,..."))
    from tgexchange.adapters.db.engine import is_sqlite

    sqlite_database = is_sqlite(settings.effective_database_url)
    if sqlite_database and queue_scheme(settings) in {"redis", "rediss", "postgresql"}:
        add(Finding("configuration", Status.WARN,
                    "the queue is shared but the database is a SQLite file only this machine can open.",
                    "Use PostgreSQL (DATABASE_URL) when workers run on other machines."))  # fmt: skip
    elif not sqlite_database and queue_scheme(settings) == "sqlite":
        add(Finding("configuration", Status.WARN,
                    "the database is shared but the job queue is a SQLite file on this machine.",
                    "Set QUEUE_URL to Redis (redis://host:6379/0) or PostgreSQL for workers on other machines."))  # fmt: skip
    if not any(f.status is not Status.OK for f in found):
        mode = "webhook (tgexchange serve + workers)" if is_webhook_mode(settings) else "long polling (tgexchange run)"
        add(Finding("configuration", Status.OK, f"settings load; mode: {mode}; {'shared' if shared else 'embedded'}"))
    return found


def _webhook_settings(settings: Settings) -> list[Finding]:
    found: list[Finding] = []
    secret = settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else ""
    if settings.telegram_bot_token is None:
        found.append(Finding("configuration", Status.PROBLEM,
                             "TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_BOT_TOKEN is not: no webhook is served.",
                             "Set TELEGRAM_BOT_TOKEN to the token from @BotFather."))  # fmt: skip
    if not _WEBHOOK_SECRET.fullmatch(secret):
        found.append(Finding("configuration", Status.PROBLEM,
                             "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -.",
                             "Set TELEGRAM_WEBHOOK_SECRET=$(openssl rand -hex 32), the same on every process."))  # fmt: skip
    elif len(secret) < 16:
        found.append(Finding("configuration", Status.WARN, "TELEGRAM_WEBHOOK_SECRET is short enough to be guessed.",
                             "Set TELEGRAM_WEBHOOK_SECRET=$(openssl rand -hex 32), the same on every process."))  # fmt: skip
    if not settings.public_base_url.startswith("https://"):
        found.append(Finding("configuration", Status.PROBLEM,
                             f"PUBLIC_BASE_URL is {settings.public_base_url}: Telegram delivers webhooks to https only.",
                             "Set PUBLIC_BASE_URL to the https address of your reverse proxy."))  # fmt: skip
    return found


def _reason(error: BaseException) -> str:
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

    url = settings.effective_database_url
    try:
        parsed = make_url(url)
    except ArgumentError:
        return [Finding("database", Status.PROBLEM, "DATABASE_URL is not a database URL.",
                        "Write it as postgresql+psycopg://user:password@host:5432/db.")]  # fmt: skip
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        missing = _sqlite_file_problem(Path(parsed.database or ""), "database")
        if missing is not None:
            return [missing]
        engine = make_engine(url)
    else:
        connect_args = {"connect_timeout": max(2, int(probe.timeout_s))} if parsed.get_backend_name() == "postgresql" else {}
        engine = sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)
    try:
        from tgexchange.adapters.db.migrate import current_revision, head_revision

        current = current_revision(engine)
    except sa.exc.SQLAlchemyError as error:
        host = f" on {parsed.host}:{parsed.port or 5432}" if parsed.host else ""
        server = "PostgreSQL" if parsed.get_backend_name() == "postgresql" else "the database server"
        return [Finding("database", Status.PROBLEM, f"DATABASE_URL: cannot connect{host} ({_reason(error)}).",
                        f"Start {server} or fix DATABASE_URL.")]  # fmt: skip
    finally:
        engine.dispose()
    return [_migration_finding(current, head_revision(), shown)]


def _sqlite_file_problem(path: Path, what: str) -> Finding | None:
    # A missing folder is made on first start, which needs the nearest existing one writable.
    folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), Path("/"))
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        return Finding(what, Status.PROBLEM, f"{folder} is not a folder this user can write to.",
                       "Give this user write access to it, or change TGEXCHANGE_DATA_DIR.")  # fmt: skip
    if what == "database" and not path.exists():
        return Finding("database", Status.PROBLEM, f"no database at {path} yet.", "Run `tgexchange migrate`.")
    return None


def _migration_finding(current: str | None, head: str | None, shown: str) -> Finding:
    from alembic.script.revision import ResolutionError

    from tgexchange.adapters.db.migrate import revisions_behind

    try:
        behind = revisions_behind(current)
    except ResolutionError:
        return Finding("database", Status.PROBLEM,
                       f"the database is at revision {current}, which this release does not know (a newer one migrated it).",
                       "Upgrade tgexchange on this machine to the release the others run.")  # fmt: skip
    if behind:
        plural = "migration" if behind == 1 else "migrations"
        return Finding("database", Status.PROBLEM, f"{behind} {plural} behind (at {current or 'an empty schema'}, code at {head}).",
                       "Run `tgexchange migrate` (once, before restarting the processes).")  # fmt: skip
    return Finding("database", Status.OK, f"connected, migrations at head ({head}): {shown}")


def check_queue(settings: Settings, probe: Probe) -> list[Finding]:
    """QUEUE_URL answers: Redis PING or PostgreSQL SELECT 1 with short timeouts, or the SQLite
    queue file's folder is writable and the file (when it exists) is a database."""
    url = settings.effective_queue_url
    scheme = queue_scheme(settings)
    shown = safe_url(url)
    fix_server = f"Start {'Redis' if scheme.startswith('redis') else 'PostgreSQL'} or fix QUEUE_URL."
    try:
        if scheme in {"redis", "rediss"}:
            import redis

            parts = urlsplit(url)
            client = redis.Redis.from_url(url, socket_connect_timeout=probe.timeout_s, socket_timeout=probe.timeout_s)
            try:
                client.ping()
            except redis.RedisError as error:
                where = f"{parts.hostname}:{parts.port or 6379}"
                return [Finding("queue", Status.PROBLEM, f"QUEUE_URL: Redis does not answer at {where} ({_reason(error)}).", fix_server)]  # fmt: skip
            finally:
                client.close()
            from tgexchange.worker.queue import make_huey

            waiting = make_huey(url).pending_count()
            return [Finding("queue", Status.OK, f"Redis answers PING ({waiting} jobs waiting): {shown}")]
        if scheme in {"postgresql", "postgres"}:
            import psycopg

            dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
            try:
                with psycopg.connect(dsn, connect_timeout=max(2, int(probe.timeout_s))) as connection:
                    connection.execute("SELECT 1")
            except psycopg.Error as error:
                return [Finding("queue", Status.PROBLEM, f"QUEUE_URL: cannot connect to PostgreSQL ({_reason(error)}).", fix_server)]  # fmt: skip
            return [Finding("queue", Status.OK, f"PostgreSQL answers: {shown}")]
        if scheme == "sqlite":
            return [_sqlite_queue(Path(url.split("sqlite:///", 1)[-1]), shown)]
        if scheme == "memory":
            return [Finding("queue", Status.WARN, "QUEUE_URL is memory://: jobs live and die inside one process.",
                            "Use the default SQLite queue, or Redis/PostgreSQL for several processes.")]  # fmt: skip
    except ValueError as error:  # a URL the client library cannot read
        return [Finding("queue", Status.PROBLEM, f"QUEUE_URL cannot be read: {error}.", "Write it as redis://host:6379/0.")]
    return [Finding("queue", Status.PROBLEM, f"QUEUE_URL scheme {scheme!r} is not supported.",
                    "Use sqlite:///path, redis://host:port/db or postgresql://user@host/db.")]  # fmt: skip


def _sqlite_queue(path: Path, shown: str) -> Finding:
    problem = _sqlite_file_problem(path, "queue")
    if problem is not None:
        return problem
    if not path.exists():
        return Finding("queue", Status.OK, f"SQLite queue file will be created on first start: {shown}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2) as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        return Finding("queue", Status.PROBLEM, f"the SQLite queue file {path} cannot be read ({error}).",
                       "Stop the processes, move the file aside (it is recreated empty) and start them again.")  # fmt: skip
    return Finding("queue", Status.OK, f"SQLite queue file readable: {shown}")


def check_models(settings: Settings, probe: Probe) -> list[Finding]:
    """The spam model (shipped with the package) and the promoted reciprocity model load through
    their own loaders, which check the sha256 and the trusted types."""
    from tgexchange.ml import reciprocity_artifact
    from tgexchange.ml.artifact import ARTIFACT_DIR, ModelArtifactError, load_spam_model

    found: list[Finding] = []
    try:
        spam = load_spam_model(probe.spam_model_dir or ARTIFACT_DIR)
        found.append(Finding("models", Status.OK, f"spam model {spam.version} loads (threshold {spam.threshold:.2f})"))
    except ModelArtifactError as error:
        found.append(Finding("models", Status.PROBLEM, f"spam model refused: {error}.",
                             "Run `tgexchange train spam` (or reinstall tgexchange)."))  # fmt: skip
    directory = settings.model_dir
    version = reciprocity_artifact.current_version(directory)
    retrain = "Run `tgexchange train reciprocity` (matching uses each member's own record until then)."
    if version is None and (directory / reciprocity_artifact.CURRENT).exists():
        found.append(Finding("models", Status.PROBLEM, f"{directory / reciprocity_artifact.CURRENT} cannot be read.", retrain))
    elif version is None:
        found.append(Finding("models", Status.OK, "no reciprocity model promoted yet (cold start); workers train one in time"))
    else:
        try:
            reciprocity_artifact.load(directory, version)
            found.append(Finding("models", Status.OK, f"reciprocity model {version} loads: {directory}"))
        except reciprocity_artifact.ModelRefused as error:
            found.append(Finding("models", Status.PROBLEM, f"reciprocity model refused: {error}.", retrain))
    if directory.exists() and not os.access(directory, os.W_OK):
        found.append(Finding("models", Status.WARN, f"{directory} is not writable: workers cannot save retrained models.",
                             "Give this user write access, or set ML_MODEL_PATH."))  # fmt: skip
    return found
