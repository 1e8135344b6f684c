"""The ``tgexchange`` command line (Typer). Each command lives in a module named for its area;
this module only registers them."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError

from tgexchange.cli import doctor, exchange, operations, quality, rollups, run, serve, train, url, worker
from tgexchange.cli.console import err
from tgexchange.cli.metavars import ReadableHelpGroup
from tgexchange.config import ConfigurationError, Settings
from tgexchange.logs import LEVELS, configure_logging

app = typer.Typer(
    help="tgexchange: a fair, verified feedback exchange for creators on Telegram.",
    no_args_is_help=True,
    add_completion=False,
    cls=ReadableHelpGroup,
)


@app.callback()
def main(
    ctx: typer.Context, log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = ""
) -> None:
    try:
        settings = Settings()
        configure_logging(level=log_level or settings.log_level, json=settings.log_json)
    except Exception:
        if ctx.invoked_subcommand != "doctor":
            raise
        # Doctor reports the settings that do not load, one line each, rather than stopping here.
        configure_logging(level=log_level if log_level.upper() in LEVELS else "WARNING", json=False)


def main_entry() -> None:
    """The console script: a setting that cannot work is one clear line and exit code 2, not a
    traceback."""
    try:
        app()
    except (ConfigurationError, ValidationError, ArgumentError) as error:
        err.print(f"configuration error: {_explain(error)}", markup=False, highlight=False)
        raise SystemExit(2) from error


def _explain(error: Exception) -> str:
    if isinstance(error, ValidationError):  # a setting pydantic could not read
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
    if isinstance(error, ArgumentError):  # SQLAlchemy could not read DATABASE_URL
        return f"DATABASE_URL is not a database URL ({error})"
    return str(error)


app.command()(run.run)
app.command()(exchange.migrate)
app.command()(exchange.simulate)
app.command()(exchange.demo)
app.command()(url.url)
app.command()(worker.worker)
app.command()(quality.quality)
app.command()(serve.serve)
app.command()(operations.pause)
app.command()(operations.resume)
app.command()(operations.status)
app.command()(doctor.doctor)
app.add_typer(train.app, name="train")
app.add_typer(rollups.app, name="rollups")
