"""Dashboard latency as history grows: p50/p95 per endpoint with 100k, 1M and 10M task outcomes,
on SQLite and PostgreSQL, beside a direct aggregate over the raw tasks table in the same run.

Data is bulk-generated (numpy; executemany on SQLite, COPY on PostgreSQL; never the ORM) into a
migrated database: 20 communities, one member per 100 tasks, five tasks per submission, a year
of history ending now, 60/25/15% YouTube/TikTok/Instagram, 70% verified, 15% rejected, 5%
expired, 5% skipped, 4% cancelled, 1% still open; one job failure per 1000 tasks. The rollups and
member_stats are then computed from those tasks (``rebuild_rollups``, which is timed too). The
dashboard runs as ``tgexchange serve`` in its own process; requests come over loopback HTTP with
the operator token (every community: the widest query).

Usage: python bench/dashboard.py --postgres-url postgresql+psycopg://postgres@127.0.0.1:15432/postgres
       [--sizes 100000,1000000,10000000] [--requests 60] [--only sqlite|postgres] [--no-write]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import write_section
from tgexchange.adapters.db import tables
from tgexchange.adapters.db.engine import make_engine
from tgexchange.adapters.db.migrate import upgrade
from tgexchange.adapters.db.rollup import rebuild_rollups

COMMUNITIES = 20
TASKS_PER_SUBMISSION = 5
TASKS_PER_MEMBER = 100
SPAN_DAYS = 365
CHUNK = 500_000
OPERATOR_TOKEN = "bench-operator-token-0123456789abcdef"
PLATFORMS = np.array(["youtube", "tiktok", "instagram"])
STATUSES = np.array(["verified", "rejected", "expired", "skipped", "cancelled", "assigned"])
STATUS_SHARES = np.array([0.70, 0.15, 0.05, 0.05, 0.04, 0.01])
REASONS = np.array(["not_found", "too_short", "self_promotion", "spam", "near_copy", "generic_praise"])
FAILURE_KINDS = np.array(["platform_unavailable", "content_unavailable", "job_crashed"])
TASK_COLUMNS = (
    "id",
    "community_id",
    "submission_id",
    "giver_id",
    "owner_id",
    "platform",
    "credits",
    "status",
    "assigned_at",
    "deadline_at",
    "done_at",
    "verifying_at",
    "decided_at",
    "reason",
    "verification_attempts",
    "version",
)
ENDPOINTS = (
    "/exchange/dashboard/overview?period=all",
    "/exchange/dashboard/overview?period=monthly",
    "/exchange/dashboard/overview?period=all&community_id=1",
    "/exchange/dashboard/groups?sort_by=roi_ratio",
    "/exchange/dashboard/groups?sort_by=efficiency&period=weekly",
    "/exchange/dashboard/groups?sort_by=interactions&period=weekly&community_id=1",
    "/exchange/dashboard/users?limit=20",
    "/exchange/dashboard/users?limit=20&community_id=1&min_interactions=10",
    "/exchange/dashboard/users?limit=10&period=daily",
    "/exchange/dashboard/users?limit=10&period=weekly",
    "/exchange/dashboard/users?limit=10&period=monthly",
    "/exchange/dashboard/users?limit=10&period=monthly&community_id=1",
    "/exchange/dashboard/platforms?period=all",
    "/exchange/dashboard/errors?hours=24",
    "/exchange/dashboard/errors?hours=168",
)
P95_GOAL_MS = 50.0
GROWTH_GOAL = 1.5


@dataclass(frozen=True)
class Shape:
    tasks: int

    @property
    def members(self) -> int:
        wanted = max(1000, self.tasks // TASKS_PER_MEMBER)
        return wanted - wanted % COMMUNITIES  # a multiple, so giver and owner share a community

    @property
    def submissions(self) -> int:
        return -(-self.tasks // TASKS_PER_SUBMISSION)


def _iso(seconds: np.ndarray, *, sqlite: bool) -> np.ndarray:
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    if sqlite:  # SQLAlchemy's SQLite DATETIME text: naive UTC with microseconds
        return np.char.add(np.char.replace(text, "T", " "), ".000000")
    return np.char.add(text, "+00")


def task_chunks(shape: Shape, now_s: int, *, seed: int = 7) -> Iterator[dict[str, np.ndarray]]:
    """The tasks as column arrays, CHUNK rows at a time. Each submission's five givers are
    distinct members of the owner's community other than the owner (the unique constraint)."""
    members, span = shape.members, SPAN_DAYS * 86400
    for start in range(0, shape.tasks, CHUNK):
        rng = np.random.default_rng(seed + start)
        ids = np.arange(start, min(start + CHUNK, shape.tasks), dtype=np.int64) + 1
        sub = (ids - 1) // TASKS_PER_SUBMISSION
        slot = (ids - 1) % TASKS_PER_SUBMISSION
        owner = sub % members
        giver = (owner + COMMUNITIES * (1 + 13 * slot)) % members
        status = STATUSES[np.searchsorted(np.cumsum(STATUS_SHARES), rng.random(ids.size), side="right").clip(0, 5)]
        is_open = status == "assigned"
        assigned = now_s - rng.integers(0, span, ids.size)
        assigned = np.where(is_open, now_s - rng.integers(0, 40 * 3600, ids.size), assigned)
        decided = assigned + rng.integers(1800, 48 * 3600, ids.size)
        # A task that would end in the future ended a little before now instead (not exactly at
        # now: a million ties on one second are no history anyone has).
        late = decided > now_s
        decided = np.where(late, now_s - rng.integers(1, 48 * 3600, ids.size), decided)
        assigned = np.where(late, np.minimum(assigned, decided - 1800), assigned)
        done = assigned + (decided - assigned) // 2
        handed_in = np.isin(status, ["verified", "rejected"])
        yield {
            "id": ids,
            "community_id": owner % COMMUNITIES + 1,
            "submission_id": sub + 1,
            "giver_id": giver + 1,
            "owner_id": owner + 1,
            "platform": submission_platform(sub),
            "status": status,
            "assigned_at": assigned,
            "deadline_at": assigned + 48 * 3600,
            "done_at": np.where(handed_in, done, -1),
            "decided_at": np.where(is_open, -1, decided),
            "reason": np.where(status == "rejected", REASONS[rng.integers(0, REASONS.size, ids.size)], ""),
        }


