"""Writes one benchmark's results into its own section of docs/BENCHMARKS.md."""

from __future__ import annotations

import math
import os
import platform
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"
RELIABILITY = BENCHMARKS.parent / "RELIABILITY.md"
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


RELIABILITY_HEADER = """# Reliability

How the exchange was tried against bad input, load and faults, and what it did: each section
names its tests, the command that reproduces them and the result measured; sections written by a
benchmark are replaced when it runs again.
"""


def write_section(
    name: str, body: str, *, document: Path = BENCHMARKS, header: str | None = None, from_saved: bool = False
) -> None:
    """Replaces (or appends) the section between this benchmark's markers in ``document``
    (docs/BENCHMARKS.md unless told; ``header`` starts a document that does not exist yet, by
    default the one of BENCHMARKS.md or RELIABILITY.md). ``from_saved``: the body comes from runs
    saved earlier, so the stamp says when it was written, not measured."""
    document.parent.mkdir(parents=True, exist_ok=True)
    if header is None:
        header = RELIABILITY_HEADER if document == RELIABILITY else HEADER
    text = document.read_text() if document.exists() else header
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    said = (
        f"Written {stamp} from saved runs (when each was run: the notes below), on"
        if from_saved
        else f"Measured {stamp} on"
    )
    section = f"{start}\n{body.rstrip()}\n\n_{said} {machine()}._\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    document.write_text(text)


def mean_with_error(values: list[float], digits: int) -> str:
    """The mean with its standard error ("+0.0020 ± 0.0010"): how far it is from no change at
    all. One value has no spread: the mean alone."""
    mean = f"{statistics.fmean(values):+.{digits}f}"
    if len(values) < 2:
        return mean
    return f"{mean} ± {statistics.stdev(values) / math.sqrt(len(values)):.{digits}f}"
