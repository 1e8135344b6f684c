"""Fuzz targets shared by the test suite (a few hundred fixed examples each) and by the long run
``python -m bench.fuzz`` (hundreds of thousands of cases, counted into docs/RELIABILITY.md).

A target is a Hypothesis strategy and a check: the check feeds one generated input to the real
code, raises AssertionError when a property breaks (an unexpected exception, a server error, a
traceback in a reply) and otherwise returns a short label of what happened ("parsed",
"refused", "400", ...), so that the long run can say what its inputs reached."""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

Check = Callable[[Any], str]


@dataclass
class Tally:
    """What one run of a target did: cases tried, their labels, and the failures (at most one per
    run: Hypothesis stops at the first, shrunk to its simplest form)."""

    name: str
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.cases += other.cases
        self.outcomes.update(other.outcomes)
        self.failures.extend(other.failures)


def run(
    name: str,
    strategy: st.SearchStrategy[Any],
    check: Check,
    *,
    cases: int,
    rng_seed: int | None = None,
    raise_failures: bool = True,
) -> Tally:
    """Runs ``check`` on ``cases`` inputs drawn from ``strategy``. Without ``rng_seed`` the inputs
    are derandomized (the same on every run: what the test suite wants); with one, a fresh
    sequence per seed (what the long run wants). ``raise_failures`` re-raises Hypothesis' report
    of the failing input; otherwise it is kept in the tally."""
    tally = Tally(name)

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        derandomize=rng_seed is None,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        print_blob=False,
    )
    @given(strategy)
    def fuzz(value: Any) -> None:
        tally.cases += 1
        tally.outcomes[check(value)] += 1

    if rng_seed is not None:
        fuzz = seed(rng_seed)(fuzz)
    try:
        fuzz()
    except (Exception, BaseExceptionGroup) as error:  # the failure is the report (schemathesis' is a group)
        if raise_failures:
            raise
        found = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
        for one in found:
            note = "\n".join(getattr(one, "__notes__", []))
            tally.failures.append(("".join(traceback.format_exception_only(one)).strip() + "\n" + note)[:3000])
    return tally


def unexpected(error: BaseException, value: object) -> AssertionError:
    """The AssertionError a check raises for an exception the code under test must not let out."""
    return AssertionError(f"{type(error).__name__}: {error} for input {value!r:.500}")
