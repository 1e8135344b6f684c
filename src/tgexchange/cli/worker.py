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
    autoscale: Annotated[
        str,
        typer.Option(
            metavar="MIN-MAX",
            help="Supervise MIN to MAX worker processes on this machine, added and removed with the queue's load.",
        ),
    ] = "",
) -> None:
    """Run background jobs (verification, the sweeper, the watchdog, reports) from QUEUE_URL until
    SIGINT or SIGTERM.

    QUEUE_URL: sqlite:///file (default: the data folder), redis://host:port/db or postgresql://...
    """
    settings = Settings()
    if autoscale:
        _supervise(settings, autoscale, threads=threads or settings.worker_threads)
        return
    from tgexchange.worker.breaker_store import HueyBreakerStore
    from tgexchange.worker.jobs import register_jobs
    from tgexchange.worker.operations import Heartbeat
    from tgexchange.worker.queue import make_huey
    from tgexchange.worker.runner import make_consumer

    huey = make_huey(settings.effective_queue_url)
    container = bootstrap(settings, breaker_store=HueyBreakerStore(huey))
    use_telegram_notifier(container)
    register_jobs(huey, container)
    consumer = make_consumer(huey, threads=threads or settings.worker_threads, periodic=periodic)
    err.print(f"worker: queue {_redacted(settings.effective_queue_url)}, {consumer.workers} thread(s); Ctrl-C to stop")
    heartbeat = Heartbeat(container, threads=consumer.workers)
    heartbeat.start()
    try:
        consumer.run()
    finally:
        heartbeat.stop()
        container.storage.dispose()


def _supervise(settings: Settings, autoscale: str, *, threads: int) -> None:
    """``--autoscale MIN-MAX``: this process only supervises; the workers are its children."""
    import signal
    import subprocess
    import sys

    from tgexchange.bootstrap import build_storage
    from tgexchange.worker.autoscale import AutoscalePolicy, BadRange, Supervisor, parse_range
    from tgexchange.worker.queue import make_huey

    try:
        minimum, maximum = parse_range(autoscale)
    except BadRange as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from error
    build_storage(settings.effective_database_url).dispose()  # migrated once, before the children start
    policy = AutoscalePolicy(
        minimum=minimum,
        maximum=maximum,
        load=settings.autoscale_load,
        horizon_s=settings.autoscale_horizon_s,
        up_after=settings.autoscale_up_after,
        idle_after=settings.autoscale_idle_after,
    )

    def spawn(index: int) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "tgexchange.cli", "worker", "--threads", str(threads)]
        if index:  # one worker enqueues the periodic jobs; the others only run jobs
            command.append("--no-periodic")
        return subprocess.Popen(command)  # noqa: S603 - our own interpreter and arguments

    supervisor = Supervisor(
        make_huey(settings.effective_queue_url), policy, spawn, interval_s=settings.autoscale_interval_s
    )
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: supervisor.stop())
    err.print(f"worker supervisor: {minimum}-{maximum} worker process(es) of {threads} thread(s); Ctrl-C to stop")
    supervisor.run()


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
