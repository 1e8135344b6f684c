"""Streamed CSV and JSON exports: rows go from a database cursor to the socket in batches, so a
million rows never sit in memory, and the cursor closes when the client goes away."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from datetime import date, datetime
from enum import Enum, StrEnum

import anyio
from fastapi import Request
from fastapi.responses import StreamingResponse

from tgexchange.domain.dashboard import Period, Viewer
from tgexchange.services import dashboard_export
from tgexchange.services.dashboard_export import ExportEntity, ExportTable
from tgexchange.web.auth import container_of

BATCH_ROWS = 2000
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
# Where the list separator is ";" (Spanish, German, French locales) or ",", a cell "x;=cmd|…"
# can open as two cells, the second a formula: so no ";"- or ","-separated segment may start with
# a trigger, blanks before it included. Tab, CR and LF split cells or rows in some importers: they
# become spaces.
FORMULA_TRIGGERS = "=+-@"
_SEGMENT_FORMULA = re.compile(r"(^|[;,])(\s*)([=+\-@])")
_CELL_BREAKS = str.maketrans("\t\r\n", "   ")


class Encoding(StrEnum):
    CSV = "csv"
    JSON = "json"


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as typed whatever its list separator: a quote before every
    segment's formula trigger, and tab, CR and LF as spaces."""
    return _SEGMENT_FORMULA.sub(r"\1\2'\3", text.translate(_CELL_BREAKS))


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):  # enums of the domain are str too
        return neutralise(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value  # numbers stay numbers (a negative number is not a formula)


def csv_row(row: tuple[object, ...]) -> list[object]:
    # Most cells are ids: checked first, exactly (a bool is an int too), a million times per export.
    return [value if type(value) is int else csv_cell(value) for value in row]


def csv_chunks(table: ExportTable) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for batch in table.batches:
        writer.writerows(map(csv_row, batch))
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode()


def json_chunks(table: ExportTable) -> Iterator[bytes]:
    yield b"["
    first = True
    for batch in table.batches:
        if not batch:
            continue
        objects = ",\n".join(
            json.dumps(dict(zip(table.columns, (_plain(v) for v in row), strict=True)), ensure_ascii=False)
            for row in batch
        )
        yield (objects if first else ",\n" + objects).encode()
        first = False
    yield b"]\n"


async def in_thread(chunks: Callable[[], Generator[bytes]]) -> AsyncIterator[bytes]:
    """Runs a blocking chunk generator on worker threads, one chunk at a time, and closes it (and
    with it the database cursor) even when the client disconnects mid-stream."""
    iterator = await anyio.to_thread.run_sync(chunks)
    try:
        while True:
            chunk = await anyio.to_thread.run_sync(next, iterator, None)
            if chunk is None:
                return
            if chunk:
                yield chunk
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(iterator.close)


def streamed(
    request: Request,
    viewer: Viewer,
    entity: ExportEntity,
    *,
    period: Period,
    community_id: int | None,
    encoding: Encoding,
) -> StreamingResponse:
    """Raises NotYourCommunity before anything is sent (a refusal cannot arrive mid-stream)."""
    viewer.scope(community_id)
    container = container_of(request)
    today = container.clock.now().date()
    encode = csv_chunks if encoding is Encoding.CSV else json_chunks

    def chunks() -> Generator[bytes]:
        with dashboard_export.export(
            container.storage.dashboard_reader,
            viewer=viewer,
            entity=entity,
            community_id=community_id,
            period=period,
            today=today,
            batch_size=BATCH_ROWS,
        ) as table:
            yield from encode(table)

    name = f"tgexchange-{entity.value}-{today.isoformat()}.{encoding.value}"
    media = "text/csv; charset=utf-8" if encoding is Encoding.CSV else "application/json"
    return StreamingResponse(
        in_thread(chunks), media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
