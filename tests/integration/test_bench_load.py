"""bench/load.py in miniature, so that it cannot rot: a few admins on the dashboard for a few
seconds, and a few dozen updates through one webhook process; real processes on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench import load_dashboard, load_dashboard_report, load_webhook


@pytest.mark.slow
def test_a_few_admins_get_every_endpoint_measured_without_an_error() -> None:
    [result] = load_dashboard.run(
        database="sqlite", postgres_url=None, admins=4, tasks=5_000, seconds=3, cost_requests=3
    )

    assert result.errors == 0
    for name in (*load_dashboard.FIRST_LOAD, *load_dashboard.ROUND):
        book = result.books[name]
        assert book.times, name
        assert book.statuses == {303 if name == "login" else 200: len(book.times)}, name
    assert result.books["login"].summary()["requests"] == 4  # each admin used their own link once
    assert result.rounds >= 4  # every admin refreshed at least once
    assert set(result.cost) == set(load_dashboard.ROUND)
    table = "\n".join(load_dashboard_report.report([result], "python bench/load.py dashboard"))
    for name in load_dashboard.ROUND:
        assert f"| `{name}` | " in table


@pytest.mark.slow
def test_updates_through_a_webhook_process_are_acked_and_answered(tmp_path: Path) -> None:
    result = load_webhook.throughput(
        tmp_path, "sqlite", None, webhooks=1, senders=4, updates=30, seconds=20, members=20, warmup=10
    )

    assert (result.sent, result.failed, result.server_errors, result.unanswered) == (30, 0, 0, 0)
    assert result.ack["p50"] > 0
    assert result.answer["p50"] > 0
    assert "| sqlite | 1 | 30 |" in "\n".join(load_webhook.throughput_report([result], "x", senders=4))


@pytest.mark.slow
def test_sharing_on_and_off_are_measured_in_one_run_and_reported_side_by_side() -> None:
    results = load_dashboard.run(
        database="sqlite", postgres_url=None, admins=2, tasks=5_000, seconds=2, cost_requests=2, unshared=True
    )

    assert [(r.label, r.shared_s, r.errors) for r in results] == [
        ("this checkout, DASHBOARD_SHARED_S=0", 0.0, 0),
        ("this checkout, DASHBOARD_SHARED_S=2", 2.0, 0),
    ]
    table = "\n".join(load_dashboard_report.report(results, "python bench/load.py dashboard --unshared"))
    assert "#### The runs side by side" in table
    assert "| this checkout, DASHBOARD_SHARED_S=0 | " in table
    assert "this server shares an answer for 2 s" in table
