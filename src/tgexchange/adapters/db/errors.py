"""Reading database errors the same way on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, IntegrityError


def is_unique_violation(error: IntegrityError) -> bool:
    code = getattr(error.orig, "sqlstate", None)
    return code == "23505" or "UNIQUE constraint failed" in str(error.orig)


def is_storage_unavailable(error: BaseException) -> bool:
    """The database could not be reached or used right now (down, restarting, a dropped
    connection, SQLite busy), as opposed to a refusal of what was asked: trying again later may
    succeed."""
    if isinstance(error, IntegrityError):
        return False
    if isinstance(error, DBAPIError):
        return True
    return isinstance(error, sqlite3.Error) and not isinstance(error, sqlite3.IntegrityError)
