"""An open dashboard keeps its connections between refreshes: the server keeps an idle connection
longer than the longest wait between a page's refreshes."""

from __future__ import annotations

from fastapi import FastAPI

from tgexchange.cli.serve import _config
from tgexchange.web.page import REFRESH_JITTER, REFRESH_MS


def test_an_idle_connection_outlives_the_longest_wait_between_refreshes() -> None:
    config = _config(FastAPI(), host="127.0.0.1", port=8080, log_level="warning")

    assert config.timeout_keep_alive > REFRESH_MS / 1000 * (1 + REFRESH_JITTER)
