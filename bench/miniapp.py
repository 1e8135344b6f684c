"""The Mini App's first meaningful paint, and its API, with a large history in the database.

Data: bench/dashboard.py's generator (20 communities, one member per 100 tasks, five tasks per
submission, a year of history ending now; rollups and member_stats computed from the tasks), plus
the ledger those tasks imply, bulk-generated the same way: a wallet per member, an escrow per
submission and an issuance account per community; welcome credits per member, an escrow posting
per submission, a payout per verified task, a refund per expired or cancelled task, and balances
that are their sums. So a member's page reads their own postings among 10M others.

Measured on the embedded default (SQLite in WAL mode), `tgexchange serve` in its own process with
a bench bot token, over loopback:
- the API, one request at a time: ``/app/api/me`` for members spread over the id range, and
  ``/app/api/admin/<community>`` for period all and 7 days (p50 / p95);
- in Debian's chromium (Playwright) at 390 × 844, each run in a fresh browser context (nothing
  cached, the worst case) and again in a warm one (the static files cached, as Telegram's web view
  keeps them): the page opened as Telegram opens it, with signed init data in the fragment.
  *First meaningful paint* is the time from navigation start to the page's ``tgx-member-ready``
  mark (the member's balance, numbers and lists are in the DOM) or ``tgx-admin-ready`` (the
  admin's cards), to the frame after it (``…-painted``), read from the page's own timeline;
  the first contentful paint (the shell) is shown beside it. Goal: ≤ 1 s.

Generating 10M tasks takes about 20 minutes on a 2-core machine and 7 GB of disk; ``--data-dir``
keeps the database for the next run (``--prepare-only`` generates it and stops).

Usage: python bench/miniapp.py [--tasks 100000] [--runs 20] [--data-dir DIR (kept and reused)]
       python bench/miniapp.py --tasks 10000000 --data-dir /tmp/tgx-miniapp-10m
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import sqlalchemy as sa
from playwright.sync_api import Browser, ViewportSize, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.dashboard import COMMUNITIES, Shape, free_port, load, percentile
from bench.report import machine, median, write_section
from tgexchange.adapters.db import tables
from tgexchange.adapters.db.engine import make_engine
from tgexchange.adapters.db.migrate import upgrade
from tgexchange.web.initdata import sign, user_fields

BOT_TOKEN = "7000000099:AAbench-token-for-the-mini-app"
WELCOME = 1000  # enough that no generated wallet goes below zero (the ledger's own rule)
PHONE: ViewportSize = {"width": 390, "height": 844}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GOAL_MS = 1000.0
MARKER = "shape.json"


def add_ledger(engine: sa.Engine, shape: Shape) -> float:
    """Accounts, postings and balances for the generated tasks, in a few INSERT … SELECTs (the
    postings' secondary indexes are built once, after). Returns the seconds it took."""
    started = time.perf_counter()
    members, communities = shape.members, COMMUNITIES
    p = tables.postings
    statements = [
        "INSERT INTO accounts (id, community_id, kind, owner_id, balance) "
        "SELECT id, community_id, 'member', id, 0 FROM members",
        f"INSERT INTO accounts (id, community_id, kind, owner_id, balance) "
        f"SELECT {members} + id, id, 'issuance', id, 0 FROM communities",
        f"INSERT INTO accounts (id, community_id, kind, owner_id, balance) "
        f"SELECT {members + communities} + id, community_id, 'escrow', id, 0 FROM submissions",
        f"INSERT INTO postings (community_id, source_id, target_id, amount, kind, key, task_id, posted_at) "
        f"SELECT community_id, {members} + community_id, id, {WELCOME}, 'welcome', 'welcome:' || id, NULL, joined_at "
        f"FROM members",
        f"INSERT INTO postings (community_id, source_id, target_id, amount, kind, key, task_id, posted_at) "
        f"SELECT community_id, owner_id, {members + communities} + id, feedback_wanted * credits_per_feedback, "
        f"'escrow', 'escrow:' || id, NULL, created_at FROM submissions",
        f"INSERT INTO postings (community_id, source_id, target_id, amount, kind, key, task_id, posted_at) "
        f"SELECT community_id, {members + communities} + submission_id, giver_id, credits, 'payout', 'task:' || id, "
        f"id, decided_at FROM tasks WHERE status = 'verified'",
        f"INSERT INTO postings (community_id, source_id, target_id, amount, kind, key, task_id, posted_at) "
        f"SELECT community_id, {members + communities} + submission_id, owner_id, credits, 'refund', 'task:' || id, "
        f"id, decided_at FROM tasks WHERE status IN ('expired', 'cancelled')",
    ]
    with engine.begin() as connection:
        for index in p.indexes:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")
        for statement in statements:
            connection.exec_driver_sql(statement)
        for index in p.indexes:
            index.create(connection)
        # Balances are what the postings say; UPDATE … FROM reads each sum once.
        connection.exec_driver_sql(
            "CREATE TEMP TABLE sums AS SELECT account_id, SUM(amount) AS amount FROM ("
            " SELECT target_id AS account_id, amount FROM postings"
            " UNION ALL SELECT source_id AS account_id, -amount FROM postings) GROUP BY account_id"
        )
        connection.exec_driver_sql(
            "UPDATE accounts SET balance = sums.amount FROM sums WHERE sums.account_id = accounts.id"
        )
        connection.exec_driver_sql("DROP TABLE sums")
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    return time.perf_counter() - started


def prepare(data_dir: Path, tasks: int, now: datetime) -> tuple[str, dict[str, float]]:
    """A database of ``tasks`` tasks in ``data_dir``, generated once and reused while its shape
    matches."""
    path = data_dir / "bench.db"
    marker = data_dir / MARKER
    url = f"sqlite:///{path}"
    if marker.exists() and json.loads(marker.read_text()).get("tasks") == tasks and path.exists():
        print(f"reusing {path}", file=sys.stderr)
        return url, json.loads(marker.read_text())["timings"]
    data_dir.mkdir(parents=True, exist_ok=True)
    for stale in data_dir.glob("bench.db*"):
        stale.unlink()
    engine = make_engine(url)
    try:
        upgrade(engine)
        print(f"loading {tasks:,} tasks into {path}", file=sys.stderr)
        timings = load(engine, Shape(tasks), now)
        timings["ledger_s"] = add_ledger(engine, Shape(tasks))
        print(f"  loaded: {json.dumps({k: round(v, 1) for k, v in timings.items()})}", file=sys.stderr)
    finally:
        engine.dispose()
    marker.write_text(json.dumps({"tasks": tasks, "timings": timings, "generated": now.isoformat()}))
    return url, timings


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def serve(database_url: str, data_dir: Path) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TGEXCHANGE_DATA_DIR": str(data_dir),
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)  # no webhook: the app alone
    process = subprocess.Popen(
        [sys.executable, "-m", "tgexchange.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return Server(base, process)
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.terminate()
            raise RuntimeError("the server did not become ready")
        time.sleep(0.2)


def init_data(telegram_user_id: int) -> str:
    fields = user_fields(telegram_user_id, first_name=f"member {telegram_user_id}", auth_date=datetime.now(UTC))
    return sign(fields, bot_token=BOT_TOKEN)


def sample_members(shape: Shape) -> list[int]:
    """Telegram ids of ordinary members spread over the id range (bench/dashboard.py gives member
    m the Telegram id 10,000 + m; the first 20 members are the communities' admins)."""
    m = shape.members
    return [10_000 + n for n in (COMMUNITIES + 1, m // 4, m // 2, 3 * m // 4, m - 1)]


ADMIN = 10_001  # member 1: admin of community 1


def measure_api(base: str, shape: Shape, requests: int) -> dict[str, dict[str, float]]:
    members = sample_members(shape)
    cases: dict[str, tuple[str, list[int]]] = {
        "/app/api/me (5 members, round robin)": ("/app/api/me", members),
        "/app/api/admin/1?period=all": ("/app/api/admin/1?period=all", [ADMIN]),
        "/app/api/admin/1?period=weekly": ("/app/api/admin/1?period=weekly", [ADMIN]),
    }
    results: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        auth = {user: {"Authorization": f"tma {init_data(user)}"} for user in {*members, ADMIN}}
        for name, (path, users) in cases.items():
            for user in users:
                for _ in range(3):
                    client.get(path, headers=auth[user]).raise_for_status()
            times = []
            for n in range(requests):
                user = users[n % len(users)]
                started = time.perf_counter()
                client.get(path, headers=auth[user]).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
            results[name] = {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)}
            print(f"  {name}: p50 {results[name]['p50']:.1f} ms, p95 {results[name]['p95']:.1f} ms", file=sys.stderr)
    return results


_TIMELINE = """(name) => {
    const painted = performance.getEntriesByName(name + "-painted")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return painted ? {painted: painted.startTime, fcp: fcp ? fcp.startTime : 0} : null;
}"""


def paint_once(context: Any, url: str, *, name: str) -> dict[str, float]:
    """One page load: the page's own timeline, read once the frame with its numbers was painted."""
    page = context.new_page()
    try:
        page.goto(url)
        deadline = time.monotonic() + 30
        while (timing := page.evaluate(_TIMELINE, name)) is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url}: never painted its numbers")
            page.wait_for_timeout(20)
        return {"painted": float(timing["painted"]), "fcp": float(timing["fcp"])}
    finally:
        page.close()


def measure_paint(base: str, shape: Shape, runs: int) -> dict[str, dict[str, float]]:
    pages = {
        "member": (f"{base}/app", sample_members(shape)[2], "tgx-member"),
        "admin": (f"{base}/app?tab=admin", ADMIN, "tgx-admin"),
    }
    results: dict[str, dict[str, float]] = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for page_name, (address, user, name) in pages.items():
                for cache in ("cold", "warm"):
                    timings = _loads(browser, _launch(address, user), name=name, runs=runs, warm=cache == "warm")
                    painted = [t["painted"] for t in timings]
                    key = f"{page_name} ({cache})"
                    results[key] = {
                        "median": median(painted),
                        "p95": percentile(painted, 0.95),
                        "max": max(painted),
                        "fcp": median([t["fcp"] for t in timings]),
                    }
                    print(
                        f"  {key}: first meaningful paint median {results[key]['median']:.0f} ms, "
                        f"p95 {results[key]['p95']:.0f} ms (first contentful paint {results[key]['fcp']:.0f} ms)",
                        file=sys.stderr,
                    )
        finally:
            browser.close()
    return results


def _loads(browser: Browser, url: str, *, name: str, runs: int, warm: bool) -> list[dict[str, float]]:
    """``runs`` page loads: each in a fresh browser context (cold), or all in one whose cache a
    first, untimed load filled (warm)."""
    if warm:
        context = browser.new_context(viewport=PHONE, is_mobile=True)
        try:
            paint_once(context, url, name=name)
            return [paint_once(context, url, name=name) for _ in range(runs)]
        finally:
            context.close()
    timings = []
    for _ in range(runs):
        context = browser.new_context(viewport=PHONE, is_mobile=True)
        try:
            timings.append(paint_once(context, url, name=name))
        finally:
            context.close()
    return timings


def _launch(address: str, user: int) -> str:
    return f"{address}#tgWebAppData={quote(init_data(user), safe='')}&tgWebAppVersion=8.0&tgWebAppPlatform=android"


def report(
    command: str, tasks: int, paint: dict[str, dict[str, float]], api: dict[str, dict[str, float]], load_avg: str
) -> str:
    lines = [
        "## Mini App (`bench/miniapp.py`)",
        "",
        f"Command: `{command}`. {tasks:,} tasks in SQLite (WAL; bench/dashboard.py's data plus the ledger it",
        "implies: see the module docstring), `tgexchange serve` in its own process, loopback HTTP, Debian's",
        "chromium at 390 × 844, 20 communities, one member per 100 tasks. First meaningful paint: from",
        "navigation start to the frame after the member's numbers and lists (or the admin's cards) are in",
        "the DOM, from the page's own timeline. Cold: a fresh browser context per run (nothing cached);",
        "warm: the static files cached, as Telegram's web view keeps them. The member's page is the page,",
        "its script and styles, then `/app/api/me`; the admin's (`/app?tab=admin`) adds",
        "`/app/api/admin/<community>` after it (Plotly loads after the cards, off this path). The first",
        "contentful paint is the shell, before any data. The machine is shared: see the load average.",
        f"Goal: ≤ {GOAL_MS:.0f} ms.",
        "",
        "| page | first meaningful paint, median (ms) | p95 (ms) | max (ms) | first contentful paint, median (ms) | goal |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in paint.items():
        verdict = "met" if row["p95"] <= GOAL_MS else "**missed**"
        lines.append(
            f"| {name} | {row['median']:.0f} | {row['p95']:.0f} | {row['max']:.0f} | {row['fcp']:.0f} | {verdict} |"
        )
    lines += ["", "| API request (one at a time) | p50 (ms) | p95 (ms) |", "|---|---|---|"]
    for name, row in api.items():
        lines.append(f"| `{name}` | {row['p50']:.1f} | {row['p95']:.1f} |")
    lines += ["", f"Load average (1 min) while measuring: {load_avg}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="Page loads per page and cache state.")
    parser.add_argument("--requests", type=int, default=100, help="Timed API requests per case.")
    parser.add_argument("--data-dir", type=Path, help="Keep the generated database here and reuse it.")
    parser.add_argument("--no-write", action="store_true", help="Print the report without touching docs/BENCHMARKS.md.")
    parser.add_argument("--prepare-only", action="store_true", help="Generate the data into --data-dir and stop.")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    scratch = args.data_dir or Path(tempfile.mkdtemp(prefix="tgx-bench-miniapp-"))
    try:
        database_url, timings = prepare(scratch, args.tasks, now)
        if args.prepare_only:
            return
        shape = Shape(args.tasks)
        server = serve(database_url, scratch)
        try:
            loads = [os.getloadavg()[0]]
            api = measure_api(server.base_url, shape, args.requests)
            paint = measure_paint(server.base_url, shape, args.runs)
            loads.append(os.getloadavg()[0])
        finally:
            server.stop()
    finally:
        if args.data_dir is None:
            shutil.rmtree(scratch, ignore_errors=True)
    command = "python bench/miniapp.py " + " ".join(
        a for a in sys.argv[1:] if not a.startswith("/") and a != "--data-dir"
    )
    body = report(command.strip(), args.tasks, paint, api, f"{min(loads):.1f}–{max(loads):.1f}")
    body += "\n\nGenerating the data (s): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()) + "."
    if not args.no_write:
        write_section("miniapp", body)
    print(body)
    print(machine(), file=sys.stderr)


if __name__ == "__main__":
    main()
