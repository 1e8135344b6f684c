"""``tgexchange worker``: a job consumer process; run as many as you like on a shared queue."""

from __future__ import annotations

from typing import Annotated

import typer

from tgexchange.bootstrap import Container, bootstrap
from tgexchange.cli.console import err
from tgexchange.config import Settings


def worker(
    threads: Annotated[
        int, typer.Option(min=0, max=64, help="Worker threads in this process (0: WORKER_THREADS).")
    ] = 0,
    periodic: Annotated[bool, typer.Option(help="Also run the periodic sweeper (safe on every worker).")] = True,
) -> None:
    """Run background jobs (verification, the sweeper) from QUEUE_URL until SIGINT or SIGTERM.

    QUEUE_URL: sqlite:///file (default: the data folder), redis://host:port/db or postgresql://...
    """
    from tgexchange.worker.breaker_store import HueyBreakerStore
    from tgexchange.worker.jobs import register_jobs
    from tgexchange.worker.queue import make_huey
    from tgexchange.worker.runner import make_consumer

    settings = Settings()
    huey = make_huey(settings.effective_queue_url)
    container = bootstrap(settings, breaker_store=HueyBreakerStore(huey))
    use_telegram_notifier(container)
    register_jobs(huey, container)
    consumer = make_consumer(huey, threads=threads or settings.worker_threads, periodic=periodic)
    err.print(f"worker: queue {_redacted(settings.effective_queue_url)}, {consumer.workers} thread(s); Ctrl-C to stop")
    consumer.run()
    container.storage.dispose()


def use_telegram_notifier(container: Container) -> bool:
    """With TELEGRAM_BOT_TOKEN set, members hear about their tasks from this process too, straight
    through the Bot API; without it notices go to the log. True when the bot's notifier is used."""
    token = container.settings.telegram_bot_token
    if not token:
        return False
    from tgexchange.bot.notifications import TelegramNotifier

    container.use_notifier(
        TelegramNotifier(
            token=token.get_secret_value(),
            base_url=container.settings.telegram_api_base_url,
            uow=container.storage.uow,
            clock=container.clock.now,
        )
    )
    return True


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.rsplit("@", maxsplit=1)[-1]
