"""Static files as the server sends them: read, gzipped and hashed once per process, before the
first request (``Assets.load_all``, called by ``create_app``), then served from memory.

Why before: 200 admins opening the dashboard within seconds all fetch Plotly's 4.8 MB bundle at
once. Built on first use, each of the first concurrent requests gzipped it again (0.14 s of CPU
each), and its content hash was recomputed on every page and file served (2.7 ms each); that was
most of the server's CPU in the opening minute (docs/RELIABILITY.md, "Load")."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request, status
from fastapi.responses import Response

# Versioned URLs change with the content, so a browser keeps a file for a year and never asks again;
# a browser that asks anyway (a reload) gets 304 for the ETag it holds.
CACHE_FOR_A_YEAR = "public, max-age=31536000, immutable"


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    gzipped: bytes
    media_type: str
    version: str  # the content's hash: the URL's ?v= and the ETag

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Asset:
        return cls(
            body,
            gzip.compress(body, compresslevel=6, mtime=0),
            media_type,
            hashlib.sha256(body).hexdigest()[:12],
        )

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class Assets:
    """A fixed set of files by name, each built once (however many threads ask at once)."""

    def __init__(self, sources: Mapping[str, tuple[Callable[[], Path], str]]) -> None:
        self._sources = dict(sources)
        self._built: dict[str, Asset] = {}
        self._building = threading.Lock()

    def __call__(self, name: str) -> Asset:
        """Raises KeyError for a name that is not one of the set's."""
        found = self._built.get(name)
        if found is None:
            with self._building:  # one build per file, not one per request that arrives meanwhile
                found = self._built.get(name)
                if found is None:
                    locate, media_type = self._sources[name]
                    found = self._built[name] = Asset.of(locate().read_bytes(), media_type)
        return found

    def load_all(self) -> None:
        for name in self._sources:
            self(name)

    def url(self, prefix: str, name: str) -> str:
        return f"{prefix}/{name}?v={self(name).version}"


def is_cached(if_none_match: str | None, etag: str) -> bool:
    """Whether the browser's If-None-Match names ``etag`` (a list, weak tags and ``*`` included,
    compared weakly as RFC 9110 says for this header)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


def asset_response(request: Request, find: Callable[[str], Asset], name: str) -> Response:
    """A versioned static file: cached for a year (its URL changes with its content), 304 on a
    matching ETag, gzipped when the browser accepts it. 404 for a name that is not a file of
    ``find``'s."""
    try:
        found = find(name)
    except KeyError:
        raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    headers = {"Cache-Control": CACHE_FOR_A_YEAR, "ETag": found.etag, "Vary": "Accept-Encoding"}
    if is_cached(request.headers.get("if-none-match"), found.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(found.gzipped, media_type=found.media_type, headers={**headers, "Content-Encoding": "gzip"})
    return Response(found.body, media_type=found.media_type, headers=headers)
