"""Reading database errors the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError


def is_unique_violation(error: IntegrityError) -> bool:
    code = getattr(error.orig, "sqlstate", None)
    return code == "23505" or "UNIQUE constraint failed" in str(error.orig)
