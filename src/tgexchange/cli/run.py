"""``tgexchange run``: the whole service in one process, the embedded default. The Telegram bot
by long polling, the job worker (verification, the sweeper) in threads beside it, on the SQLite
queue unless QUEUE_URL says otherwise, and the dashboard on the bot's event loop."""

from __future__ import annotations

import asyncio
import signal
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from tgexchange.cli.console import err
from tgexchange.cli.serve import DEFAULT_HOST, DEFAULT_PORT
from tgexchange.config import Settings

if TYPE_CHECKING:
    import uvicorn

    from tgexchange.bot.app import App
    from tgexchange.worker.runner import InProcessWorker

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


@dataclass
class OneProcess:
    """The bot, the job worker and (optionally) the dashboard, started and stopped together.

    The lifecycle is driven here rather than by PTB's run_polling: a signal only sets an event, so
    one that arrives while polling is still starting (Telegram's deleteWebhook can take seconds)
    still leads through the whole teardown."""

    application: App
    worker: InProcessWorker
    server: uvicorn.Server | None
    sock: socket.socket | None
    banner: str

    async def run(self) -> None:
        from tgexchange.bot.app import ALLOWED_UPDATES, start_bot

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        serving: list[asyncio.Task[None]] = []
        async with self.application:
            try:
                await start_bot(self.application)
                self.worker.start()
                if self.server is not None and self.sock is not None:
                    serving.append(asyncio.create_task(self.server.serve(sockets=[self.sock])))
                if not stop.is_set():
                    assert self.application.updater is not None  # built for polling
                    await self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
                    await self.application.start()
                    err.print(f"bot @{self.application.bot.username} is polling; {self.banner}", markup=False)
                    await stop.wait()
            finally:
                await self._stop(serving)

    async def _stop(self, serving: list[asyncio.Task[None]]) -> None:
        """Stops fetching and lets updates in flight finish; the dashboard finishes its requests;
        jobs in flight finish next, while the bot can still tell members their outcome; then
        those last notices go out. Each step runs whatever happened before it."""
        from tgexchange.bot.app import stop_bot

        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        if self.server is not None:
            self.server.should_exit = True
            await asyncio.gather(*serving, return_exceptions=True)
        await asyncio.to_thread(self.worker.stop)
        await stop_bot(self.application)


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

    from telegram.error import InvalidToken

    from tgexchange.bootstrap import bootstrap
    from tgexchange.bot.app import build_application
    from tgexchange.cli.serve import embedded_server, web_app
    from tgexchange.worker.breaker_store import HueyBreakerStore
    from tgexchange.worker.jobs import register_jobs
    from tgexchange.worker.queue import make_huey
    from tgexchange.worker.runner import InProcessWorker

    huey = make_huey(settings.effective_queue_url)
    container = bootstrap(settings, breaker_store=HueyBreakerStore(huey))
    jobs = register_jobs(huey, container)
    banner = "job worker running"
    if sock is not None:
        banner += f"; dashboard on http://{host}:{port}/exchange/dashboard (public: {settings.public_base_url})"
    service = OneProcess(
        application=build_application(container, token=token, queue=jobs, base_url=settings.telegram_api_base_url),
        worker=InProcessWorker(huey, threads=threads or settings.worker_threads),
        server=embedded_server(web_app(container), host=host, port=port) if sock is not None else None,
        sock=sock,
        banner=banner + ". Ctrl-C or SIGTERM to stop.",
    )
    try:
        asyncio.run(service.run())
    except InvalidToken as error:
        err.print("Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather.", markup=False)
        raise typer.Exit(code=2) from error
    finally:
        if sock is not None:
            sock.close()
        container.storage.dispose()
