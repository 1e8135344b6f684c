"""Prometheus metrics: requests and latency per route, tasks by status, and the job queue's
depth when the caller can tell it. One registry per app, so several apps in a process (tests)
never collide."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tgexchange.services.ports import DashboardReader

log = structlog.get_logger(__name__)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class _ExchangeCollector(Collector):
    """Read at scrape time: tasks by status (finished ones from the rollups) and queue depth."""

    def __init__(self, reader: DashboardReader, queue_depth: Callable[[], int] | None) -> None:
        self._reader = reader
        self._queue_depth = queue_depth

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("tgexchange_database_up", "Whether the last scrape could read the database.")
        try:
            by_status = self._reader.tasks_by_status()
        except Exception:  # a scrape must still answer while the database is away
            log.warning("metrics_database_unavailable", exc_info=True)
            up.add_metric([], 0)
        else:
            up.add_metric([], 1)
            tasks = GaugeMetricFamily("tgexchange_tasks", "Tasks by status.", labels=["status"])
            for status, count in sorted(by_status.items()):
                tasks.add_metric([status], count)
            yield tasks
        yield up
        if self._queue_depth is not None:
            try:
                depth = self._queue_depth()
            except Exception:
                log.warning("metrics_queue_unavailable", exc_info=True)
            else:
                yield GaugeMetricFamily("tgexchange_queue_depth", "Jobs waiting in the queue.", value=depth)


class Metrics:
    def __init__(self, reader: DashboardReader, queue_depth: Callable[[], int] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tgexchange_http_requests",
            "HTTP requests answered, by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tgexchange_http_request_duration_seconds",
            "Time to answer, until the last byte (exports stream).",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_ExchangeCollector(reader, queue_depth))

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = 500

            async def send_and_note(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                await send(message)

            try:
                await app(scope, receive, send_and_note)
            finally:
                # The route template, never the raw path: label values must stay few.
                route = scope.get("route")
                name = route.path if isinstance(route, Route) else "unmatched"
                method = str(scope.get("method", ""))
                if method not in _METHODS:
                    method = "other"  # any token is a method to h11: a label per made-up one would grow forever
                self.requests.labels(method, name, str(status)).inc()
                self.latency.labels(method, name).observe(time.perf_counter() - started)

        return measured
