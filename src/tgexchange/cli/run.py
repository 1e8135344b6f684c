"""``tgexchange run``: the whole service in one process, the embedded default. The Telegram bot
by long polling, the job worker (verification, the sweeper) in threads beside it, on the SQLite
queue unless QUEUE_URL says otherwise, and the dashboard on the bot's event loop."""

from __future__ import annotations

import asyncio
import signal
import socket
from typing import Annotated

import typer

from tgexchange.cli.console import err
from tgexchange.cli.serve import DEFAULT_HOST, DEFAULT_PORT
from tgexchange.config import Settings

NO_BOT = (
    "TELEGRAM_BOT_TOKEN is not set, so there is no bot to run.\n"
    "Create a bot with @BotFather in Telegram and set TELEGRAM_BOT_TOKEN to its token (see README).\n"
    "To look around without Telegram, run `tgexchange demo`."
)


def _listen(host: str, port: int) -> socket.socket:
    """The dashboard's socket, bound before anything starts so that a busy port is a clear error
    at once rather than a failure inside the running bot."""
    try:
        sock = socket.create_server((host, port), reuse_port=False)
    except OSError as error:
        err.print(f"cannot serve the dashboard on {host}:{port}: {error.strerror}. Use --port, or --no-dashboard.")
        raise typer.Exit(code=2) from error
    sock.setblocking(False)
    return sock


def run(
    threads: Annotated[int, typer.Option(min=0, max=64, help="Job worker threads (0: WORKER_THREADS).")] = 0,
    dashboard: Annotated[bool, typer.Option(help="Also serve the admin dashboard (--no-dashboard: bot only).")] = True,
    host: Annotated[str, typer.Option(help="Interface the dashboard listens on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port the dashboard listens on.")] = DEFAULT_PORT,
) -> None:
    """Run the Telegram bot (long polling), the job worker and the dashboard until SIGINT or SIGTERM.

    Needs TELEGRAM_BOT_TOKEN. TELEGRAM_API_BASE_URL points at a self-hosted Bot API server.
    Admins get dashboard login links by sending /dashboard to the bot.
    """
    settings = Settings()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        err.print(NO_BOT, highlight=False, markup=False)
        raise typer.Exit(code=2)
    sock = _listen(host, port) if dashboard else None

    from tgexchange.bootstrap import bootstrap
    from tgexchange.bot.app import ALLOWED_UPDATES, App, build_application, start_bot, stop_bot
    from tgexchange.cli.serve import embedded_server, web_app
    from tgexchange.worker.breaker_store import HueyBreakerStore
    from tgexchange.worker.jobs import register_jobs
    from tgexchange.worker.queue import make_huey
    from tgexchange.worker.runner import InProcessWorker

    huey = make_huey(settings.effective_queue_url)
    container = bootstrap(settings, breaker_store=HueyBreakerStore(huey))
    jobs = register_jobs(huey, container)
    worker = InProcessWorker(huey, threads=threads or settings.worker_threads)
    application = build_application(container, token=token, queue=jobs, base_url=settings.telegram_api_base_url)
    server = embedded_server(web_app(container), host=host, port=port) if sock is not None else None
    serving: list[asyncio.Task[None]] = []

    async def on_start(app: App) -> None:
        await start_bot(app)
        worker.start()
        if server is not None and sock is not None:
            serving.append(asyncio.create_task(server.serve(sockets=[sock])))
            where = f"; dashboard on http://{host}:{port}/exchange/dashboard (public: {settings.public_base_url})"
        else:
            where = ""
        err.print(
            f"bot @{app.bot.username} is polling; job worker running{where}. Ctrl-C or SIGTERM to stop.", markup=False
        )

    async def on_stop(app: App) -> None:
        # Polling has stopped and updates in flight are done. The dashboard finishes its requests;
        # jobs in flight finish next, while the bot can still tell members their outcome; then
        # those last notices go out.
        if server is not None:
            server.should_exit = True
            await asyncio.gather(*serving)
        await asyncio.to_thread(worker.stop)
        await stop_bot(app)

    application.post_init = on_start
    application.post_stop = on_stop
    # SIGTERM stops fetching, lets updates in flight finish, then everything shuts down cleanly.
    application.run_polling(allowed_updates=ALLOWED_UPDATES, stop_signals=(signal.SIGINT, signal.SIGTERM))
    container.storage.dispose()
