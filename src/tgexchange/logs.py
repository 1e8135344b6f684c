"""Structured logs (structlog): key=value on a terminal, JSON lines when LOG_JSON is set."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from tgexchange.config import ConfigurationError

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# A Telegram bot token (digits, a colon, 35 url-safe characters). PTB logs the Bot API url with it
# at DEBUG ("Set Bot API URL"), and httpx errors may quote the url of the request that failed.
_BOT_TOKEN = re.compile(r"(?<![0-9])\d{5,16}:[A-Za-z0-9_-]{30,64}")  # also right after "/bot"
REDACTED = "[bot token]"


def redact(text: str) -> str:
    return _BOT_TOKEN.sub(REDACTED, text)


def _redact_values(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The structlog processor: every text value with a bot token in it, the rendered exception
    included, gets the token cut out."""
    return {key: redact(value) if isinstance(value, str) else value for key, value in event.items()}


class RedactingFormatter(logging.Formatter):
    """The logging module's lines (PTB's, httpx's, Huey's, uvicorn's) with bot tokens cut out of
    the whole formatted line, message and traceback alike."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(*, level: str = "INFO", json: bool = False) -> None:
    if level.upper() not in LEVELS:
        raise ConfigurationError(f"LOG_LEVEL {level!r} is not one of {', '.join(LEVELS)}")
    processors: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        _redact_values,
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
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    # Migration chatter ("Context impl SQLiteImpl") is noise on every start.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))
    # httpx logs every request line, and a Bot API url carries the bot token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))
