"""The dashboard's operations: the watchdog's anomalies (and the global kill switch) for anyone
who may see the dashboard, and the kill switch's control for the operator alone.

The control is a POST that changes what every member sees, so besides the operator's bearer token
it wants a CSRF token: a browser (or a proxy that adds the operator's header to every request,
as it would a cookie) must not be made to pause the exchange by another site. The page gets the
token in a meta tag (signed with the app's secret, 8 hours); a request from another site carries
no valid token, and one whose Origin or Sec-Fetch-Site says it came from elsewhere is refused
before that.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request, status
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel, Field, TypeAdapter, field_validator

from tgexchange.domain.dashboard import Viewer
from tgexchange.domain.errors import DomainError, NotFound
from tgexchange.services import operations
from tgexchange.web.auth import Operator, container_of, refuse_cross_site, sessions_of
from tgexchange.web.dashboard import PREFIX, JsonId
from tgexchange.web.errors import NOT_JSON, refused
from tgexchange.web.shared_answers import shared_answers_of, shared_json

router = APIRouter(prefix=PREFIX, tags=["operations"])
CSRF_HEADER = "X-CSRF-Token"
_CSRF_SALT = "tgexchange.dashboard.kill-switch"
CSRF_MAX_AGE_S = 8 * 3600
_ANSWER = TypeAdapter(dict[str, object])  # how FastAPI wrote the anomalies' answer before it was shared


def csrf_token(request: Request) -> str:
    return URLSafeTimedSerializer(sessions_of(request).secret, salt=_CSRF_SALT).dumps("operator")


def _check_csrf(request: Request, token: str | None) -> None:
    refuse_cross_site(request)
    try:
        URLSafeTimedSerializer(sessions_of(request).secret, salt=_CSRF_SALT).loads(token or "", max_age=CSRF_MAX_AGE_S)
    except BadSignature:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail=f"Send the page's {CSRF_HEADER} (reload the dashboard)."
        ) from None


# JavaScript's white space (what "\\S" in a JSON schema's pattern means); Python's str.isspace()
# also counts U+001C-U+001F and U+0085, and then refused a reason the schema allowed.
_JS_SPACE = frozenset(
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class PauseIn(BaseModel):
    action: Literal["pause"]
    # A pause needs a reason (members are told it): something besides spaces, said in the schema
    # so that a client learns it from there (schemathesis took the old optional reason at its word),
    # and refused in a sentence the page can show.
    reason: str = Field(max_length=300, json_schema_extra={"pattern": r"\S"})
    community_id: JsonId | None = None

    @field_validator("reason")
    @classmethod
    def _has_words(cls, reason: str) -> str:
        if all(char in _JS_SPACE for char in reason):
            raise ValueError("A pause needs a reason.")
        return reason


class ResumeIn(BaseModel):
    action: Literal["resume"]
    reason: str = Field(default="", max_length=300)
    community_id: JsonId | None = None


KillSwitchIn = Annotated[PauseIn | ResumeIn, Field(discriminator="action")]


class KillSwitchOut(BaseModel):
    action: str
    community_id: int | None
    changed: bool
    cancelled: int
    held_s: int | None


@router.get(
    "/anomalies",
    response_model=dict[str, object],
    responses={401: {"description": "No valid session or operator token."}},
)
async def anomalies(
    request: Request,
    hours: Annotated[int, Query(ge=1, le=168, description="Also those that cleared in the last hours.")] = 24,
) -> Response:
    """Open anomalies and those cleared lately, newest first; the global kill switch. An admin
    sees their communities' anomalies and those that affect everyone. Shared: at most
    DASHBOARD_SHARED_S (2 s by default) older than the database, except that a kill switch thrown
    here shows at once."""
    reader = container_of(request).storage.dashboard_reader

    def view(viewer: Viewer, now: datetime) -> bytes:
        # Through the read side, not a unit of work: on SQLite every unit of work takes the write
        # lock, and hundreds of open dashboards poll this every 10 s (docs/RELIABILITY.md, "Load").
        pause, found = reader.operations(since=now - timedelta(hours=hours), limit=200)
        scope = viewer.scope(None)
        visible = [a for a in found if scope is None or a.community_id is None or a.community_id in scope]
        answer: dict[str, object] = {
            "paused": pause is not None,
            "reason": pause.reason if pause is not None and viewer.is_operator else None,
            "since": pause.since.isoformat() if pause is not None else None,
            "by": pause.by if pause is not None and viewer.is_operator else None,
            "is_operator": viewer.is_operator,
            "items": [operations.anomaly_json(a) for a in visible],
        }
        return _ANSWER.dump_json(answer)

    # The window slides with the clock: within the staleness bound, an answer's is as good.
    return await shared_json(request, ("anomalies", hours), view, moment=lambda _now: None)


@router.post(
    "/kill-switch",
    response_model=KillSwitchOut,
    responses={
        401: {"description": "No operator token."},
        403: {"description": "Not the operator, or no valid CSRF token."},
        404: {"description": "No such community."},
        409: {"description": "Nothing to resume."},
        **NOT_JSON,
        **refused("Not a pause with a reason or a resume."),
    },
)
def kill_switch(
    request: Request,
    change: KillSwitchIn,
    _operator: Operator,
    x_csrf_token: Annotated[str | None, Header(alias=CSRF_HEADER)] = None,
) -> KillSwitchOut:
    """Pause or resume the whole exchange, or one community (operator only; audited)."""
    _check_csrf(request, x_csrf_token)
    container = container_of(request)
    now = container.clock.now()
    by = "dashboard:operator"
    try:
        if change.action == "pause":
            if change.community_id is None:
                result = operations.pause_exchange(container.storage.uow(), reason=change.reason, by=by, now=now)
            else:
                result = operations.pause_one(
                    container.storage.uow, community_id=change.community_id, reason=change.reason, by=by, now=now
                )
        elif change.community_id is None:
            result = operations.resume_exchange(container.storage.uow(), by=by, now=now, reason=change.reason)
        else:
            result = operations.resume_one(
                container.storage.uow, community_id=change.community_id, by=by, now=now, reason=change.reason
            )
    except NotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=error.message) from error
    except DomainError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=error.message) from error
    # Every page shows the switch: the next refresh must not be served an answer from before it.
    shared_answers_of(request).forget()
    return KillSwitchOut(
        action=change.action,
        community_id=change.community_id,
        changed=result.changed,
        cancelled=result.cancelled,
        held_s=int(result.held_for.total_seconds()) if result.held_for is not None else None,
    )
