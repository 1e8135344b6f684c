"""Where the CLI writes: results on stdout, progress and diagnostics on stderr."""

from __future__ import annotations

from rich.console import Console

out = Console()
err = Console(stderr=True)
