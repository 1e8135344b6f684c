"""Prometheus metrics: requests and latency per route, tasks by status, and the job queue's
depth when the caller can tell it. One registry per app, so several apps in a process (tests)
never collide."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tgexchange.services.operations import Status
from tgexchange.services.ports import DashboardReader

log = structlog.get_logger(__name__)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class _ExchangeCollector(Collector):
    """Read at scrape time: tasks by status (finished ones from the rollups), queue depth, and the
    operations: kill switches, open anomalies, live workers, the autoscaler's changes."""

    def __init__(
        self,
        reader: DashboardReader,
        queue_depth: Callable[[], int] | None,
        operations_status: Callable[[], Status] | None = None,
        queue_counters: Callable[[], dict[str, float]] | None = None,
    ) -> None:
        self._reader = reader
        self._queue_depth = queue_depth
        self._operations_status = operations_status
        self._queue_counters = queue_counters

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
        yield from self._operations()
        yield from self._counters()

    def _operations(self) -> Iterator[Metric]:
        if self._operations_status is None:
            return
        try:
            found = self._operations_status()
        except Exception:
            log.warning("metrics_operations_unavailable", exc_info=True)
            return
        switch = GaugeMetricFamily(
            "tgexchange_kill_switch", "1 while a kill switch is on: the global one, or communities'.", labels=["scope"]
        )
        switch.add_metric(["everything"], 1 if found.paused else 0)
        switch.add_metric(["communities"], sum(1 for c in found.communities if c.paused))
        yield switch
        anomalies = GaugeMetricFamily(
            "tgexchange_anomaly_severity",
            "Open anomalies found by the watchdog, by kind and what they affect: their severity (0-1).",
            labels=["kind", "affects", "id"],
        )
        for anomaly in found.anomalies:
            anomalies.add_metric([anomaly.kind.value, anomaly.affects, str(anomaly.id)], anomaly.severity)
        yield anomalies
        yield GaugeMetricFamily("tgexchange_anomalies_open", "Open anomalies.", value=len(found.anomalies))
        yield GaugeMetricFamily(
            "tgexchange_workers", "Job worker processes that beat in the last minute.", value=len(found.workers)
        )

    def _counters(self) -> Iterator[Metric]:
        if self._queue_counters is None:
            return
        try:
            values = self._queue_counters()
        except Exception:
            log.warning("metrics_queue_unavailable", exc_info=True)
            return
        for name, (kind, text) in QUEUE_COUNTERS.items():
            if name not in values:
                continue
            if kind == "counter":
                family: Metric = CounterMetricFamily(name, text, value=values[name])
            else:
                family = GaugeMetricFamily(name, text, value=values[name])
            yield family


QUEUE_COUNTERS: dict[str, tuple[str, str]] = {
    "tgexchange_jobs_done": ("counter", "Jobs finished by every worker (successes and failures)."),
    "tgexchange_autoscale_up": ("counter", "Workers the autoscaler added."),
    "tgexchange_autoscale_down": ("counter", "Workers the autoscaler stopped."),
    "tgexchange_autoscale_workers": ("gauge", "Worker processes the autoscaler runs now."),
    "tgexchange_watchdog_last_tick_timestamp": ("gauge", "When the watchdog last looked (Unix time)."),
}


class Metrics:
    def __init__(
        self,
        reader: DashboardReader,
        queue_depth: Callable[[], int] | None = None,
        *,
        operations_status: Callable[[], Status] | None = None,
        queue_counters: Callable[[], dict[str, float]] | None = None,
    ) -> None:
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
        self.registry.register(_ExchangeCollector(reader, queue_depth, operations_status, queue_counters))

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
