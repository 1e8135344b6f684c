"""SELECTs built with SQLAlchemy, run straight on SQLite's driver connection.

The bot's most frequent reads (/balance, /me: bench/bot.py's members' mix) are a few indexed
look-ups each, and SQLAlchemy's execution layer (connection, execution context, cursor result,
row objects) cost several times SQLite's own work for them. Here the SQL, the order of its
parameters and the conversion of values both ways (enums, UTC datetimes, JSON) are still
SQLAlchemy's, compiled once for the engine's dialect, so they cannot drift from what every other
statement on those tables sees; only the execution is the driver's (as the claim of an update
does, see ``updates.py`` and ``inbox.py``)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect, Engine

Processor = Callable[[Any], Any] | None


class SqliteQuery:
    """One SELECT compiled for SQLite. Parameters are given by their bind names; literal values
    in the statement (an enum compared against) keep the value they were built with."""

    def __init__(self, statement: sa.Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self._params: list[tuple[str, Any, Processor]] = []
        for name in compiled.positiontup or []:
            bind = compiled.binds[name]
            self._params.append((name, bind.effective_value, bind.type.dialect_impl(dialect).bind_processor(dialect)))
        columns = list(statement.selected_columns)
        self._make: Callable[[Iterable[Any]], Any] = namedtuple("_Row", [column.key for column in columns])._make  # type: ignore[misc,attr-defined]
        processors: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]
        self._processors = processors if any(processors) else None

    def rows(self, driver: Any, params: Mapping[str, Any]) -> list[Any]:
        """The rows (named tuples, by column key) of the query on ``driver`` (a sqlite3
        connection) with ``params``."""
        values = []
        for name, default, process in self._params:
            value = params.get(name, default)
            values.append(value if process is None or value is None else process(value))
        found = driver.execute(self.sql, values).fetchall()
        make = self._make
        processors = self._processors
        if processors is None:
            return [make(row) for row in found]
        return [
            make(
                value if process is None or value is None else process(value)
                for value, process in zip(row, processors, strict=True)
            )
            for row in found
        ]


@contextmanager
def snapshot(engine: Engine) -> Iterator[Any]:
    """A sqlite3 connection from ``engine``'s pool inside a deferred (read) transaction: the
    queries run on it see one state of the database, and hold no writer back (WAL). Returned to
    the pool afterwards, whose reset ends the transaction."""
    connection = engine.raw_connection()
    try:
        driver = connection.driver_connection
        driver.execute("BEGIN DEFERRED")  # type: ignore[union-attr]
        yield driver
    finally:
        connection.close()


@contextmanager
def single(engine: Engine) -> Iterator[Any]:
    """A sqlite3 connection from ``engine``'s pool for one statement (its own transaction)."""
    connection = engine.raw_connection()
    try:
        yield connection.driver_connection
    finally:
        connection.close()
