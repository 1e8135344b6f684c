"""The refusal assertion fails when the code or a fact differs, so tests using it can fail."""

from __future__ import annotations

import pytest

from tests.refusals import refused
from tgexchange.domain.errors import NoTaskAvailable, TooManyOpenTasks


def test_it_passes_on_the_same_code_and_facts() -> None:
    with refused("too_many_open_tasks", open_tasks=3, maximum=3):
        raise TooManyOpenTasks(3, 3)


@pytest.mark.parametrize(
    ("code", "facts"),
    [("no_task_available", {}), ("too_many_open_tasks", {"maximum": 4}), ("too_many_open_tasks", {"limit": 3})],
)
def test_it_fails_on_another_code_or_fact(code: str, facts: dict[str, object]) -> None:
    with pytest.raises(AssertionError), refused(code, **facts):
        raise TooManyOpenTasks(3, 3)


def test_it_fails_when_nothing_is_refused() -> None:
    with pytest.raises(pytest.fail.Exception), refused("no_task_available"):
        pass
    with refused("no_task_available"):
        raise NoTaskAvailable()
