"""How long `tgexchange simulate --members 200 --days 30 --seed 7 --json` takes, against the
60 s budget of the exchange-core issue, and whether honest members come out ahead.

Usage: python bench/simulate.py [--runs 3] [--members 200] [--days 30]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import median, write_section

BUDGET_S = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    command = [
        sys.executable,
        "-m",
        "tgexchange.cli",
        "simulate",
        "--members",
        str(args.members),
        "--days",
        str(args.days),
        "--seed",
        str(args.seed),
        "--json",
    ]
    walls: list[float] = []
    summary: dict[str, object] = {}
    for run in range(args.runs):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - started)
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"run {run + 1}: {walls[-1]:.1f} s", file=sys.stderr)
    profiles = summary["profiles"]
    assert isinstance(profiles, dict)
    honest = profiles["honest"]
    rows = "\n".join("| " + " | ".join(str(v) for v in (name, *p.values())) + " |" for name, p in profiles.items())
    ahead = all(
        honest["credits_mean"] > profiles[other]["credits_mean"]
        and honest["feedback_received_mean"] > profiles[other]["feedback_received_mean"]
        for other in ("leecher", "spammer")
    )
    body = f"""## Simulator (`bench/simulate.py`)

Command: `{" ".join(["tgexchange", *command[3:]])}` ({args.runs} runs, whole process, SQLite file).

| median wall time | runs | budget (issue: exchange core) | ratio to budget |
|---|---|---|---|
| {median(walls):.1f} s | {", ".join(f"{w:.1f}" for w in walls)} s | {BUDGET_S:.0f} s | {median(walls) / BUDGET_S:.2f} |

Outcome of the last run (synthetic data): ledger balanced = {summary["ledger_balanced"]},
outcomes = {summary["outcomes"]}; honest members ahead of leechers and spammers on credits and
feedback received = {ahead}.

| profile | members | credits (mean) | feedback received (mean) | feedback given (mean) |
|---|---|---|---|---|
{rows}"""
    write_section("simulate", body)
    print(body)


if __name__ == "__main__":
    main()
