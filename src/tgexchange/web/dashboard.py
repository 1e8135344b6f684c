"""The dashboard's JSON API and login: thin endpoints over services/dashboard.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BeforeValidator, Field

from tgexchange.domain.dashboard import LoginLinkInvalid, Period, Viewer, errors_since
from tgexchange.services import dashboard as dashboard_service
from tgexchange.services.dashboard import GroupOrder
from tgexchange.services.dashboard_export import ExportEntity
from tgexchange.services.ports import DashboardReader
from tgexchange.web import exports
from tgexchange.web.auth import (
    COOKIE_PATH,
    SESSION_COOKIE,
    CurrentViewer,
    container_of,
    is_secure,
    refuse_cross_site,
    session_checks_of,
    sessions_of,
)
from tgexchange.web.messages import message_page
from tgexchange.web.schemas import (
    CommunitiesOut,
    CommunityOut,
    ErrorsOut,
    GroupOut,
    GroupsOut,
    ModelOut,
    OverviewOut,
    PlatformOut,
    PlatformsOut,
    UserOut,
    UsersOut,
)
from tgexchange.web.shared_answers import shared_json

PREFIX = "/exchange/dashboard"
router = APIRouter(prefix=PREFIX, tags=["dashboard"])

# Ids a client of this JSON API can hold exactly: JavaScript's (and any double's) largest safe
# integer. A bound of 2**63 - 1 is 2**63 once read as a double, and schemathesis sent 2**63 (and
# bound - 1, computed in doubles) as valid; the database's ids are nowhere near either.
MAX_ID = 2**53 - 1


def _not_a_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("Input should be a valid integer")  # pydantic's own words for a wrong type
    return value


# An id in a JSON body as a JSON schema means it: 1 and 1.0, never true (a lax int read true as 1,
# a strict one refused 1.0; both found by bench/fuzz.py's schemathesis run).
JsonId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_not_a_bool)]
CommunityId = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="One community; default: every community you may see.")
]
PeriodParam = Annotated[Period, Query(description="UTC days: today, the last 7, the last 30, or all time.")]
Limit = Annotated[int, Query(ge=1, le=500)]
_AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid session or operator token."},
    403: {"description": "Not an admin of that community."},
}


# These two never block, so they are coroutines: FastAPI runs a plain function dependency on a
# worker thread, and each such hop waits for a thread and the GIL, which is what a request spent
# most of its time on with 200 dashboards open (docs/RELIABILITY.md, "Load"). The five endpoints
# every open page refreshes go further: one hop for a page's five to check its session, none for an
# answer that is kept (web/shared_answers.shared_json).
async def _today(request: Request) -> date:
    return container_of(request).clock.now().date()


def _read_side(request: Request) -> DashboardReader:
    return container_of(request).storage.dashboard_reader


async def _reader(request: Request) -> DashboardReader:
    return _read_side(request)


# What the other endpoints read, as dependencies: the store's read side, and today on the app's clock.
Reader = Annotated[DashboardReader, Depends(_reader)]
Today = Annotated[date, Depends(_today)]


@router.get("/overview", response_model=OverviewOut, responses=_AUTH_RESPONSES)
async def overview(request: Request, period: PeriodParam = Period.ALL, community_id: CommunityId = None) -> Response:
    """Totals, success rate, reciprocity (ROI), credits moved and tasks per platform. Shared: at
    most DASHBOARD_SHARED_S (2 s by default) older than the database."""
    reader = _read_side(request)

    def view(viewer: Viewer, now: datetime) -> bytes:
        found = dashboard_service.overview(
            reader, viewer=viewer, period=period, community_id=community_id, today=now.date()
        )
        return OverviewOut.of(found).model_dump_json().encode()

    return await shared_json(request, ("overview", period), view, community_id=community_id)


@router.get("/groups", response_model=GroupsOut, responses=_AUTH_RESPONSES)
async def groups(
    request: Request,
    limit: Limit = 20,
    sort_by: GroupOrder = GroupOrder.ROI_RATIO,
    period: PeriodParam = Period.ALL,
    community_id: CommunityId = None,
) -> Response:
    """Per community: interactions, support given and received, ROI ratio and efficiency. Shared:
    at most DASHBOARD_SHARED_S (2 s by default) older than the database."""
    reader = _read_side(request)

    def view(viewer: Viewer, now: datetime) -> bytes:
        rows = dashboard_service.groups(
            reader,
            viewer=viewer,
            period=period,
            sort_by=sort_by,
            limit=limit,
            today=now.date(),
            community_id=community_id,
        )
        found = GroupsOut(period=period, sort_by=sort_by, items=[GroupOut.of(row) for row in rows])
        return found.model_dump_json().encode()

    return await shared_json(request, ("groups", limit, sort_by, period), view, community_id=community_id)


@router.get("/users", response_model=UsersOut, responses=_AUTH_RESPONSES)
async def users(
    request: Request,
    limit: Limit = 20,
    min_interactions: Annotated[
        int, Query(ge=0, le=1_000_000_000, description="Minimum tasks taken in the period.")
    ] = 0,
    community_id: CommunityId = None,
    period: PeriodParam = Period.ALL,
) -> Response:
    """Per member, most verified feedback given in the period first: completed and failed tasks,
    feedback given and received and ROI in the period; reliability and trust over all time.
    Shared: at most DASHBOARD_SHARED_S (2 s by default) older than the database."""
    reader = _read_side(request)

    def view(viewer: Viewer, now: datetime) -> bytes:
        views = dashboard_service.users(
            reader,
            viewer=viewer,
            community_id=community_id,
            min_interactions=min_interactions,
            limit=limit,
            period=period,
            today=now.date(),
        )
        return UsersOut(period=period, items=[UserOut.of(v) for v in views]).model_dump_json().encode()

    question = ("users", limit, min_interactions, period)
    return await shared_json(request, question, view, community_id=community_id)


@router.get("/platforms", response_model=PlatformsOut, responses=_AUTH_RESPONSES)
def platforms(
    reader: Reader,
    today: Today,
    viewer: CurrentViewer,
    period: PeriodParam = Period.ALL,
    community_id: CommunityId = None,
) -> PlatformsOut:
    """Per platform: success rate, mean time to verify and the distribution of outcomes."""
    rows = dashboard_service.platforms(
        reader,
        viewer=viewer,
        community_id=community_id,
        period=period,
        today=today,
    )
    return PlatformsOut(period=period, items=[PlatformOut.of(row) for row in rows])


@router.get("/errors", response_model=ErrorsOut, responses=_AUTH_RESPONSES)
async def errors(
    request: Request,
    hours: Annotated[int, Query(ge=1, le=168, description="How far back, up to a week.")] = 24,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    community_id: CommunityId = None,
) -> Response:
    """Recent job failures (platform outages, vanished content, crashes) and rejections by rule,
    newest first, with a breakdown by type. Shared: at most DASHBOARD_SHARED_S (2 s by default)
    older than the database."""
    reader = _read_side(request)

    def view(viewer: Viewer, now: datetime) -> bytes:
        found = dashboard_service.errors(
            reader, viewer=viewer, community_id=community_id, hours=hours, limit=limit, now=now
        )
        return ErrorsOut.of(found).model_dump_json().encode()

    # The window starts at a whole hour: an answer is shared within that hour only.
    return await shared_json(
        request,
        ("errors", hours, limit),
        view,
        community_id=community_id,
        moment=lambda now: errors_since(now, hours),
    )


@router.get("/model", response_model=ModelOut, responses=_AUTH_RESPONSES)
def model(request: Request, viewer: CurrentViewer) -> ModelOut:
    """The reciprocity model in use (who gives back), with its test scores and calibration."""
    del viewer  # any admin may see the model card: it holds no member's data
    card = container_of(request).reciprocity_learner.card()
    if card is None:
        return ModelOut(version=None)
    return ModelOut.model_validate({k: v for k, v in card.items() if k in ModelOut.model_fields})


@router.get("/communities", response_model=CommunitiesOut, responses=_AUTH_RESPONSES)
def communities(reader: Reader, viewer: CurrentViewer) -> CommunitiesOut:
    """The communities you may see."""
    titles = dashboard_service.visible_communities(reader, viewer=viewer)
    return CommunitiesOut(
        is_operator=viewer.is_operator, items=[CommunityOut(id=i, title=t) for i, t in titles.items()]
    )


EntityParam = Annotated[ExportEntity, Query(description="What to export.")]
_EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_AUTH_RESPONSES,
    200: {"description": "Streamed.", "content": {"text/csv": {}, "application/json": {}}},
}


@router.get("/export/csv", response_class=Response, responses=_EXPORT_RESPONSES)
def export_csv(
    request: Request,
    viewer: CurrentViewer,
    entity_type: EntityParam,
    period: PeriodParam = Period.ALL,
    community_id: CommunityId = None,
) -> Response:
    """Streams every row as CSV (cells that a spreadsheet would run as a formula are quoted)."""
    return exports.streamed(
        request, viewer, entity_type, period=period, community_id=community_id, encoding=exports.Encoding.CSV
    )


@router.get("/export/json", response_class=Response, responses=_EXPORT_RESPONSES)
def export_json(
    request: Request,
    viewer: CurrentViewer,
    entity_type: EntityParam,
    period: PeriodParam = Period.ALL,
    community_id: CommunityId = None,
) -> Response:
    """Streams every row as one JSON array of objects."""
    return exports.streamed(
        request, viewer, entity_type, period=period, community_id=community_id, encoding=exports.Encoding.JSON
    )


@router.get(
    "/login",
    response_class=RedirectResponse,
    status_code=status.HTTP_303_SEE_OTHER,
    responses={401: {"description": "Invalid, expired or already used link."}},
)
def login(request: Request, token: Annotated[str, Query(max_length=256)]) -> Response:
    """Uses up a login link from the bot, sets the session cookie and opens the dashboard."""
    if "telegrambot" in request.headers.get("user-agent", "").lower():
        # Telegram's link-preview fetcher must not spend the admin's single-use link.
        return HTMLResponse("<!doctype html><title>tgexchange dashboard</title>", status_code=200)
    container = container_of(request)
    try:
        login = dashboard_service.redeem_login_link(container.storage.uow(), token=token, now=container.clock.now())
    except LoginLinkInvalid:
        page = message_page(
            request,
            container.settings,
            title="This login link cannot be used",
            message="It is unknown, expired (a link lasts 10 minutes) or already used (a link works once).",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
        page.headers["WWW-Authenticate"] = "Bearer"
        return page
    session_checks_of(request).ended()  # its older sessions ended: no check from before shared
    response = RedirectResponse(PREFIX, status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        sessions_of(request).issue(login.telegram_user_id, login.epoch),
        max_age=sessions_of(request).max_age_s,
        path=COOKIE_PATH,
        secure=is_secure(request, container.settings.public_base_url),
        httponly=True,
        samesite="lax",
    )
    return response


@router.post("/logout", response_class=RedirectResponse, status_code=status.HTTP_303_SEE_OTHER)
def logout(request: Request) -> Response:
    """Ends every session of the cookie's user (a copy of the cookie stops working too) and
    forgets the cookie."""
    # A form on another site must not log an admin out: the cookie is SameSite=Lax, and a browser
    # says where a POST came from. (The page's own form has no CSRF token to send.)
    refuse_cross_site(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    session = sessions_of(request).read(cookie) if cookie else None
    if session is not None:
        dashboard_service.end_sessions(container_of(request).storage.uow(), telegram_user_id=session.telegram_user_id)
        session_checks_of(request).ended()  # no check from before the logout shared with later requests
    response = RedirectResponse(f"{PREFIX}?logged_out=1", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(
        SESSION_COOKIE,
        path=COOKIE_PATH,
        secure=is_secure(request, container_of(request).settings.public_base_url),
        httponly=True,
        samesite="lax",
    )
    return response
