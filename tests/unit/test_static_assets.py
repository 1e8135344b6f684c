"""Static files are built (read, gzipped, hashed) once, however many requests ask at once, and a
browser that holds a file's ETag revalidates it for nothing."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tgexchange.web.assets import Asset, Assets, is_cached


def test_an_asset_is_its_file_gzipped_and_named_by_its_content_hash() -> None:
    body = b"body { color: red; }\n" * 500

    found = Asset.of(body, "text/css")

    assert gzip.decompress(found.gzipped) == body
    assert len(found.gzipped) < len(body) / 10
    assert found.version == hashlib.sha256(body).hexdigest()[:12]
    assert found.etag == f'"{found.version}"'


def test_concurrent_first_requests_build_a_file_once(tmp_path: Path) -> None:
    file = tmp_path / "big.js"
    file.write_bytes(b"var x = 1;\n" * 100_000)
    located: list[str] = []
    inside = threading.Barrier(8)

    def locate() -> Path:
        located.append(threading.current_thread().name)
        return file

    assets = Assets({"big.js": (locate, "text/javascript")})

    def first_request() -> Asset:
        inside.wait()  # all eight ask at the same moment, before anything is built
        return assets("big.js")

    with ThreadPoolExecutor(8) as pool:
        served = list(pool.map(lambda _: first_request(), range(8)))

    assert len(located) == 1
    assert all(asset is served[0] for asset in served)


def test_load_all_builds_every_file_and_later_requests_read_none(tmp_path: Path) -> None:
    reads: list[str] = []

    def source(name: str) -> tuple[Callable[[], Path], str]:
        (tmp_path / name).write_text(name)

        def locate() -> Path:
            reads.append(name)
            return tmp_path / name

        return locate, "text/plain"

    assets = Assets({name: source(name) for name in ("a.js", "b.css")})
    assets.load_all()
    for _ in range(3):
        assets("a.js")
        assets("b.css")

    assert sorted(reads) == ["a.js", "b.css"]
    assert assets.url("/static", "a.js") == f"/static/a.js?v={hashlib.sha256(b'a.js').hexdigest()[:12]}"


def test_a_name_that_is_not_one_of_the_files_is_refused() -> None:
    with pytest.raises(KeyError):
        Assets({})("../secret_key")


@pytest.mark.parametrize(
    ("if_none_match", "cached"),
    [
        ('"abc123"', True),
        ('W/"abc123"', True),  # If-None-Match compares weakly
        ('"zzz", "abc123"', True),
        ("*", True),
        ('"abc12"', False),
        ("abc123", False),  # an entity tag is quoted
        ("", False),
        (None, False),
    ],
)
def test_if_none_match_names_the_files_etag(if_none_match: str | None, cached: bool) -> None:
    assert is_cached(if_none_match, '"abc123"') is cached
