"""Every command's ``--help`` names its values as a user reads them (``--port PORT``, ``--members
N``, ``URL``), never by Python type (``<int range>``, ``<str>``), and shows flags without one."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
import structlog
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from tgexchange.cli import app

# How Typer writes a Python type in help: "<str>", "<int range>", "<list[str]>", "<bool>".
PYTHON_TYPE = re.compile(r"<(?:str|int|float|bool|path|list|datetime|uuid|file)[^>]*>")


def command_paths() -> Iterator[tuple[str, ...]]:
    """Every command and group below the root, the root included, as the words typed."""

    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        if isinstance(command, TyperGroup):
            for name, subcommand in sorted(command.commands.items()):
                yield from walk(subcommand, (*path, name))

    yield from walk(typer.main.get_command(app), ())


PATHS = list(command_paths())


@pytest.fixture(autouse=True)
def logging_left_as_found() -> Iterator[None]:
    """The root command's callback sets logging up on CliRunner's captured stream, which is closed
    after each run: later tests in this process must not log into it."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("alembic", "httpx")}
    yield
    structlog.configure(**saved)
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, name_level in levels.items():
        logging.getLogger(name).setLevel(name_level)


def help_of(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(path) for path in PATHS}
    assert {"", "url", "simulate", "demo", "serve", "run", "worker", "quality", "migrate"} <= names
    assert {"train spam", "rollups rebuild"} <= names


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "tgexchange")
def test_help_names_values_not_python_types(path: tuple[str, ...]) -> None:
    text = help_of(path)

    assert "Usage" in text
    assert PYTHON_TYPE.findall(text) == []
    # A flag is written alone: nothing between it and its help.
    assert re.search(r"--help\s+Show this message and exit\.", text)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("url",), [r"\[URL\]\.\.\.", r"│\s+URL\s+Links to read", r"--json\s+One JSON object"]),
        (("simulate",), [r"--members\s+N \[2<=x<=100000\]", r"--seed\s+N\s", r"--database-url\s+URL\s"]),
        (("serve",), [r"--host\s+HOST\s", r"--port\s+PORT \[1<=x<=65535\]"]),
        (("train", "spam"), [r"--data-dir\s+DIR\s", r"--quiet\s+--no-quiet\s+No progress bar"]),
        ((), [r"--log-level\s+LEVEL\s"]),
    ],
)
def test_help_uses_the_names_a_user_expects(path: tuple[str, ...], expected: list[str]) -> None:
    text = help_of(path)

    for pattern in expected:
        assert re.search(pattern, text), f"{pattern!r} not in:\n{text}"
