"""The web face: the admin dashboard (page, JSON API, exports), probes and metrics, and any
routers other faces bring (the Telegram webhook)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.metadata import version

from fastapi import APIRouter, FastAPI, Request, status
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from tgexchange.bootstrap import Container
from tgexchange.domain.dashboard import NotYourCommunity
from tgexchange.web import dashboard, health, page
from tgexchange.web.auth import Sessions
from tgexchange.web.metrics import Metrics
from tgexchange.web.security import SecurityHeaders, csp_for_inline_scripts

OPENAPI_URL = "/openapi.json"
_SWAGGER_CDN = "https://cdn.jsdelivr.net"


def _forbidden(_request: Request, error: Exception) -> JSONResponse:
    message = error.message if isinstance(error, NotYourCommunity) else "Forbidden."
    return JSONResponse({"detail": message}, status_code=status.HTTP_403_FORBIDDEN)


def _docs_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    def docs() -> HTMLResponse:
        # Swagger UI's own assets come from its CDN (only this page; the dashboard uses none).
        html = get_swagger_ui_html(openapi_url=OPENAPI_URL, title="tgexchange API")
        text = bytes(html.body).decode()
        policy = csp_for_inline_scripts(
            text, script_hosts=_SWAGGER_CDN, style_hosts=_SWAGGER_CDN, img_hosts="https://fastapi.tiangolo.com"
        )
        return HTMLResponse(text, headers={"Content-Security-Policy": policy})

    return router


def create_app(
    container: Container,
    *,
    extra_routers: Sequence[APIRouter] = (),
    queue_depth: Callable[[], int] | None = None,
) -> FastAPI:
    """The ASGI app over ``container``. ``extra_routers`` are mounted as given (the bot's
    webhook); ``queue_depth`` feeds the queue gauge of /metrics when the caller can tell it."""
    app = FastAPI(
        title="tgexchange",
        version=version("tgexchange"),
        summary="Admin dashboard API of a verified feedback exchange.",
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL,
    )
    app.state.container = container
    app.state.sessions = Sessions(container.session_secret)
    metrics = Metrics(container.storage.dashboard_reader, queue_depth)
    app.state.metrics = metrics
    app.add_exception_handler(NotYourCommunity, _forbidden)
    app.include_router(health.router)
    app.include_router(dashboard.router)
    app.include_router(page.router)
    app.include_router(_docs_router())
    for router in extra_routers:
        app.include_router(router)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(metrics.middleware)
    return app
