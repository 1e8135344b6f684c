"""The report of ``bench/load.py dashboard``: one section per run, and the runs side by side when
there are several (a before/after, sharing on and off)."""

from __future__ import annotations

import re

from bench.dashboard import percentile
from bench.load_common import endpoint_table
from bench.load_dashboard import API, P95_GOAL_MS, REFRESH_S, ROUND, STEADY_AFTER_S, DashboardResult


def report(results: list[DashboardResult], command: str) -> list[str]:
    lines = [
        "### Dashboard: admins refreshing at once",
        "",
        f"Command: `{command}`. Data: `bench/dashboard.py`'s generator (20 communities, a year of history),",
        "the first N members made admins (ten per community for 200). Each admin redeems their own login link",
        f"(`GET {API}/login`, issued by the use case the bot's `/dashboard` calls), loads the page and its static",
        "files (as sent, gzipped: a browser with an empty cache), then refreshes exactly what",
        "`web/static/dashboard.js` refreshes (overview, groups, users, errors, anomalies: five requests in",
        "parallel), the next round the page's interval after the last one finished (10 s, ± the spread the page",
        "gives its script where it has one); admins open the page at random moments within the first 10 s.",
        "One `httpx.AsyncClient` per admin (own cookies, up to six connections, each kept idle a second less",
        "than the server keeps it: 15 s, or 5 s for a server from before `serve.KEEP_ALIVE_S`; a GET on a",
        "kept-alive connection the server had closed is sent again once, as browsers do; one TLS context for all,",
        "as a browser loads its trust store once, and httpcore's missing `sniffio` looked up once, not on every",
        "request: both had kept this process busy for most of the opening), all in one load process;",
        "`tgexchange serve` in its own process. Latency is measured by the client: it includes the load",
        "generator's own scheduling on the same two cores.",
    ]
    for result in results:
        title = "SQLite (WAL file)" if result.database == "sqlite" else "PostgreSQL 15"
        lines += [
            "",
            f"#### {title}: {result.admins} admins, {result.tasks:,} tasks, {result.seconds:.0f} s"
            + (f" ({result.label})" if result.label else ""),
            "",
            f"Machine before: {result.before}; after: {result.after}. Refresh rounds: {result.rounds}; errors:"
            f" {result.errors}; CPU used (cores busy, mean): server {result.server_cpu:.2f},"
            f" load generator {result.client_cpu:.2f}; the server's threads waited {result.starved:.2f} s for a CPU"
            " (runnable, the cores busy elsewhere) per second they ran. Server CPU per request (all kinds):"
            f" {result.cpu_ms_per_request:.2f} ms. {client_lag(result)}",
            "",
            *endpoint_table(result.books, dict.fromkeys(ROUND, P95_GOAL_MS)),
            "",
            f"Refreshes that started after the opening ({STEADY_AFTER_S:.0f} s in, every admin logged in), p50 / p95: "
            + "; ".join(f"`{name}` {p50:.1f} / {p95:.1f} ms" for name, (p50, p95) in steady(result).items())
            + ".",
            *(["", *result.probe] if result.probe else []),
        ]
        round_ms = sum(result.cost.values())
        lines += [
            "",
            f"Server CPU per request, one at a time before the crowd ({result.cost_requests} each, after a warm-up"
            + (
                f"; this server shares an answer for {result.shared_s:g} s, so these are mostly shared answers"
                if result.shared_s
                else ""
            )
            + "): "
            + "; ".join(f"`{name}` {ms:.2f} ms" for name, ms in result.cost.items())
            + f". A refresh round: {round_ms:.1f} ms of CPU, so {result.admins} admins every"
            f" {REFRESH_S:.0f} s need {result.admins / REFRESH_S * round_ms / 10:.0f}% of one core.",
        ]
        kinds = {name: book.failures for name, book in result.books.items() if book.failures}
        if kinds:
            lines += ["", "Retried or failed, by kind: " + "; ".join(f"`{n}` {k}" for n, k in kinds.items()) + "."]
    if len(results) > 1:
        lines += ["", *side_by_side(results)]
    return lines


def client_lag(result: DashboardResult) -> str:
    """How late the load generator's own event loop ran (a 5 ms sleep's overshoot): that much of any
    latency above is the client's queue, not the server's."""
    lags = result.client_lag_ms
    if not lags:
        return ""
    return (
        "The load generator's event loop woke late by (p50 / p95 / p99 / max) "
        + " / ".join(f"{percentile(lags, q):.1f}" for q in (0.5, 0.95, 0.99))
        + f" / {max(lags):.1f} ms."
    )


def steady(result: DashboardResult) -> dict[str, tuple[float, float]]:
    """p50 and p95 (ms) of each refresh endpoint over the requests after the opening."""
    found = {}
    for name in ROUND:
        summary = result.books[name].since(result.started + STEADY_AFTER_S).summary()
        found[name] = (summary["p50"], summary["p95"])
    return found


def side_by_side(results: list[DashboardResult]) -> list[str]:
    """The runs above in one table, in the order they ran: p50 / p95 (ms) per refresh endpoint over
    the whole run, and after the opening."""
    lines = [
        "#### The runs side by side (p50 / p95 ms; in the order they ran)",
        "",
        "| server | load average before → after (1 min) | server CPU (cores) | server CPU per request (ms) | "
        + " | ".join(f"`{name}` all / after the opening" for name in ROUND)
        + " |",
        "|---|---|---|---|" + "---|" * len(ROUND),
    ]
    for result in results:
        after_opening = steady(result)
        cells = []
        for name in ROUND:
            whole = result.books[name].summary()
            p50, p95 = after_opening[name]
            cells.append(f"{whole['p50']:.0f} / {whole['p95']:.0f} · {p50:.0f} / {p95:.0f}")
        load = f"{_one_minute(result.before)} → {_one_minute(result.after)}"
        lines.append(
            f"| {result.label or 'this checkout'} | {load} | {result.server_cpu:.2f} | {result.cpu_ms_per_request:.2f} | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def _one_minute(state: str) -> str:
    found = re.search(r"load average ([0-9.]+)", state)
    return found.group(1) if found else "?"
