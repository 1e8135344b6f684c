"""The dashboard page and its static files. Plotly.js is served from the plotly package's own
bundle (never a CDN), gzipped once in memory before the first request (web/assets.py), under a
content-hashed URL cached for a year."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response

from tgexchange.services import dashboard as dashboard_service
from tgexchange.web.assets import Assets, asset_response
from tgexchange.web.auth import container_of, find_viewer
from tgexchange.web.dashboard import PREFIX
from tgexchange.web.messages import how_to_log_in, message_page
from tgexchange.web.operations import csrf_token
from tgexchange.web.templates import render

STATIC = Path(__file__).parent / "static"
STATIC_PATH = f"{PREFIX}/static"
REFRESH_MS = 10_000
# Each page waits REFRESH_MS ± this share between refreshes. Without it, pages that all waited on
# one slow answer (a restart, a burst of logins) keep refreshing in the same instant for good,
# because each waits exactly 10 s after its answer; with it, they drift apart within a few rounds.
REFRESH_JITTER = 0.2
router = APIRouter(include_in_schema=False)


def plotly_bundle() -> Path:
    spec = importlib.util.find_spec("plotly")  # located, not imported: importing plotly is slow
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def swagger_ui_file(name: str) -> Path:
    """Swagger UI's own files as the pinned fastapi-offline package ships them (the API docs at
    /docs load nothing from a CDN)."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the fastapi-offline package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / name


_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"
asset = Assets(
    {
        "plotly.min.js": (plotly_bundle, _JS),
        "dashboard.js": (lambda: STATIC / "dashboard.js", _JS),
        "fair_play.js": (lambda: STATIC / "fair_play.js", _JS),
        "dashboard.css": (lambda: STATIC / "dashboard.css", _CSS),
        "plotly.css": (lambda: STATIC / "plotly.css", _CSS),
        "swagger-ui-bundle.js": (lambda: swagger_ui_file("swagger-ui-bundle.js"), _JS),
        "swagger-ui.css": (lambda: swagger_ui_file("swagger-ui.css"), _CSS),
        "docs.js": (lambda: STATIC / "docs.js", _JS),
    }
)


@cache
def style_injection_markers() -> tuple[str, ...]:
    """Ids of elements whose presence stops the Plotly bundle from injecting a <style> of its own
    (maplibre's map styles; the page draws no maps), which the strict CSP would refuse."""
    bundle = asset("plotly.min.js").body.decode()
    return tuple(re.findall(r'getElementById\("([0-9a-f]{64})"\)\)\{var e=document\.createElement\("style"\)', bundle))


def asset_url(name: str) -> str:
    return asset.url(STATIC_PATH, name)


def load_assets() -> None:
    """Builds every file and what the page reads from Plotly's bundle, once per process: before the
    first request, so that no request waits for it and concurrent first requests do not each
    build it (web/assets.py)."""
    asset.load_all()
    style_injection_markers()


# A coroutine: the files are in memory (built by create_app before the first request), so serving
# one takes no worker thread; 200 pages opening at once ask for 1,000 of them.
@router.get(f"{STATIC_PATH}/{{name}}")
async def static_file(request: Request, name: str) -> Response:
    return asset_response(request, asset, name)


@router.get(PREFIX, response_class=HTMLResponse)
def dashboard_page(request: Request) -> HTMLResponse:
    viewer = find_viewer(request)
    settings = container_of(request).settings
    if viewer is None:
        logged_out = bool(request.query_params.get("logged_out"))
        return message_page(
            request,
            settings,
            title="You are logged out" if logged_out else "Log in to the dashboard",
            message="Your session has ended." if logged_out else "The dashboard opens with a login link.",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    communities = dashboard_service.visible_communities(container_of(request).storage.dashboard_reader, viewer=viewer)
    return render(
        request,
        "dashboard.html",
        {
            "communities": sorted(communities.items(), key=lambda item: item[1].casefold()),
            "is_operator": viewer.is_operator,
            "api": PREFIX,
            "refresh_ms": REFRESH_MS,
            "refresh_jitter": REFRESH_JITTER,
            "css_url": asset_url("dashboard.css"),
            "plotly_css_url": asset_url("plotly.css"),
            "plotly_url": asset_url("plotly.min.js"),
            "js_url": asset_url("dashboard.js"),
            "fair_play_js_url": asset_url("fair_play.js"),
            "style_markers": style_injection_markers(),
            "relogin": how_to_log_in(settings),
            # Admins too: deciding appeals and rings wants it (the kill switch also wants the
            # operator, so the token alone gives an admin nothing more).
            "csrf_token": csrf_token(request),
        },
    )
