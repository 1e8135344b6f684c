"""Load tests on loopback, bounded in count and time (issue 21, "Load"); each writes its part of
the "Load" section of docs/RELIABILITY.md.

    python bench/load.py dashboard [--admins 200] [--tasks 300000] [--seconds 60] [--database sqlite|postgres|both]
                                   [--baseline-src DIR] [--unshared] [--repeat N]
    python bench/load.py webhook   [--updates 3000] [--seconds 60] [--senders 32] [--database sqlite|postgres|both]
    python bench/load.py soak      [--soak-seconds 120] [--rate 30] [--database sqlite]

PostgreSQL: ``--postgres-url`` (or TGEXCHANGE_TEST_POSTGRES_URL); without either, a throwaway
server is started from /usr/lib/postgresql and stopped at the end. ``--no-write`` prints the
report without touching the document.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import load_dashboard, load_dashboard_report, load_webhook
from bench.load_common import Postgres
from bench.report import RELIABILITY, write_section


def publish(name: str, lines: list[str], *, write: bool) -> None:
    body = "\n".join(lines)
    if write:
        write_section(name, body, document=RELIABILITY)
    print(body)


def command_line() -> str:
    """The command as run, with a PostgreSQL URL (which may carry a password) left out."""
    args = sys.argv[1:]
    shown = ["URL" if a.startswith("postgresql") else a for a in args]
    return "python bench/load.py " + " ".join(shlex.quote(a) for a in shown)


@contextmanager
def postgres_server(database: str, url: str | None) -> Iterator[str | None]:
    """The PostgreSQL server's URL when ``database`` is postgres: ``url``, or a throwaway one."""
    if database != "postgres" or url:
        yield url
        return
    server = Postgres.start()
    try:
        yield server.url
    finally:
        server.stop()


@contextmanager
def bar(description: str, total: float | None) -> Iterator[Callable[[int], None]]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda done: progress.update(task, completed=done)


def databases(choice: str) -> list[str]:
    return ["sqlite", "postgres"] if choice == "both" else [choice]


def dashboard(args: argparse.Namespace) -> None:
    results = []
    for database in databases(args.database):
        # About one round per admin every 10 s: the bar counts rounds against that (for each server).
        runs = (1 + bool(args.baseline_src) + args.unshared) * args.repeat
        expected = runs * args.admins * max(1, int(args.seconds // load_dashboard.REFRESH_S))
        with (
            postgres_server(database, args.postgres_url) as pg_url,
            bar(f"dashboard on {database}: refresh rounds", expected) as progress,
        ):
            results += load_dashboard.run(
                database=database,
                postgres_url=pg_url,
                admins=args.admins,
                tasks=args.tasks,
                seconds=args.seconds,
                baseline_src=args.baseline_src,
                unshared=args.unshared,
                repeat=args.repeat,
                progress=progress,
            )
    publish("load-dashboard", load_dashboard_report.report(results, command_line()), write=not args.no_write)


def webhook(args: argparse.Namespace) -> None:
    results = []
    for database in databases(args.database):
        with postgres_server(database, args.postgres_url) as pg_url:
            for processes in args.processes:
                with (
                    tempfile.TemporaryDirectory(prefix="tgx-load-webhook-") as scratch,
                    bar(f"webhook on {database}, {processes} process(es): updates sent", args.updates) as progress,
                ):
                    results.append(
                        load_webhook.throughput(
                            Path(scratch),
                            database,
                            pg_url,
                            webhooks=processes,
                            senders=args.senders,
                            updates=args.updates,
                            seconds=args.seconds,
                            progress=progress,
                        )
                    )
    lines = load_webhook.throughput_report(results, command_line(), senders=args.senders)
    publish("load-webhook", lines, write=not args.no_write)


def soak(args: argparse.Namespace) -> None:
    database = "postgres" if args.database == "postgres" else "sqlite"
    with (
        postgres_server(database, args.postgres_url) as pg_url,
        tempfile.TemporaryDirectory(prefix="tgx-load-soak-") as scratch,
        bar(f"soak on {database}: updates sent", int(args.rate * args.soak_seconds)) as progress,
    ):
        result = load_webhook.soak(
            Path(scratch), database, pg_url, rate=args.rate, seconds=args.soak_seconds, progress=progress
        )
    publish("load-soak", load_webhook.soak_report(result, command_line()), write=not args.no_write)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", default=os.environ.get("TGEXCHANGE_TEST_POSTGRES_URL"))
    parser.add_argument("--no-write", action="store_true", help="Print the report; leave docs/RELIABILITY.md alone.")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    commands = parser.add_subparsers(dest="command", required=True)

    board = commands.add_parser("dashboard", help="Admins' dashboards refreshing every 10 s at once.")
    board.add_argument("--admins", type=int, default=200)
    board.add_argument("--tasks", type=int, default=300_000, help="History generated before the test.")
    board.add_argument("--seconds", type=float, default=60.0)
    board.add_argument(
        "--baseline-src",
        type=Path,
        help="Also run the crowd, first, against a server from this source tree (e.g. ../main/src): before/after.",
    )
    board.add_argument(
        "--unshared", action="store_true", help="Also run this checkout with DASHBOARD_SHARED_S=0 (sharing off)."
    )
    board.add_argument("--repeat", type=int, default=1, help="Run the whole series this many times, interleaved.")
    board.set_defaults(run=dashboard)

    hooks = commands.add_parser("webhook", help="Updates/s and latency with 1 and 2 webhook processes.")
    hooks.add_argument("--updates", type=int, default=3000, help="At most this many updates per run.")
    hooks.add_argument("--seconds", type=float, default=60.0, help="At most this long per run.")
    hooks.add_argument("--senders", type=int, default=32, help="Updates in flight at once.")
    hooks.add_argument("--processes", type=lambda text: [int(n) for n in text.split(",")], default=[1, 2])
    hooks.set_defaults(run=webhook)

    steady = commands.add_parser("soak", help="A steady rate for a while: memory growth, errors, p99 over time.")
    steady.add_argument("--soak-seconds", type=float, default=120.0, help="600 for the 10-minute soak.")
    steady.add_argument("--rate", type=float, default=15.0, help="Updates per second (below capacity).")
    steady.set_defaults(run=soak)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
