"""Commands over the exchange itself: migrate, simulate, demo."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tgexchange.bootstrap import Storage, build_storage
from tgexchange.cli.console import err, out, progress_bar
from tgexchange.cli.serve import DEFAULT_HOST, DEFAULT_PORT
from tgexchange.config import Settings
from tgexchange.domain.content import Platform
from tgexchange.simulation.runner import SIM_CHAT_ID, Simulation
from tgexchange.simulation.summary import SimulationResult

if TYPE_CHECKING:
    from tgexchange.services.ports import QualityGate

SYNTHETIC_NOTE = "All members, content and comments here are synthetic (simulated); none are real people."
# The demo's second community (every platform, with platform outages) and its synthetic admin,
# who runs both communities and gets the dashboard login link.
SHORTS_CHAT_ID = SIM_CHAT_ID - 1
SHORTS_TITLE = "Simulated short-video creators (synthetic data)"
DEMO_ADMIN_TELEGRAM_ID = 999_000_001
DEMO_OUTAGE_RATE = 0.15


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


def _run_simulation(
    storage: Storage,
    *,
    members: int,
    days: int,
    seed: int,
    quiet: bool,
    gate: QualityGate | None = None,
    **options: Any,
) -> SimulationResult:
    if gate is None:
        from tgexchange.adapters.quality import ClassifierQualityGate

        gate = ClassifierQualityGate()
    simulation = Simulation(storage, members=members, days=days, seed=seed, gate=gate, **options)
    with progress_bar("simulating", quiet=quiet) as progress:
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
    *,
    members: Annotated[int, typer.Option(min=2, max=100_000, help="How many simulated members.")] = 200,
    days: Annotated[int, typer.Option(min=1, max=3650, help="How many simulated days.")] = 30,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same community.")] = 7,
    database_url: Annotated[
        str | None, typer.Option(help="Where to store it; default: a throwaway SQLite file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary as the last line.")] = False,
    ring_detection: Annotated[
        bool, typer.Option(help="Run the ring detection once a simulated day (off: the exchange without it).")
    ] = True,
    fair_play: Annotated[
        bool,
        typer.Option(
            help="Credit by substance, the health cooldown and owners' ratings (off: the exchange without "
            "them; add --no-ring-detection for none of fair play)."
        ),
    ] = True,
) -> None:
    """Simulate a synthetic community through the real rules and summarise it.

    Members follow behaviour profiles (honest, slow, leecher, spammer, ring, pair, padder,
    retaliator). The data is synthetic.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tgexchange-sim-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'simulation.db'}"
        # Its own scratch file is deleted at the end: nothing is lost by not syncing it to disk.
        storage = build_storage(url, throwaway=database_url is None)
        started = time.perf_counter()
        result = _run_simulation(
            storage,
            members=members,
            days=days,
            seed=seed,
            quiet=as_json and not sys.stderr.isatty(),
            detect_rings=ring_detection,
            fair_play=fair_play,
        )
        elapsed = time.perf_counter() - started
        storage.dispose()
    if as_json:
        payload = result.to_json()
        payload["elapsed_s"] = round(elapsed, 2)
        sys.stdout.write(json.dumps(payload, sort_keys=False) + "\n")  # machine-readable: no rich wrapping
        return
    out.print(_summary_table(result))
    outcomes = result.outcomes
    out.print(
        f"Task outcomes: {outcomes['verified']} verified, {outcomes['rejected']} rejected, "
        f"{outcomes['expired']} expired. Ledger balanced: {result.ledger_balanced}. ({elapsed:.1f} s)"
    )
    if result.rings:
        rings = result.rings
        out.print(
            f"Rings and pairs: {rings['flagged_accounts']} accounts flagged of {rings['true_accounts']} "
            f"(precision {rings['precision']:.2f}, recall {rings['recall']:.2f})."
        )


