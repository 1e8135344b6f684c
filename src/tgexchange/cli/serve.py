"""``tgexchange serve``: the web face (dashboard, its API, probes and metrics) over uvicorn."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from tgexchange.cli.console import err
from tgexchange.config import Settings

if TYPE_CHECKING:
    from tgexchange.bootstrap import Container

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def queue_depth_of(settings: Settings) -> Callable[[], int]:
    """How many jobs wait in QUEUE_URL's queue, asked at each /metrics scrape."""

    def depth() -> int:
        from tgexchange.worker.queue import make_huey

        return int(make_huey(settings.effective_queue_url).pending_count())

    return depth


def run_server(container: Container, *, host: str, port: int, log_level: str = "info") -> None:
    """Serves until SIGINT or SIGTERM. Behind a proxy on this machine, X-Forwarded-Proto is
    trusted (uvicorn's default), so cookies get Secure flags for https visitors."""
    import uvicorn

    from tgexchange.web.app import create_app

    app = create_app(container, queue_depth=queue_depth_of(container.settings))
    uvicorn.run(app, host=host, port=port, log_level=log_level.lower(), server_header=False)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
) -> None:
    """Serve the admin dashboard and its API (docs at /docs) until Ctrl-C.

    Admins log in with the link the bot sends for /dashboard; the operator sends
    "Authorization: Bearer $OPERATOR_TOKEN". PUBLIC_BASE_URL is the address admins reach.
    """
    from tgexchange.bootstrap import bootstrap

    settings = Settings()
    container = bootstrap(settings)
    err.print(
        f"dashboard: http://{host}:{port}/exchange/dashboard (public: {settings.public_base_url}); Ctrl-C to stop"
    )
    run_server(container, host=host, port=port, log_level=settings.log_level)
    container.storage.dispose()
