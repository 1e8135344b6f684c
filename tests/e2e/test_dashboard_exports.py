"""Exports: streamed from a cursor (memory does not grow with rows), valid CSV and JSON, and CSV
cells a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
from collections.abc import AsyncGenerator, Callable, Generator, MutableMapping
from datetime import UTC, datetime
from typing import Any, cast

import httpx
import pytest
from bench.dashboard import Shape, load
from fastapi import FastAPI

from tests.e2e.conftest import BEARER, OPERATOR_TOKEN, Dashboard, make_dashboard
from tests.world import World
from tgexchange.bootstrap import Storage
from tgexchange.web import exports

API = "/exchange/dashboard"
ROWS = 200_000
MEMORY_BOUND = 16 * 2**20
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", " cmd"),
        ("\rcmd", " cmd"),
        ("Alice", "Alice"),
        ("a=b", "a=b"),
        ("", ""),
        # Where the list separator is ";" or ",", every segment opens as a cell of its own.
        ("x;=cmd|' /C calc'!A0", "x;'=cmd|' /C calc'!A0"),
        ("x, =1+1", "x, '=1+1"),
        ("a;b,@SUM(A1);-2+3", "a;b,'@SUM(A1);'-2+3"),
        ("  =1+1", "  '=1+1"),
        ("x\t=1+1", "x =1+1"),  # the tab, a cell break no more, is a space
        ("x\r\n+1", "x  +1"),
        ("line one\nline two", "line one line two"),
        ("1;2,3", "1;2,3"),
    ],
)
def test_text_a_spreadsheet_would_evaluate_is_quoted(text: str, cell: str) -> None:
    assert exports.neutralise(text) == cell


def test_numbers_stay_numbers_and_blanks_stay_blank() -> None:
    assert exports.csv_cell(-5) == -5
    assert exports.csv_cell(None) == ""
    assert exports.csv_cell(True) == "true"
    assert exports.csv_cell(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2026-01-02T03:04:00+00:00"


async def test_exported_member_names_cannot_run_as_formulas(dashboard: Dashboard, client: httpx.AsyncClient) -> None:
    community = dashboard.world.community()
    for name in ["=1+1", "+SUM(A1)", "-3", "@cmd", "Plain name", "Ana;=cmd|' /C calc'!A0"]:
        dashboard.world.member(community, name)

    response = await client.get(f"{API}/export/csv", params={"entity_type": "users"}, headers=BEARER)
    names = [row["display_name"] for row in csv.DictReader(io.StringIO(response.text))]

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="tgexchange-users-' in response.headers["content-disposition"]
    assert names == ["'=1+1", "'+SUM(A1)", "'-3", "'@cmd", "Plain name", "Ana;'=cmd|' /C calc'!A0"]


async def test_the_json_export_is_one_array_across_many_batches(
    dashboard: Dashboard, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "BATCH_ROWS", 2)
    community = dashboard.world.community()
    owner = dashboard.world.member(community, "=owner")
    dashboard.world.submission(owner, wanted=3)
    for _ in range(3):
        dashboard.world.verified(dashboard.world.task(dashboard.world.member(community)))

    tasks = (await client.get(f"{API}/export/json", params={"entity_type": "tasks"}, headers=BEARER)).json()
    users = (await client.get(f"{API}/export/json", params={"entity_type": "users"}, headers=BEARER)).json()
    groups = (await client.get(f"{API}/export/json", params={"entity_type": "groups"}, headers=BEARER)).json()

    assert [t["status"] for t in tasks] == ["verified"] * 3
    assert tasks[0]["assigned_at"] == dashboard.world.now.isoformat()
    assert users[0]["display_name"] == "=owner"  # JSON is not a spreadsheet: the name as typed
    assert groups[0]["interactions"] == 3


async def test_an_empty_export_is_still_valid(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/export/json", params={"entity_type": "tasks"}, headers=BEARER)
    header = await client.get(f"{API}/export/csv", params={"entity_type": "tasks"}, headers=BEARER)

    assert response.json() == []
    assert header.text.strip().split(",")[:2] == ["id", "community_id"]


async def test_a_stream_closes_its_cursor_when_the_client_goes_away() -> None:
    closed = []

    def chunks() -> Generator[bytes]:
        try:
            yield from (b"x" * 10 for _ in range(1000))
        finally:
            closed.append(True)

    stream = cast("AsyncGenerator[bytes]", exports.in_thread(chunks))  # an async generator, as Starlette gets it
    assert await anext(stream) == b"x" * 10
    await stream.aclose()  # what Starlette does when the client disconnects

    assert closed == [True]


async def stream_through(
    app: FastAPI, query: str, on_body: Callable[[], None] = lambda: None
) -> tuple[dict[str, Any], int, int]:
    """Calls the app as a server would, counting body messages and bytes and keeping none;
    ``on_body`` runs at each body message."""
    finished = asyncio.Event()
    requests = [{"type": "http.request", "body": b"", "more_body": False}]
    start: dict[str, Any] = {}
    counted = {"messages": 0, "bytes": 0}

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            counted["messages"] += 1
            counted["bytes"] += len(message.get("body", b""))
            on_body()

    path, _, query_string = query.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {OPERATOR_TOKEN}".encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)
    finished.set()
    return start, counted["messages"], counted["bytes"]


@pytest.fixture
def big_history(storage: Storage, tmp_path: Any) -> Dashboard:
    """ROWS tasks, bulk-loaded as the benchmark loads them."""
    load(storage.engine, Shape(ROWS), datetime.now(UTC).replace(microsecond=0), derive=False)
    return make_dashboard(World(storage), tmp_path)


@pytest.mark.slow
async def test_exporting_200k_tasks_streams_in_bounded_memory(big_history: Dashboard) -> None:
    app = big_history.app
    await stream_through(app, f"{API}/export/csv?entity_type=tasks&community_id=1")  # warm caches and pools
    baseline = resident_bytes()
    peak = baseline

    def sample() -> None:
        nonlocal peak
        peak = max(peak, resident_bytes())

    start, messages, size = await stream_through(app, f"{API}/export/csv?entity_type=tasks", sample)

    assert start["status"] == 200
    assert b"content-length" not in dict(start["headers"])
    assert messages > ROWS // exports.BATCH_ROWS  # one body message per batch of rows, not one for all
    assert size > MEMORY_BOUND  # holding the export, as text or (far bigger) as rows, would break the bound
    assert peak - baseline < MEMORY_BOUND, f"resident memory grew {(peak - baseline) / 2**20:.1f} MiB"


async def test_over_http_the_export_is_chunked_and_parses(live_dashboard: Dashboard) -> None:
    world = live_dashboard.world
    community = world.community()
    world.submission(world.member(community), wanted=2)
    for _ in range(2):
        world.verified(world.task(world.member(community)))

    async with (
        httpx.AsyncClient(base_url=live_dashboard.base_url, headers=BEARER) as client,
        client.stream("GET", f"{API}/export/csv", params={"entity_type": "tasks"}) as response,
    ):
        body = b"".join([chunk async for chunk in response.aiter_bytes()])
        headers = response.headers

    assert headers["transfer-encoding"] == "chunked"
    assert "content-length" not in headers
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [row["status"] for row in rows] == ["verified", "verified"]
    assert json.dumps(rows)  # plain strings throughout
