"""Commands over the exchange itself: migrate, simulate, demo."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tgexchange.bootstrap import Storage, build_storage
from tgexchange.cli.console import err, out
from tgexchange.config import Settings
from tgexchange.simulation.runner import SIM_CHAT_ID, Simulation, SimulationResult

SYNTHETIC_NOTE = "All members, content and comments below are synthetic (simulated); none are real people."


def migrate() -> None:
    """Bring the database to the latest schema.

    DATABASE_URL chooses the database; by default the SQLite file in TGEXCHANGE_DATA_DIR.
    """
    settings = Settings()
    storage = build_storage(settings.effective_database_url)
    from tgexchange.adapters.db.migrate import current_revision

    out.print(f"Database is at revision {current_revision(storage.engine)}: {_safe_url(storage)}")
    storage.dispose()


def _safe_url(storage: Storage) -> str:
    return storage.engine.url.render_as_string(hide_password=True)


def _run_simulation(storage: Storage, *, members: int, days: int, seed: int, quiet: bool) -> SimulationResult:
    from tgexchange.adapters.quality import ClassifierQualityGate

    simulation = Simulation(storage, members=members, days=days, seed=seed, gate=ClassifierQualityGate())
    with Progress(
        TextColumn("[bold]simulating[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=False,
    ) as progress:
        bar = progress.add_task(f"{members} members, {days} days (hours)", total=days * 24)
        return simulation.run(progress=lambda done, _total: progress.update(bar, completed=done))


def _summary_table(result: SimulationResult) -> Table:
    table = Table(
        title=f"Simulated community: {result.members} members, {result.days} days, seed {result.seed}",
        caption=SYNTHETIC_NOTE,
    )
    for column in ("profile", "members", "credits (mean)", "feedback received (mean)", "feedback given (mean)"):
        table.add_column(column, justify="left" if column == "profile" else "right")
    for name, row in result.profiles.items():
        table.add_row(
            name,
            str(row["members"]),
            f"{row['credits_mean']:.1f}",
            f"{row['feedback_received_mean']:.1f}",
            f"{row['feedback_given_mean']:.1f}",
        )
    return table


def simulate(
    members: Annotated[int, typer.Option(min=2, max=100_000, help="How many simulated members.")] = 200,
    days: Annotated[int, typer.Option(min=1, max=3650, help="How many simulated days.")] = 30,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same community.")] = 7,
    database_url: Annotated[
        str | None, typer.Option(help="Where to store it; default: a throwaway SQLite file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary as the last line.")] = False,
) -> None:
    """Simulate a synthetic community through the real rules and summarise it.

    Members follow behaviour profiles (honest, slow, leecher, spammer, ring). The data is synthetic.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tgexchange-sim-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'simulation.db'}"
        storage = build_storage(url)
        started = time.perf_counter()
        result = _run_simulation(
            storage, members=members, days=days, seed=seed, quiet=as_json and not sys.stderr.isatty()
        )
        elapsed = time.perf_counter() - started
        storage.dispose()
    if as_json:
        payload = result.to_json()
        payload["elapsed_s"] = round(elapsed, 2)
        print(json.dumps(payload, sort_keys=False))
        return
    out.print(_summary_table(result))
    outcomes = result.outcomes
    out.print(
        f"Task outcomes: {outcomes['verified']} verified, {outcomes['rejected']} rejected, "
        f"{outcomes['expired']} expired. Ledger balanced: {result.ledger_balanced}. ({elapsed:.1f} s)"
    )


def demo(
    members: Annotated[int, typer.Option(min=2, max=5000, help="Simulated members.")] = 60,
    days: Annotated[int, typer.Option(min=1, max=365, help="Simulated days.")] = 14,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    fresh: Annotated[bool, typer.Option(help="Simulate again even if the demo community exists.")] = False,
) -> None:
    """Fill the embedded database with a simulated community and show what to look at.

    The community is synthetic: simulated members, content and comments.
    """
    settings = Settings()
    storage = build_storage(settings.effective_database_url)
    with storage.uow() as uow:
        existing = uow.communities.find_by_chat(SIM_CHAT_ID)
    if existing is not None and not fresh:
        out.print(f"The demo community already exists in {_safe_url(storage)} (use --fresh to rebuild it).")
    else:
        if existing is not None:
            storage.dispose()
            _remove_sqlite_files(settings)
            storage = build_storage(settings.effective_database_url)
        result = _run_simulation(storage, members=members, days=days, seed=seed, quiet=False)
        out.print(_summary_table(result))
    out.print(
        "\n[bold]What to look at[/]\n"
        f"  • The database: {_safe_url(storage)} (SQLite, WAL mode; open it with any SQLite browser).\n"
        "  • Honest members end with more credits and more feedback received than leechers and spammers:\n"
        "    the exchange rewards giving back.\n"
        "  • tgexchange simulate --members 200 --days 30 --json   for a bigger run as JSON.\n"
        "  • tgexchange --help   for every command.\n"
        f"  • {SYNTHETIC_NOTE}"
    )
    storage.dispose()


def _remove_sqlite_files(settings: Settings) -> None:
    if settings.database_url:
        raise typer.BadParameter("--fresh only rebuilds the embedded SQLite database; drop yours by hand.")
    base = settings.data_dir / "tgexchange.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{base}{suffix}").unlink(missing_ok=True)
