"""``tgexchange serve``: the web face (dashboard, its API, probes and metrics) over uvicorn, and
the Telegram webhook when the bot is configured for one."""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import socket
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from tgexchange.cli.console import err
from tgexchange.config import Settings

if TYPE_CHECKING:
    import uvicorn
    from fastapi import APIRouter, FastAPI

    from tgexchange.bootstrap import Container

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
# How long an idle connection is kept open (uvicorn's default is 5 s). An open dashboard asks again
# every 10 s ± 20% (web/page.REFRESH_JITTER): kept longer than that, a page reuses its connections
# instead of opening five new ones (and, behind TLS, five handshakes) every round.
KEEP_ALIVE_S = 15


def queue_depth_of(settings: Settings) -> Callable[[], int]:
    """How many jobs wait in QUEUE_URL's queue, asked at each /metrics scrape."""

    def depth() -> int:
        from tgexchange.worker.queue import make_huey

        return int(make_huey(settings.effective_queue_url).pending_count())

    return depth


def queue_counters_of(settings: Settings) -> Callable[[], dict[str, float]]:
    """The counters the workers keep in QUEUE_URL's storage, asked at each /metrics scrape."""

    def counters() -> dict[str, float]:
        from tgexchange.worker.ops_counters import queue_counters
        from tgexchange.worker.queue import make_huey

        return queue_counters(make_huey(settings.effective_queue_url))

    return counters


def web_app(container: Container, extra_routers: tuple[APIRouter, ...] = ()) -> FastAPI:
    from tgexchange.web.app import create_app

    return create_app(
        container,
        extra_routers=extra_routers,
        queue_depth=queue_depth_of(container.settings),
        queue_counters=queue_counters_of(container.settings),
    )


_TOKEN = re.compile(r"(token=)[^&\s]+")


class RedactLoginTokens(logging.Filter):
    """Access-log lines carry the path with its query; a login link's token (still unspent when a
    link preview fetched it) must not end up in log files."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN.sub(r"\1[redacted]", a) if isinstance(a, str) else a for a in record.args)
        return True


def _config(app: FastAPI, *, host: str, port: int, log_level: str) -> uvicorn.Config:
    # Behind a reverse proxy on this machine (e.g. nginx terminating TLS for the dashboard),
    # X-Forwarded-Proto is trusted (uvicorn's default), so cookies get Secure flags over https.
    import uvicorn

    config = uvicorn.Config(
        app, host=host, port=port, log_level=log_level.lower(), server_header=False, timeout_keep_alive=KEEP_ALIVE_S
    )
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactLoginTokens) for f in access.filters):
        access.addFilter(RedactLoginTokens())
    return config


def _stopped(_signum: int, _frame: FrameType | None) -> None:
    """uvicorn has already shut down gracefully when it raises the stop signal again."""


def shared_socket(host: str, port: int) -> socket.socket:
    """A socket bound with SO_REUSEPORT, so that several ``serve`` processes share one address and
    the kernel spreads connections among them (as under systemd, without a proxy). It is bound but
    not listening: asyncio listens once uvicorn has started the app, so no connection is queued
    on a process that is still starting. Raises OSError when the port is held without
    SO_REUSEPORT (or by another user)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def run_server(
    app: FastAPI, *, host: str, port: int, log_level: str = "info", sock: socket.socket | None = None
) -> None:
    """Serves until SIGINT or SIGTERM: uvicorn finishes the requests in flight (and the webhook's
    updates), then the process exits 0, as ``tgexchange run`` does. With ``sock`` (see
    ``shared_socket``) uvicorn serves on it instead of binding ``host``:``port`` itself."""
    import uvicorn

    stop_signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, _stopped) for sig in stop_signals}
    try:
        uvicorn.Server(_config(app, host=host, port=port, log_level=log_level)).run(
            sockets=[sock] if sock is not None else None
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def embedded_server(app: FastAPI, *, host: str, port: int, log_level: str = "warning") -> uvicorn.Server:
    """A server to run as a task on an event loop someone else owns (the bot's, in ``tgexchange
    run``): it leaves SIGINT and SIGTERM to the owner, who stops it with ``should_exit = True``."""
    import uvicorn

    class Embedded(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Embedded(_config(app, host=host, port=port, log_level=log_level))


def webhook_routers(container: Container) -> tuple[APIRouter, ...]:
    """The Telegram webhook route when TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET are both set,
    else nothing. Verification jobs go to QUEUE_URL for `tgexchange worker` processes. An https
    PUBLIC_BASE_URL is registered with Telegram at start (setWebhook with the secret)."""
    settings = container.settings
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    secret = settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else ""
    if not token or not secret:
        return ()
    from tgexchange.bot.app import build_application
    from tgexchange.bot.webhook import webhook_router
    from tgexchange.worker.jobs import register_jobs
    from tgexchange.worker.queue import make_huey

    jobs = register_jobs(make_huey(settings.effective_queue_url), container)
    application = build_application(
        container, token=token, queue=jobs, base_url=settings.telegram_api_base_url, polling=False
    )
    public = settings.public_base_url if settings.public_base_url.startswith("https://") else None
    return (webhook_router(application, secret, public_url=public),)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
    reuse_port: Annotated[
        bool, typer.Option(help="Share the port with other `serve` processes (SO_REUSEPORT; Linux, BSD).")
    ] = False,
) -> None:
    """Serve the admin dashboard and its API (docs at /docs) until Ctrl-C.

    Admins log in with the link the bot sends for /dashboard; the operator sends
    "Authorization: Bearer $OPERATOR_TOKEN". PUBLIC_BASE_URL is the address admins reach. With
    TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET set, the bot's webhook is served at
    /telegram/webhook too (run `tgexchange worker` for the jobs). With --reuse-port, several
    processes serve one address and the kernel balances connections among them.
    """
    from tgexchange.bootstrap import bootstrap

    sock = None
    if reuse_port:
        try:
            sock = shared_socket(host, port)
        except OSError as error:
            err.print(f"cannot share {host}:{port}: {error.strerror}", markup=False)
            raise typer.Exit(code=2) from error
    settings = Settings()
    container = bootstrap(settings)
    try:
        routers = webhook_routers(container)
    except ValueError as error:  # a secret Telegram would not accept
        err.print(str(error), markup=False)
        raise typer.Exit(code=2) from error
    err.print(
        f"dashboard: http://{host}:{port}/exchange/dashboard (public: {settings.public_base_url})"
        + ("; Telegram webhook at /telegram/webhook" if routers else "")
        + "; Ctrl-C to stop"
    )
    run_server(web_app(container, routers), host=host, port=port, log_level=settings.log_level, sock=sock)
    container.storage.dispose()
