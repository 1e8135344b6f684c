"""JSON log lines stay whole when other threads log through the standard library at once."""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
from pathlib import Path

import pytest
import structlog

from tgexchange.logs import configure_logging


def test_json_lines_are_never_split_by_stdlib_lines_from_other_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "worker.log"
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # pytest's capture would keep basicConfig from acting
    # As a worker's stderr is with PYTHONUNBUFFERED: every write goes straight to the file.
    with io.TextIOWrapper(path.open("wb", buffering=0), write_through=True) as stream:
        monkeypatch.setattr(sys, "stderr", stream)
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # threads take turns often, as on a busy machine
        configure_logging(json=True)
        try:
            start = threading.Barrier(2)

            def ours() -> None:
                start.wait()
                for n in range(3000):
                    structlog.get_logger("t").info("verify_started", n=n)

            def huey() -> None:
                start.wait()
                for n in range(3000):
                    logging.getLogger("huey").info("Executing a task %d", n)

            threads = [threading.Thread(target=ours), threading.Thread(target=huey)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            sys.setswitchinterval(switch_interval)
            structlog.reset_defaults()
    lines = path.read_text().splitlines()
    ours_lines = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(ours_lines) == 3000
    assert sum(line.startswith("INFO huey") for line in lines) == 3000
