"""Fuzzing the webhook route and the settings input (tests/fuzzing/web.py), fixed slices: the long
run is bench/fuzz.py. And the bugs the long run found, each pinned."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.fuzzing import run
from tests.fuzzing.web import (
    OPERATOR_TOKEN,
    WebUnderFuzz,
    settings_api_bodies,
    use_case_changes,
    webhook_cases,
)
from tests.world import World
from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.errors import InvalidSettings

BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


@pytest.fixture
def web(world: World, tmp_path: Path) -> Iterator[WebUnderFuzz]:
    web = WebUnderFuzz(world, tmp_path)
    yield web
    web.client.close()


def test_the_webhook_answers_200_400_or_403_to_anything(web: WebUnderFuzz) -> None:
    tally = run("webhook", webhook_cases(), web.check_webhook, cases=150)
    assert set(tally.outcomes) == {"200", "400", "403"}, tally.outcomes


def test_the_settings_api_refuses_garbage_with_422_and_keeps_valid_settings(web: WebUnderFuzz) -> None:
    tally = run("settings api", settings_api_bodies(), web.check_settings_api, cases=120)
    assert tally.outcomes["422"] > 50, tally.outcomes


def test_the_settings_use_case_changes_or_refuses_and_keeps_valid_settings(web: WebUnderFuzz) -> None:
    tally = run("settings use case", use_case_changes(), web.check_update_settings, cases=150)
    assert tally.outcomes["refused"], tally.outcomes
    assert tally.outcomes["changed"], tally.outcomes


@pytest.mark.parametrize(
    ("path", "body", "auth"),
    [
        ("/app/api/admin/{cid}/settings", '"\\ud800"', "tma"),
        ("/app/api/admin/{cid}/settings", '{"group_language": "\\udcff"}', "tma"),
        ("/exchange/dashboard/kill-switch", '{"action": "\\ud800"}', "bearer"),
    ],
)
def test_a_lone_surrogate_in_json_is_refused_with_422_not_a_500(
    web: WebUnderFuzz, path: str, body: str, auth: str
) -> None:
    # JSON's "\ud800" becomes a str UTF-8 cannot encode; echoing it in the 422 raised (a 500).
    headers = web.admin_auth() if auth == "tma" else {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    reply = web.client.post(
        path.format(cid=web.community.id), content=body, headers={**headers, "content-type": "application/json"}
    )
    assert reply.status_code == 422
    assert "\\ud" in reply.text or "\\udcff" in reply.text  # the input, as the JSON escape it came as


@pytest.mark.parametrize("body", ["Infinity", "-Infinity", "NaN", '{"min_words": NaN}'])
def test_infinity_or_nan_in_a_body_is_refused_with_422_not_a_500(web: WebUnderFuzz, body: str) -> None:
    # Python's JSON reader takes them as floats, which the 422 that echoes them could not write
    # (found by bench/fuzz.py).
    path = f"/app/api/admin/{web.community.id}/settings"
    reply = web.client.post(path, content=body, headers={**web.admin_auth(), "content-type": "application/json"})
    assert reply.status_code == 422
    assert reply.json()["detail"]


@pytest.mark.parametrize("hours", [10**12, -(10**12)])
def test_a_task_deadline_beyond_any_date_is_refused_with_422_not_a_500(web: WebUnderFuzz, hours: int) -> None:
    # timedelta(hours=10**12) raised OverflowError in the API (found by bench/fuzz.py's schemathesis run).
    path = f"/app/api/admin/{web.community.id}/settings"
    reply = web.client.post(path, json={"task_deadline": hours}, headers=web.admin_auth())
    assert reply.status_code == 422
    assert reply.json()["detail"] == "task deadline must be between 1 hour and 30 days"


def test_a_pause_without_a_reason_is_refused_by_the_schema(web: WebUnderFuzz) -> None:
    # The schema said the reason was optional and the server refused a pause without one
    # (schemathesis: "schema-valid request rejected"); the schema now says so itself.
    schema = web.client.get("/openapi.json").json()["components"]["schemas"]
    assert "reason" in schema["PauseIn"]["required"]
    assert schema["PauseIn"]["properties"]["reason"]["pattern"] == "\\S"


def test_id_bounds_are_numbers_a_json_client_holds_exactly(web: WebUnderFuzz) -> None:
    # "maximum: 2**63 - 1" reads as 2**63 in a double, so schemathesis sent 2**63 as valid and the
    # API refused it (found by bench/fuzz.py); ids are now bounded by 2**53 - 1, exact in a double.
    text = web.client.get("/openapi.json").text
    assert "922337203685477" not in text
    assert '"maximum":9007199254740991' in text
    for too_big in (2**53, 2**63):
        body = {"action": "resume", "community_id": too_big}
        assert web.client.post("/exchange/dashboard/kill-switch", json=body, headers=BEARER).status_code == 422


def test_the_kill_switch_reads_its_body_as_the_schema_says(web: WebUnderFuzz) -> None:
    # JSON's true was taken as community 1 (and, read strictly, 1.0 was refused); a reason of U+0085 (not white space in a JSON schema's
    # pattern, white space to Python) was refused (both found by bench/fuzz.py's schemathesis run).
    url = "/exchange/dashboard/kill-switch"
    token = web.client.get("/exchange/dashboard/appeals", headers=BEARER).json()["csrf_token"]
    headers = {**BEARER, "X-CSRF-Token": token}
    as_bool = web.client.post(url, json={"action": "pause", "reason": "x", "community_id": True}, headers=headers)
    blank = web.client.post(url, json={"action": "pause", "reason": " \t\u3000"}, headers=headers)
    odd = web.client.post(url, json={"action": "pause", "reason": "\x85"}, headers=headers)
    as_float = web.client.post(url, json={"action": "resume", "community_id": 1.0}, headers=headers)
    assert (as_bool.status_code, blank.status_code, odd.status_code) == (422, 422, 200)
    assert as_float.status_code == 409  # read as community 1 (a JSON integer), which is not paused
    zero = web.client.post(url, json={"action": "resume", "community_id": 0}, headers=headers)
    assert zero.status_code == 422
    schema = web.client.get("/openapi.json").json()["components"]["schemas"]["ResumeIn"]
    assert schema["properties"]["community_id"]["anyOf"][0]["minimum"] == 1  # said in the schema too
    assert blank.json()["detail"][0]["msg"] == "Value error, A pause needs a reason."


@pytest.mark.parametrize(
    "changes",
    [
        {"allowed_platforms": None},  # TypeError from len() before
        {"allowed_platforms": frozenset({"youtube"})},  # AttributeError from to_json before
        {"penalty_ladder": ("warn",)},  # AttributeError from to_json before
        {"task_deadline": 48},
    ],
)
def test_settings_of_the_wrong_type_are_refused_as_invalid(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidSettings):
        CommunitySettings().with_changes(**changes)


def test_settings_of_the_right_type_are_still_taken() -> None:
    from tgexchange.domain.content import Platform
    from tgexchange.domain.penalty import PenaltyKind

    changed = CommunitySettings().with_changes(
        allowed_platforms=frozenset({Platform.YOUTUBE}),
        penalty_ladder=(PenaltyKind.WARN, PenaltyKind.BAN),
        task_deadline=timedelta(hours=6),
    )
    assert changed.allowed_platforms == {Platform.YOUTUBE}
