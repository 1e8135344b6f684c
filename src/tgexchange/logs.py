"""Structured logs (structlog): key=value on a terminal, JSON lines when LOG_JSON is set."""

from __future__ import annotations

import logging
import sys

import structlog

from tgexchange.config import ConfigurationError

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def configure_logging(*, level: str = "INFO", json: bool = False) -> None:
    if level.upper() not in LEVELS:
        raise ConfigurationError(f"LOG_LEVEL {level!r} is not one of {', '.join(LEVELS)}")
    processors: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        # One write per line: stdlib logging (Huey, uvicorn) shares the stream from other threads,
        # and print's separate newline let their lines land inside a JSON line.
        logger_factory=structlog.WriteLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    # Migration chatter ("Context impl SQLiteImpl") is noise on every start.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))
    # httpx logs every request line, and a Bot API url carries the bot token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))
