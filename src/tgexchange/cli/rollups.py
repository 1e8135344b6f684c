"""``tgexchange rollups``: the dashboard's counters, recomputed from the tasks table."""

from __future__ import annotations

import time

import typer

from tgexchange.cli.console import out, progress_bar
from tgexchange.config import Settings

app = typer.Typer(help="The dashboard's rollups.", no_args_is_help=True)


@app.command()
def rebuild(quiet: bool = typer.Option(False, help="No progress bar.")) -> None:
    """Recompute every community's rollups from the tasks, in one transaction.

    Needed only if rollups were lost or changed by hand: the migration that adds them computes
    them, and every task transition keeps them current. Writers wait while it runs.
    """
    from tgexchange.adapters.db.rollup import rebuild_rollups
    from tgexchange.bootstrap import build_storage

    storage = build_storage(Settings().effective_database_url)
    started = time.perf_counter()
    with progress_bar("rebuilding rollups", quiet=quiet) as progress:
        bar = progress.add_task("communities", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total)

        with storage.engine.begin() as connection:
            communities = rebuild_rollups(connection, progress=advance)
    storage.dispose()
    out.print(f"Rebuilt the rollups of {communities} communities in {time.perf_counter() - started:.1f} s.")