def demo(
    *,
    members: Annotated[int, typer.Option(min=2, max=5000, help="Simulated members (the second community: 2/3).")] = 60,
    days: Annotated[int, typer.Option(min=1, max=365, help="Simulated days, ending now.")] = 14,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    fresh: Annotated[bool, typer.Option(help="Simulate again even if the demo communities exist.")] = False,
    serve: Annotated[bool, typer.Option(help="Serve the dashboard until Ctrl-C (--no-serve: print and exit).")] = True,
    host: Annotated[str, typer.Option(help="Interface the dashboard listens on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port the dashboard listens on.")] = DEFAULT_PORT,
) -> None:
    """Fill the embedded database with two simulated communities, then serve the dashboard.

    One community exchanges YouTube feedback; the other YouTube, TikTok and Instagram, with some
    platform outages. A synthetic admin runs both: the demo prints a login link for them (valid
    10 minutes, once; run the demo again for a new one). All data is synthetic.
    """
    settings = Settings()
    storage = build_storage(settings.effective_database_url)
    with storage.uow() as uow:
        existing = [uow.communities.find_by_chat(chat) for chat in (SIM_CHAT_ID, SHORTS_CHAT_ID)]
    if all(existing) and not fresh:
        out.print(f"The demo communities already exist in {_safe_url(storage)} (use --fresh to rebuild them).")
    else:
        if any(existing):
            storage.dispose()
            _remove_sqlite_files(settings)
            storage = build_storage(settings.effective_database_url)
        from tgexchange.adapters.quality import ClassifierQualityGate

        gate = ClassifierQualityGate()  # loaded once for both communities
        # The history ends now, so the dashboard's "today" and "last 7 days" show it.
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=days)
        result = _run_simulation(storage, members=members, days=days, seed=seed, quiet=False, gate=gate, start=start)
        out.print(_summary_table(result))
        out.print(f"\n[bold]{SHORTS_TITLE}[/]: YouTube, TikTok and Instagram, with some platform outages")
        shorts = _run_simulation(
            storage,
            members=max(2, members * 2 // 3),
            days=days,
            seed=seed + 1,
            quiet=False,
            gate=gate,
            start=start,
            chat_id=SHORTS_CHAT_ID,
            title=SHORTS_TITLE,
            platforms=tuple(Platform),
            outage_rate=DEMO_OUTAGE_RATE,
        )
        out.print(_summary_table(shorts))
    address = f"http://{'127.0.0.1' if host in {'0.0.0.0', '::', ''} else host}:{port}"  # noqa: S104 - compared, not bound
    link = _demo_login_link(storage, base_url=address)
    out.print(
        "\n[bold]What to look at[/]\n"
        f"  • The dashboard: open this login link (valid 10 minutes, once):\n    {link}\n"
        + (
            f"    or, as the operator: curl -H 'Authorization: Bearer $OPERATOR_TOKEN' {address}/exchange/dashboard/overview\n"
            if settings.operator_token
            else ""
        )
        + f"  • The database: {_safe_url(storage)} (SQLite, WAL mode; open it with any SQLite browser).\n"
        "  • Honest members end with more credits and more feedback received than leechers and spammers:\n"
        "    the exchange rewards giving back.\n"
        "  • tgexchange simulate --members 200 --days 30 --json   for a bigger run as JSON.\n"
        "  • tgexchange --help   for every command.\n"
        f"  • {SYNTHETIC_NOTE}",
        soft_wrap=True,
    )
    storage.dispose()
    if serve:
        from tgexchange.bootstrap import bootstrap
        from tgexchange.cli.serve import run_server, web_app

        container = bootstrap(settings)
        err.print(f"serving the dashboard on {address}; Ctrl-C to stop")
        run_server(web_app(container), host=host, port=port, log_level="warning")
        container.storage.dispose()


def _demo_login_link(storage: Storage, *, base_url: str) -> str:
    """Makes the synthetic admin an admin of both demo communities and issues their link."""
    from tgexchange.services import community as community_service
    from tgexchange.services import dashboard as dashboard_service

    now = datetime.now(UTC)
    with storage.uow() as uow:
        communities = [uow.communities.find_by_chat(chat) for chat in (SIM_CHAT_ID, SHORTS_CHAT_ID)]
    for community in communities:
        if community is not None:
            community_service.join_community(
                storage.uow(),
                community_id=community.id,
                telegram_user_id=DEMO_ADMIN_TELEGRAM_ID,
                display_name="Demo admin (synthetic)",
                now=now,
                is_admin=True,
            )
    link = dashboard_service.issue_login_link(
        storage.uow(), telegram_user_id=DEMO_ADMIN_TELEGRAM_ID, now=now, base_url=base_url
    )
    return link.url


def _remove_sqlite_files(settings: Settings) -> None:
    if settings.database_url:
        raise typer.BadParameter("--fresh only rebuilds the embedded SQLite database; drop yours by hand.")
    base = settings.data_dir / "tgexchange.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{base}{suffix}").unlink(missing_ok=True)
