"""Schemathesis over every operation of the HTTP API (tests/fuzzing/schema.py), a fixed slice: the
long run is bench/fuzz.py. Extends test_dashboard_schema.py to the Mini App's API and to the
state-changing requests, sent with a valid session and CSRF token so that they reach their logic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from schemathesis import GenerationMode

from tests.fuzzing import run
from tests.fuzzing.schema import ApiUnderFuzz
from tests.fuzzing.web import WebUnderFuzz
from tests.world import World


@pytest.fixture
def api(world: World, tmp_path: Path) -> Iterator[ApiUnderFuzz]:
    web = WebUnderFuzz(world, tmp_path)
    yield ApiUnderFuzz(web)
    web.client.close()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_to_any_operation_makes_a_server_error_or_breaks_the_schema(
    api: ApiUnderFuzz, mode: GenerationMode
) -> None:
    assert len(api.operations) >= 25
    # Enough cases to reach most operations whatever their number (four per operation).
    tally = run(f"api {mode.value}", api.cases(mode), api.check, cases=4 * len(api.operations))
    reached = {label.rsplit(":", 1)[0] for label in tally.outcomes}
    assert len(reached) >= 15, reached  # most operations were called
    if mode is GenerationMode.POSITIVE:
        # State-changing requests got past the session and CSRF checks to their own answers.
        assert any(label.startswith("POST /exchange/dashboard/kill-switch: 200") for label in tally.outcomes)
