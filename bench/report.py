"""Writes one benchmark's results into its own section of docs/BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"
HEADER = """# Benchmarks

Each section is written by the benchmark named in it (`python bench/<name>.py`); re-run it to
refresh the numbers. Machines are noisy: compare ratios measured in the same run, not absolute
times across runs.
"""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


def write_section(name: str, body: str, *, document: Path = BENCHMARKS, header: str = HEADER) -> None:
    """Replaces (or appends) the section between this benchmark's markers in ``document``
    (docs/BENCHMARKS.md unless told; the load tests write docs/RELIABILITY.md)."""
    document.parent.mkdir(parents=True, exist_ok=True)
    text = document.read_text() if document.exists() else header
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = f"{start}\n{body.rstrip()}\n\n_Measured {stamp} on {machine()}._\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    document.write_text(text)
