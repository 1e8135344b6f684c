"""The web face: the admin dashboard (page, JSON API, exports), the Mini App (its page and
API), probes and metrics, and any routers other faces bring (the Telegram webhook)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from importlib.metadata import version

from fastapi import APIRouter, FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException

from tgexchange.bootstrap import Container
from tgexchange.domain.dashboard import NotYourCommunity
from tgexchange.services.operations import Status
from tgexchange.services.operations import status as status_of
from tgexchange.web import dashboard, fair_play, health, miniapp, operations, page, rings
from tgexchange.web.auth import Sessions
from tgexchange.web.errors import SafeJSONResponse, http_error, validation_failed
from tgexchange.web.metrics import Metrics
from tgexchange.web.security import SecurityHeaders
from tgexchange.web.shared_answers import SharedAnswers
from tgexchange.web.templates import render
from tgexchange.web.viewers import SessionChecks

OPENAPI_URL = "/openapi.json"


def _forbidden(_request: Request, error: Exception) -> JSONResponse:
    message = error.message if isinstance(error, NotYourCommunity) else "Forbidden."
    return JSONResponse({"detail": message}, status_code=status.HTTP_403_FORBIDDEN)


def _docs_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    def docs(request: Request) -> HTMLResponse:
        # Swagger UI from the pinned package's files, started by a static script: the page runs
        # under the same strict policy as the dashboard (no CDN, no inline script).
        return render(
            request,
            "docs.html",
            {
                "openapi_url": OPENAPI_URL,
                "css_url": page.asset_url("swagger-ui.css"),
                "bundle_url": page.asset_url("swagger-ui-bundle.js"),
                "js_url": page.asset_url("docs.js"),
            },
        )

    return router


def operations_status(container: Container) -> Status:
    return status_of(container.storage.uow(), now=container.clock.now())


def create_app(
    container: Container,
    *,
    extra_routers: Sequence[APIRouter] = (),
    queue_depth: Callable[[], int] | None = None,
    queue_counters: Callable[[], dict[str, float]] | None = None,
) -> FastAPI:
    """The ASGI app over ``container``. ``extra_routers`` are mounted as given (the bot's
    webhook); ``queue_depth`` feeds the queue gauge of /metrics when the caller can tell it."""
    app = FastAPI(
        title="tgexchange",
        version=version("tgexchange"),
        summary="Admin dashboard API of a verified feedback exchange.",
        description=(
            "The views a dashboard refreshes (overview, groups, users, errors, anomalies) are computed once"
            " and shared by every viewer of the same communities who asks the same question within"
            " DASHBOARD_SHARED_S (2 s by default): a figure is at most that much older than the database."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL,
        default_response_class=SafeJSONResponse,
    )
    app.state.container = container
    # Static files are read, gzipped and hashed here, once per process, not by the first requests
    # (200 pages opening at once each gzipped Plotly's bundle again: docs/RELIABILITY.md, "Load").
    page.load_assets()
    miniapp.app_asset.load_all()
    app.state.sessions = Sessions(container.session_secret)
    shared_for = timedelta(seconds=container.settings.dashboard_shared_s)
    app.state.shared_answers = SharedAnswers(container.clock, shared_for=shared_for)
    app.state.session_checks = SessionChecks()
    metrics = Metrics(
        container.storage.dashboard_reader,
        queue_depth,
        operations_status=lambda: operations_status(container),
        queue_counters=queue_counters,
    )
    app.state.metrics = metrics
    app.add_exception_handler(NotYourCommunity, _forbidden)
    app.add_exception_handler(RequestValidationError, validation_failed)
    app.add_exception_handler(HTTPException, http_error)
    app.include_router(health.router)
    app.include_router(dashboard.router)
    app.include_router(rings.router)
    app.include_router(operations.router)
    app.include_router(fair_play.router)
    app.include_router(page.router)
    app.include_router(miniapp.router)
    app.include_router(_docs_router())
    for router in extra_routers:
        app.include_router(router)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(metrics.middleware)
    return app
