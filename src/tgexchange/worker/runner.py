"""Running the job consumer: as its own process (``tgexchange worker``) or inside ``run``."""

from __future__ import annotations

from huey import Huey
from huey.consumer import Consumer


def make_consumer(huey: Huey, *, threads: int, periodic: bool = True) -> Consumer:
    return huey.create_consumer(workers=threads, worker_type="thread", periodic=periodic, check_worker_health=True)


class InProcessWorker:
    """The consumer's scheduler and worker threads inside another program, which keeps its own
    signal handling (Consumer.start() would take over SIGTERM)."""

    def __init__(self, huey: Huey, *, threads: int) -> None:
        self._consumer = make_consumer(huey, threads=threads)
        self._started = False

    def start(self) -> None:
        self._started = True
        self._consumer.scheduler.start()
        for _, worker in self._consumer.worker_threads:
            worker.start()

    def stop(self) -> None:
        """Waits for jobs in flight to finish; nothing to do if it never started (a shutdown that
        came before it), and nothing the second time."""
        if self._started:
            self._started = False
            self._consumer.stop(graceful=True)
