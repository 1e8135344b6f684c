"""The files a dashboard page loads, as 200 pages opening at once fetch them (bench/load.py
dashboard): built before the first request, sent gzipped as the very bytes of the files, taking no
worker thread, and revalidated by ETag for nothing."""

from __future__ import annotations

import asyncio
import gzip
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pytest

from tests.e2e.conftest import Dashboard, make_dashboard
from tests.world import World
from tgexchange.web import page
from tgexchange.web.assets import Assets

API = "/exchange/dashboard"
FILES = ("dashboard.css", "plotly.css", "plotly.min.js", "dashboard.js", "fair_play.js")


def on_disk(name: str) -> bytes:
    return (page.plotly_bundle() if name == "plotly.min.js" else page.STATIC / name).read_bytes()


async def page_files(client: httpx.AsyncClient, dashboard: Dashboard) -> list[str]:
    admin = dashboard.admin(dashboard.world.community())
    assert (await client.get(dashboard.login_url(admin))).status_code == 303
    html = (await client.get(API)).text
    return re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css)\?v=[0-9a-f]+)"', html)


async def raw_body(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
    async with client.stream("GET", url, headers=headers) as response:
        return response, b"".join([chunk async for chunk in response.aiter_raw()])


async def test_every_file_the_page_loads_is_sent_gzipped_as_the_files_own_bytes(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    urls = await page_files(client, dashboard)

    assert sorted(url.split("?")[0].rsplit("/", 1)[1] for url in urls) == sorted(FILES)
    for url in urls:
        name = url.split("?")[0].rsplit("/", 1)[1]
        zipped, raw = await raw_body(client, url, {"Accept-Encoding": "gzip, deflate, br"})
        plain, unzipped = await raw_body(client, url, {"Accept-Encoding": "identity"})
        assert zipped.headers["content-encoding"] == "gzip", name
        assert gzip.decompress(raw) == on_disk(name), name
        assert len(raw) < len(unzipped), name
        assert "content-encoding" not in plain.headers, name
        assert unzipped == on_disk(name), name
        assert url.endswith(f"?v={zipped.headers['etag'].strip(chr(34))}"), name  # the URL names the content


async def test_a_browser_holding_the_etag_revalidates_for_an_empty_304(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    url = next(url for url in await page_files(client, dashboard) if "plotly.min.js" in url)
    first = await client.get(url, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["etag"]

    answers = [
        await client.get(url, headers={"If-None-Match": held, "Accept-Encoding": "gzip"})
        for held in (etag, f"W/{etag}", f'"older", {etag}')
    ]
    changed = await client.get(url, headers={"If-None-Match": '"older"', "Accept-Encoding": "gzip"})

    for answer in answers:
        assert answer.status_code == 304
        assert answer.content == b""
        assert answer.headers["etag"] == etag
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert changed.status_code == 200
    assert changed.content == on_disk("plotly.min.js")


async def test_the_pages_files_take_no_worker_thread(
    client: httpx.AsyncClient, dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = await page_files(client, dashboard)
    hops: list[str] = []
    real = anyio.to_thread.run_sync

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    answers = await asyncio.gather(*(client.get(url, headers={"Accept-Encoding": "gzip"}) for url in urls))

    assert [answer.status_code for answer in answers] == [200] * len(FILES)
    assert hops == []


def test_the_app_builds_every_file_before_its_first_request(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []

    def counted(name: str) -> tuple[Callable[[], Path], str]:
        def locate() -> Path:
            built.append(name)
            return page.STATIC / "dashboard.css"

        return locate, "text/css"

    monkeypatch.setattr(page, "asset", Assets({name: counted(name) for name in FILES}))
    monkeypatch.setattr(page, "style_injection_markers", lambda: ())

    make_dashboard(world, tmp_path / "data")

    assert sorted(built) == sorted(FILES)
