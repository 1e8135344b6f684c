"""The Mini App: one page at /app that Telegram opens inside its own window, and its JSON API
under /app/api/. Thin endpoints over services/miniapp.py.

Who is asking: every API request carries Telegram's signed init data as ``Authorization: tma
<initData>`` (the convention of Telegram's Mini Apps documentation), checked by web/initdata.py
with the bot's token; anything else is 401. There is no cookie and no login: the page itself
carries no data, it reads the init data from its URL fragment (``#tgWebAppData=…``, which
browsers never send to a server) and asks the API.

CSRF: a browser adds a cookie to a forged cross-site request on its own, never an Authorization
header; and a cross-site page cannot set one without a CORS preflight, which this app never
grants. So a forged form or fetch arrives without init data and is refused with 401, before
anything else is read. State-changing requests also refuse a foreign ``Origin`` (403) and any
body but JSON (415): a second and third line, should init data ever ride on something a browser
sends by itself.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import structlog
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response

from tgexchange.domain.dashboard import Period
from tgexchange.domain.errors import CommunityNotFound, InvalidSettings, NotAnAdmin
from tgexchange.services import miniapp as miniapp_service
from tgexchange.services.miniapp import NotAMember
from tgexchange.web import page
from tgexchange.web.assets import Assets, asset_response
from tgexchange.web.auth import container_of
from tgexchange.web.dashboard import MAX_ID
from tgexchange.web.errors import NOT_JSON, refused
from tgexchange.web.initdata import InitData, InitDataInvalid, validate
from tgexchange.web.miniapp_schemas import AdminOut, MeOut, SettingsIn, SettingsOut
from tgexchange.web.security import STRICT_CSP
from tgexchange.web.templates import render

log = structlog.get_logger("tgexchange.web")

PATH = "/app"
API = f"{PATH}/api"
STATIC_PATH = f"{PATH}/static"
LOCALES = Path(__file__).parent / "locales"
# Telegram's web clients show a Mini App in an iframe of theirs; its apps on phones and desktops
# in a web view of their own, where framing does not apply. Nobody else may frame the page.
TELEGRAM_WEB = "https://web.telegram.org"
PAGE_CSP = STRICT_CSP.replace("frame-ancestors 'none'", f"frame-ancestors {TELEGRAM_WEB}")
SCHEME = "tma"
HOW_TO_OPEN = (
    "Open the app from Telegram (the bot's menu button or [Open app] under /me); it proves who you are "
    "for an hour, then open it again."
)

router = APIRouter(tags=["mini app"])

_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid Telegram init data (Authorization: tma <initData>)."},
}
_ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_RESPONSES,
    403: {"description": "Not an admin of that community (now)."},
    404: {"description": "No such community."},
}


class AppUnauthorized(HTTPException):
    def __init__(self, detail: str = HOW_TO_OPEN) -> None:
        super().__init__(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": SCHEME})


def telegram_user(request: Request) -> InitData:
    """The Telegram user the request's init data proves. Raises AppUnauthorized (401)."""
    container = container_of(request)
    scheme, _, init_data = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != SCHEME or not init_data.strip():
        raise AppUnauthorized()
    token = container.settings.telegram_bot_token
    bot_token = token.get_secret_value().strip() if token is not None else ""
    if not bot_token:
        raise AppUnauthorized("This server runs without a Telegram bot (TELEGRAM_BOT_TOKEN), so no Mini App.")
    try:
        return validate(
            init_data.strip(),
            bot_token=bot_token,
            now=container.clock.now(),
            max_age=timedelta(seconds=container.settings.mini_app_max_age_s),
        )
    except InitDataInvalid as refused:
        log.info("mini_app_refused", reason=refused.reason)
        raise AppUnauthorized() from None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request) -> None:
    """Refuses (403) a request whose Origin is neither the app's public address nor the address it
    was sent to. No Origin at all (a client that is not a browser) passes: the init data decides."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    allowed = {origin_of(container_of(request).settings.public_base_url), origin_of(str(request.base_url))}
    if origin.lower() not in allowed:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Cross-origin requests are refused.")


def json_body(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail="Send JSON.")


TelegramUser = Annotated[InitData, Depends(telegram_user)]
CommunityQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Default: the one joined last.")]
PeriodQuery = Annotated[Period, Query(description="UTC days: today, the last 7, the last 30, or all time.")]


def _now(request: Request) -> datetime:
    return container_of(request).clock.now()


def _today(request: Request) -> date:
    return _now(request).date()


@router.get(
    f"{API}/me",
    response_model=MeOut,
    responses={**_RESPONSES, 404: {"description": "The Telegram user is no member (of that community)."}},
)
def me(request: Request, user: TelegramUser, community_id: CommunityQuery = None) -> MeOut:
    """The member's own summary: balance (as /balance), numbers and reliability (as /me), where
    their credits went, open tasks with deadlines, feedback given and received with outcomes."""
    storage = container_of(request).storage
    try:
        summary = miniapp_service.member_summary(
            storage.member_reader, storage.miniapp_reader, telegram_user_id=user.user_id, community_id=community_id
        )
    except NotAMember:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail="You are not a member of that community: join it from its group first."
        ) from None
    return MeOut.of(summary, user_id=user.user_id, now=_now(request))


@router.get(f"{API}/admin/{{community_id}}", response_model=AdminOut, responses=_ADMIN_RESPONSES)
def admin(request: Request, user: TelegramUser, community_id: int, period: PeriodQuery = Period.ALL) -> AdminOut:
    """One community the user runs: the dashboard's figures for the period (that community only)
    and its settings. Who runs what is read again on every request."""
    storage = container_of(request).storage
    try:
        view = miniapp_service.admin_view(
            storage.dashboard_reader,
            storage.miniapp_reader,
            telegram_user_id=user.user_id,
            community_id=community_id,
            period=period,
            today=_today(request),
        )
    except CommunityNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="No such community.") from None
    return AdminOut.of(view)


@router.post(
    f"{API}/admin/{{community_id}}/settings",
    response_model=SettingsOut,
    # The init data first: a forged cross-site request is refused for lacking it, whatever else it got wrong.
    dependencies=[Depends(telegram_user), Depends(same_origin), Depends(json_body)],
    responses={
        **_ADMIN_RESPONSES,
        403: {"description": "Not an admin of that community (now), or a foreign Origin."},
        415: {"description": "The body is not JSON."},
        **NOT_JSON,
        **refused("A value the community's settings do not allow (the same bounds as the bot's menu)."),
    },
)
def change_settings(request: Request, user: TelegramUser, community_id: int, changes: SettingsIn) -> SettingsOut:
    """Changes the community's settings, as the bot's settings menu does (the same use case, the
    same audit entry)."""
    container = container_of(request)
    try:
        wanted = changes.changes()
        if not wanted:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="Nothing to change.")
        settings = miniapp_service.change_settings(
            container.storage.uow(),
            container.storage.miniapp_reader,
            telegram_user_id=user.user_id,
            community_id=community_id,
            now=container.clock.now(),
            **wanted,
        )
    except InvalidSettings as refused:
        detail = refused.params.get("detail")
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(detail) if detail else refused.message
        ) from None
    except NotAnAdmin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="You are not an admin of that community.") from None
    # The bot of this process forgets what it cached about the community (its settings).
    container.community_changed(community_id)
    return SettingsOut.of(settings)


# The page and its files -------------------------------------------------------------------------

_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"
app_asset = Assets(
    {
        "app.js": (lambda: page.STATIC / "app.js", _JS),
        "app.css": (lambda: page.STATIC / "app.css", _CSS),
    }
)


def app_asset_url(name: str) -> str:
    return app_asset.url(STATIC_PATH, name)


@router.get(f"{STATIC_PATH}/{{name}}", include_in_schema=False)
async def app_static_file(request: Request, name: str) -> Response:
    # In memory (built by create_app), so no worker thread: see web/page.static_file.
    return asset_response(request, app_asset, name)


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """The page's texts in every language: ``locales/<language>.json``."""
    texts: dict[str, dict[str, Any]] = {}
    for path in sorted(LOCALES.glob("*.json")):
        texts[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return texts


@router.get(PATH, response_class=HTMLResponse, include_in_schema=False)
def app_page(request: Request) -> HTMLResponse:
    """The page: no data in it (it has none before it reads its init data), so no check here."""
    response = render(
        request,
        "app.html",
        {
            "api": API,
            "texts": catalogue(),
            "css_url": app_asset_url("app.css"),
            "js_url": app_asset_url("app.js"),
            "plotly_url": page.asset_url("plotly.min.js"),
            "plotly_css_url": page.asset_url("plotly.css"),
            "style_markers": page.style_injection_markers(),
        },
    )
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response
