"""The job queue's storage, chosen by QUEUE_URL: SQLite (embedded default), Redis or PostgreSQL.

Every worker on every machine that shares one QUEUE_URL shares the queue, the task locks, the
rate-limit counters and the circuit-breaker state (all kept in Huey's storage).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey

QUEUE_NAME = "tgexchange"


def make_huey(queue_url: str, *, name: str = QUEUE_NAME, immediate: bool = False) -> Huey:
    """A Huey instance on the storage named by ``queue_url``:
    ``sqlite:///path``, ``redis://host:port/db``, ``postgresql://...`` or ``memory://``.
    Raises ValueError for anything else. Jobs' return values are not kept: nobody reads them,
    and kept they would pile up in the queue's storage forever (one per verification pass)."""
    scheme = urlsplit(queue_url).scheme.split("+")[0]
    if scheme == "sqlite":
        path = queue_url.split("sqlite:///", 1)[-1]
        if not path or path == queue_url:
            raise ValueError(f"a SQLite queue needs a file path: sqlite:///path/to/queue.db, not {queue_url!r}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name=name, filename=path, immediate=immediate, utc=True, timeout=30, results=False)
    if scheme in {"redis", "rediss"}:
        return RedisHuey(name=name, url=queue_url, immediate=immediate, utc=True, results=False)
    if scheme in {"postgresql", "postgres"}:
        dsn = queue_url.replace("postgresql+psycopg://", "postgresql://", 1)
        return PostgresHuey(name=name, dsn=dsn, immediate=immediate, utc=True, results=False)
    if scheme == "memory":
        return MemoryHuey(name=name, immediate=immediate, utc=True, results=False)
    raise ValueError(
        f"QUEUE_URL {queue_url!r} is not supported: use sqlite:///path, redis://host:port/db, "
        "postgresql://user@host/db or memory://"
    )