def submission_platform(sub: np.ndarray) -> np.ndarray:
    share = (sub * 2654435761) % 100
    picked: np.ndarray = PLATFORMS[np.select([share < 60, share < 85], [0, 1], 2)]
    return picked


@dataclass
class Loader:
    """Writes rows in bulk: executemany in one transaction on SQLite, COPY on PostgreSQL."""

    engine: sa.Engine
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def _copy(self, table: str, columns: tuple[str, ...], lines: Iterator[str]) -> None:
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            # Foreign keys are right by construction; checking each of 10M rows is what COPY would
            # spend its time on. LOCAL: only for this transaction.
            cursor.execute("SET LOCAL session_replication_role = replica")
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                buffer = io.StringIO()
                for n, line in enumerate(lines, start=1):
                    buffer.write(line)
                    if n % 50_000 == 0:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
            raw.commit()
        finally:
            raw.close()

    def _insert(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> None:
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA foreign_keys=OFF")  # right by construction, as on PostgreSQL
            cursor.execute("BEGIN")
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows))
            cursor.execute("COMMIT")
        finally:
            cursor.execute("PRAGMA foreign_keys=ON")  # the pooled connection goes back as it came
            cursor.execute("PRAGMA synchronous=NORMAL")
            raw.close()

    def rows(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> None:
        if self.sqlite:
            self._insert(table, columns, rows)
        else:
            self._copy(table, columns, ("\t".join(_pg(v) for v in row) + "\n" for row in rows))


def _pg(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def load(engine: sa.Engine, shape: Shape, now: datetime, *, derive: bool = True) -> dict[str, float]:
    """Fills a migrated, empty database; ``derive`` also adds job failures and computes
    member_stats and the rollups from the tasks (the export test needs only the tasks)."""
    loader = Loader(engine)
    sqlite = loader.sqlite
    now_s = int(now.timestamp())
    started = time.perf_counter()
    created = (now - timedelta(days=SPAN_DAYS + 1)).isoformat(sep=" ").replace("+00:00", "")
    created_at = created + ".000000" if sqlite else created + "+00"
    loader.rows(
        "communities",
        ("id", "telegram_chat_id", "title", "settings", "is_paused", "bot_present", "created_at"),
        ((c, -100_000 - c, f"Bench community {c}", "{}", False, True, created_at) for c in range(1, COMMUNITIES + 1)),
    )
    loader.rows(
        "members",
        (
            "id",
            "community_id",
            "telegram_user_id",
            "display_name",
            "language",
            "role",
            "status",
            "warnings",
            "joined_at",
        ),
        (
            (
                m,
                (m - 1) % COMMUNITIES + 1,
                10_000 + m,
                f"member {m}",
                "en",
                "admin" if m <= COMMUNITIES else "member",
                "active",
                0,
                created_at,
            )
            for m in range(1, shape.members + 1)
        ),
    )
    sub_ids = np.arange(shape.submissions, dtype=np.int64)
    sub_platform = submission_platform(sub_ids).tolist()
    loader.rows(
        "submissions",
        (
            "id",
            "community_id",
            "owner_id",
            "platform",
            "kind",
            "content_id",
            "url",
            "title",
            "feedback_wanted",
            "credits_per_feedback",
            "status",
            "tasks_open",
            "tasks_verified",
            "created_at",
            "waiting_since",
            "version",
        ),
        (
            (
                s + 1,
                (s % shape.members) % COMMUNITIES + 1,
                s % shape.members + 1,
                sub_platform[s],
                "video",
                f"c{s + 1}",
                f"https://example.invalid/{s + 1}",
                f"Bench video {s + 1}",
                TASKS_PER_SUBMISSION,
                10,
                "completed",
                0,
                0,
                created_at,
                created_at,
                1,
            )
            for s in range(shape.submissions)
        ),
    )
    loader.timings["load_people_s"] = time.perf_counter() - started

    started = time.perf_counter()
    with engine.begin() as connection:  # secondary indexes are rebuilt once, after the load
        for index in tables.tasks.indexes:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")

    def task_rows() -> Iterator[tuple[Any, ...]]:
        for chunk in task_chunks(shape, now_s):
            text = {name: _iso(chunk[name], sqlite=sqlite) for name in ("assigned_at", "deadline_at")}
            done = _iso(np.maximum(chunk["done_at"], 0), sqlite=sqlite)
            decided = _iso(np.maximum(chunk["decided_at"], 0), sqlite=sqlite)
            columns = [chunk[name].tolist() for name in ("id", "community_id", "submission_id", "giver_id", "owner_id")]
            yield from zip(
                *columns,
                chunk["platform"].tolist(),
                [10] * chunk["id"].size,
                chunk["status"].tolist(),
                text["assigned_at"].tolist(),
                text["deadline_at"].tolist(),
                [d if ok >= 0 else None for d, ok in zip(done.tolist(), chunk["done_at"].tolist(), strict=True)],
                [d if ok >= 0 else None for d, ok in zip(done.tolist(), chunk["done_at"].tolist(), strict=True)],
                [d if ok >= 0 else None for d, ok in zip(decided.tolist(), chunk["decided_at"].tolist(), strict=True)],
                [r or None for r in chunk["reason"].tolist()],
                [1] * chunk["id"].size,
                [1] * chunk["id"].size,
                strict=True,
            )

    loader.rows("tasks", TASK_COLUMNS, task_rows())
    loader.timings["load_tasks_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as connection:
        for index in tables.tasks.indexes:
            index.create(connection)
    loader.timings["index_tasks_s"] = time.perf_counter() - started
    if not derive:
        return loader.timings

    started = time.perf_counter()
    rng = np.random.default_rng(11)
    failures = max(shape.tasks // 1000, 1)
    at = _iso(now_s - rng.integers(0, SPAN_DAYS * 86400, failures), sqlite=sqlite).tolist()
    subs = rng.integers(0, shape.submissions, failures)
    loader.rows(
        "job_failures",
        ("at", "kind", "job", "platform", "community_id", "submission_id", "detail"),
        (
            (
                at[i],
                str(FAILURE_KINDS[i % FAILURE_KINDS.size]),
                "verify_submission",
                sub_platform[int(subs[i])],
                (int(subs[i]) % shape.members) % COMMUNITIES + 1,
                int(subs[i]) + 1,
                "bench failure",
            )
            for i in range(failures)
        ),
    )
    with engine.begin() as connection:
        connection.execute(sa.text(_MEMBER_STATS))
    loader.timings["member_stats_s"] = time.perf_counter() - started

    started = time.perf_counter()
    with engine.begin() as connection:
        rebuild_rollups(connection)
    loader.timings["rebuild_rollups_s"] = time.perf_counter() - started
    with engine.connect() as connection:
        connection.execute(sa.text("ANALYZE"))
        connection.commit()
    return loader.timings


_MEMBER_STATS = """
INSERT INTO member_stats (member_id, community_id, tasks_taken, verified, rejected, expired, skipped, feedback_received)
SELECT m.id, m.community_id, COALESCE(g.taken, 0), COALESCE(g.verified, 0), COALESCE(g.rejected, 0),
       COALESCE(g.expired, 0), COALESCE(g.skipped, 0), COALESCE(o.received, 0)
FROM members m
LEFT JOIN (
    SELECT giver_id, COUNT(*) AS taken,
           SUM(CASE WHEN status = 'verified' THEN 1 ELSE 0 END) AS verified,
           SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END) AS rejected,
           SUM(CASE WHEN status = 'expired' THEN 1 ELSE 0 END) AS expired,
           SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END) AS skipped
    FROM tasks GROUP BY giver_id
) g ON g.giver_id = m.id
LEFT JOIN (
    SELECT owner_id, SUM(CASE WHEN status = 'verified' THEN 1 ELSE 0 END) AS received FROM tasks GROUP BY owner_id
) o ON o.owner_id = m.id
"""

DIRECT_QUERY = (
    "SELECT platform, status, COUNT(*), SUM(credits) FROM tasks GROUP BY platform, status",
    "the overview's totals straight from tasks (no rollups)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure_endpoints(database_url: str, data_dir: Path, requests: int) -> dict[str, dict[str, float]]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OPERATOR_TOKEN": OPERATOR_TOKEN,
        "TGEXCHANGE_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        # What computing an answer costs as the history grows: a shared answer would time a look-up.
        "DASHBOARD_SHARED_S": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "tgexchange.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict[str, dict[str, float]] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}, timeout=60) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the dashboard server did not become ready")
                time.sleep(0.2)
            for path in ENDPOINTS:
                for _ in range(5):  # warm caches and connections
                    client.get(path).raise_for_status()
            # Round robin: whatever else the machine does meanwhile falls on every endpoint alike.
            times: dict[str, list[float]] = {path: [] for path in ENDPOINTS}
            loads = [os.getloadavg()[0]]
            for _ in range(requests):
                for path in ENDPOINTS:
                    started = time.perf_counter()
                    client.get(path).raise_for_status()
                    times[path].append((time.perf_counter() - started) * 1000)
            loads.append(os.getloadavg()[0])
            for path in ENDPOINTS:
                results[path] = {"p50": percentile(times[path], 0.5), "p95": percentile(times[path], 0.95)}
                print(
                    f"    {path}: p50 {results[path]['p50']:.1f} ms, p95 {results[path]['p95']:.1f} ms", file=sys.stderr
                )
            results["load"] = {"p50": min(loads), "p95": max(loads)}
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def measure_direct(engine: sa.Engine, runs: int) -> dict[str, float]:
    times = []
    with engine.connect() as connection:
        for _ in range(runs):
            started = time.perf_counter()
            connection.exec_driver_sql(DIRECT_QUERY[0]).all()
            times.append((time.perf_counter() - started) * 1000)
        connection.rollback()
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)}


@dataclass
class Run:
    database: str
    size: int
    endpoints: dict[str, dict[str, float]]
    direct: dict[str, float]
    timings: dict[str, float]


def one_run(kind: str, size: int, *, postgres_url: str | None, requests: int, now: datetime) -> Run:
    scratch = Path(tempfile.mkdtemp(prefix=f"tgx-bench-{kind}-"))
    admin: sa.Engine | None = None
    name = ""
    if kind == "sqlite":
        url = f"sqlite:///{scratch / 'bench.db'}"
    else:
        assert postgres_url is not None
        admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        name = f"tgx_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        upgrade(engine)
        print(f"{kind} {size:,}: loading", file=sys.stderr)
        timings = load(engine, Shape(size), now)
        print(f"  loaded: {json.dumps({k: round(v, 1) for k, v in timings.items()})}", file=sys.stderr)
        endpoints = measure_endpoints(url, scratch, requests)
        direct = measure_direct(engine, runs=5 if size < 10_000_000 else 3)
        print(f"    direct aggregate: p50 {direct['p50']:.0f} ms", file=sys.stderr)
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
        for path in scratch.glob("*"):
            path.unlink()
        scratch.rmdir()
    return Run(kind, size, endpoints, direct, timings)


def _size(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def report(runs: list[Run], command: str, requests: int) -> str:
    lines = [
        "## Dashboard (`bench/dashboard.py`)",
        "",
        f"Command: `{command}`. Each endpoint: 5 warm-up requests, then {requests} timed requests, one at a time",
        "and round robin over the endpoints, over loopback HTTP to `tgexchange serve` in its own process,",
        "with the operator token (every community: the widest queries). Data: bulk-generated, see the",
        "module docstring. Goal: p95 ≤ 50 ms at 10M on both databases, and p95 at 10M ≤ 1.5 × p95 at 1M.",
        "The machine is shared (other sessions run their test suites): the load average during each",
        "measurement is shown, and p95 of a 3 ms request moves with it.",
    ]
    for database in ("sqlite", "postgres"):
        mine = sorted((r for r in runs if r.database == database), key=lambda r: r.size)
        if not mine:
            continue
        sizes = [r.size for r in mine]
        header = " | ".join(f"{_size(s)} p50 / p95 (ms)" for s in sizes)
        lines += ["", f"### {'SQLite (WAL file)' if database == 'sqlite' else 'PostgreSQL 15'}", ""]
        lines += [f"| endpoint | {header} | p95 10M ÷ 1M | goal |", "|---|" + "---|" * len(sizes) + "---|---|"]
        by_size = {r.size: r for r in mine}
        for path in ENDPOINTS:
            cells = " | ".join(
                f"{by_size[s].endpoints[path]['p50']:.1f} / {by_size[s].endpoints[path]['p95']:.1f}" for s in sizes
            )
            growth, verdict = "–", "–"
            if 1_000_000 in by_size and 10_000_000 in by_size:
                big = by_size[10_000_000].endpoints[path]["p95"]
                ratio = big / by_size[1_000_000].endpoints[path]["p95"]
                growth = f"{ratio:.2f}"
                verdict = "met" if big <= P95_GOAL_MS and ratio <= GROWTH_GOAL else "**missed**"
            lines.append(f"| `{path.removeprefix('/exchange/dashboard')}` | {cells} | {growth} | {verdict} |")
        cells = " | ".join(f"{by_size[s].direct['p50']:.0f} / {by_size[s].direct['p95']:.0f}" for s in sizes)
        growth = "–"
        if 1_000_000 in by_size and 10_000_000 in by_size:
            growth = f"{by_size[10_000_000].direct['p95'] / by_size[1_000_000].direct['p95']:.2f}"
        lines.append(
            f"| direct aggregate over `tasks` ({DIRECT_QUERY[1]}), in-process | {cells} | {growth} | (comparison) |"
        )
        lines += [
            "",
            "Load average (1 min) while measuring: "
            + "; ".join(
                f"{_size(r.size)}: {r.endpoints['load']['p50']:.1f}–{r.endpoints['load']['p95']:.1f}" for r in mine
            )
            + ".",
            "",
            "Loading (s): "
            + "; ".join(
                f"{_size(r.size)}: tasks {r.timings['load_tasks_s']:.0f}, indexes {r.timings['index_tasks_s']:.0f}, "
                f"`rebuild_rollups` {r.timings['rebuild_rollups_s']:.1f}"
                for r in mine
            )
            + ".",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres-url", default=os.environ.get("TGEXCHANGE_TEST_POSTGRES_URL"))
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--no-write", action="store_true", help="Print the report without touching docs/BENCHMARKS.md.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = [args.only] if args.only else ["sqlite", "postgres"]
    if "postgres" in kinds and not args.postgres_url:
        parser.error("--postgres-url (or TGEXCHANGE_TEST_POSTGRES_URL) is needed for PostgreSQL")
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    runs = [
        one_run(kind, size, postgres_url=args.postgres_url, requests=args.requests, now=now)
        for kind in kinds
        for size in sizes
    ]
    command = "python bench/dashboard.py " + " ".join(
        a for a in sys.argv[1:] if not a.startswith("postgresql")
    ).replace("--postgres-url", "--postgres-url URL")
    body = report(runs, command.strip(), args.requests)
    if not args.no_write:
        write_section("dashboard", body)
    print(body)


if __name__ == "__main__":
    main()
