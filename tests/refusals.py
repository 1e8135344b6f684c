"""Asserting a refusal by what it means, not by its English words: the stable ``code`` that the
faces translate, and the facts (``params``) behind it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tgexchange.domain.errors import DomainError


@contextmanager
def refused(code: str, **facts: object) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """The block must raise a DomainError with this ``code`` and, for each fact given, that param."""
    with pytest.raises(DomainError) as raised:
        yield raised
    error = raised.value
    assert error.code == code, f"refused with {error.code!r} ({error.params}), expected {code!r}"
    for name, value in facts.items():
        assert name in error.params, f"{code} carries no {name!r}: {error.params}"
        assert error.params[name] == value, f"{code}.{name} is {error.params[name]!r}, expected {value!r}"
