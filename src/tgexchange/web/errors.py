"""JSON answers that any Python string can be written into.

JSON may carry a lone surrogate (``"\\ud800"``); Python decodes it to a ``str`` that UTF-8 cannot
encode, and a 422 that echoes the input back (FastAPI's validation errors do) failed with
UnicodeEncodeError, a 500 (found by bench/fuzz.py). Here such a character is written as the same
JSON escape it came in as; every other character is written as before."""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

_NO_BODY = {204, 304}


class SafeJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        text = json.dumps(_finite(content), ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))
        # After json.dumps only a surrogate can fail to encode; "\ud800" is its JSON escape.
        return text.encode("utf-8", "backslashreplace")


def _finite(value: Any) -> Any:
    """``value`` with infinities and NaN as text: Python reads a body of ``Infinity`` or ``NaN``
    as a float, which no JSON can carry back in the 422 that echoes it (a 500, found by
    bench/fuzz.py)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


async def validation_failed(_request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    return SafeJSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)


async def http_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code in _NO_BODY:
        return Response(status_code=error.status_code, headers=error.headers)
    return SafeJSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)


class Problem(BaseModel):
    """A refusal: FastAPI's list of what was wrong with the input, or one sentence from a rule
    the schema cannot state (a pause needs a reason, a setting's bounds)."""

    detail: str | list[dict[str, Any]]


NOT_JSON: dict[int | str, dict[str, Any]] = {400: {"description": "The body could not be read as JSON."}}


def refused(description: str) -> dict[int | str, dict[str, Any]]:
    """A 422 that may carry either kind of ``Problem``."""
    return {422: {"model": Problem, "description": description}}
