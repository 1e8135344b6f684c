"""Concurrent writers: storage reports a lost race as ConcurrencyConflict; use cases retry."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class ConcurrencyConflict(Exception):
    """Another transaction changed the same rows first; the whole unit of work can be retried."""


def retry_on_conflict(attempts: int = 5) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Re-runs a use case whose unit of work lost a race. Safe because each use case is one
    transaction that re-reads what it needs."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt in range(1, attempts + 1):
                try:
                    return fn(*args, **kwargs)
                except ConcurrencyConflict:
                    if attempt == attempts:
                        raise
            raise AssertionError("unreachable")

        return run

    return decorate
