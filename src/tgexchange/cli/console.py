"""Where the CLI writes: results on stdout, progress and diagnostics on stderr."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

out = Console()
err = Console(stderr=True)


def progress_bar(verb: str, *, quiet: bool) -> Progress:
    """The one progress bar style of the CLI, on stderr: "<verb> <what> ━━━ 3/10 0:00:04"."""
    return Progress(
        TextColumn(f"[bold]{verb}[/] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
    )
