"""Schemathesis against the app's own OpenAPI schema, with the operator token: whatever the
generated input, no answer is a server error, and answers match the schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from tests.e2e.conftest import BEARER, Dashboard
from tests.outcomes import record_verification_outcome
from tgexchange.domain.content import Platform


@pytest.fixture
def dashboard_schema(dashboard: Dashboard) -> schemathesis.BaseSchema:
    world = dashboard.world
    community = world.community(welcome_credits=200)
    world.submission(world.member(community), wanted=3)
    world.submission(world.member(community, link=Platform.TIKTOK), wanted=1, platform=Platform.TIKTOK)
    world.verified(world.task(world.member(community)))
    rejected = world.task(world.member(community, "=formula"))
    world.done(rejected)
    record_verification_outcome(world.uow(), task_id=rejected.id, verified=False, reason="spam", now=world.now)
    world.task(world.member(community))
    return schemathesis.openapi.from_asgi("/openapi.json", dashboard.app)


# (schemathesis.pytest.from_fixture would be the idiom, but its lazy schemas break on pytest 9:
# they read Function._nodeid. Strategies per operation work the same and stay bounded.)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_makes_the_api_fail_or_break_its_schema(
    dashboard_schema: schemathesis.BaseSchema, mode: GenerationMode
) -> None:
    results = list(dashboard_schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), results  # every operation parsed
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) >= 12
    statuses: list[int] = []

    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not len(operation.query):
            continue  # nothing to get wrong

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=15,
            deadline=None,
            derandomize=True,  # the same examples on every run: a failure here is never a fluke
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_failure(case: schemathesis.Case[Any]) -> None:
            statuses.append(case.call_and_validate(headers=BEARER).status_code)

        no_failure()

    assert len(statuses) > 3 * len(operations)
    assert max(statuses) < 500
    if mode is GenerationMode.NEGATIVE:
        assert 422 in statuses
