"""``tgexchange run``: the whole service in one process, the embedded default. The Telegram bot
by long polling, and the job worker (verification, the sweeper) in threads beside it, on the
SQLite queue unless QUEUE_URL says otherwise."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from tgexchange.cli.console import err
from tgexchange.config import Settings

NO_BOT = (
    "TELEGRAM_BOT_TOKEN is not set, so there is no bot to run.\n"
    "Create a bot with @BotFather in Telegram and set TELEGRAM_BOT_TOKEN to its token (see README).\n"
    "To look around without Telegram, run `tgexchange demo`."
)


def run(
    threads: Annotated[int, typer.Option(min=0, max=64, help="Job worker threads (0: WORKER_THREADS).")] = 0,
) -> None:
    """Run the Telegram bot (long polling) and the job worker until SIGINT or SIGTERM.

    Needs TELEGRAM_BOT_TOKEN. TELEGRAM_API_BASE_URL points at a self-hosted Bot API server.
    """
    settings = Settings()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        err.print(NO_BOT, highlight=False, markup=False)
        raise typer.Exit(code=2)

    from tgexchange.bootstrap import bootstrap
    from tgexchange.bot.app import ALLOWED_UPDATES, App, build_application, start_bot, stop_bot
    from tgexchange.worker.breaker_store import HueyBreakerStore
    from tgexchange.worker.jobs import register_jobs
    from tgexchange.worker.queue import make_huey
    from tgexchange.worker.runner import InProcessWorker

    huey = make_huey(settings.effective_queue_url)
    container = bootstrap(settings, breaker_store=HueyBreakerStore(huey))
    jobs = register_jobs(huey, container)
    worker = InProcessWorker(huey, threads=threads or settings.worker_threads)
    application = build_application(container, token=token, queue=jobs, base_url=settings.telegram_api_base_url)

    async def on_start(app: App) -> None:
        await start_bot(app)
        worker.start()
        err.print(f"bot @{app.bot.username} is polling; job worker running. Ctrl-C or SIGTERM to stop.", markup=False)

    async def on_stop(app: App) -> None:
        # Polling has stopped and updates in flight are done. Jobs in flight finish next, while
        # the bot can still tell members their outcome; then those last notices go out.
        await asyncio.to_thread(worker.stop)
        await stop_bot(app)

    application.post_init = on_start
    application.post_stop = on_stop
    # SIGTERM stops fetching, lets updates in flight finish, then everything shuts down cleanly.
    application.run_polling(allowed_updates=ALLOWED_UPDATES, stop_signals=(signal.SIGINT, signal.SIGTERM))
    container.storage.dispose()
