"""How long `tgexchange simulate --members 200 --days 30 --seed 7 --json` takes (the whole
process, wall and CPU time), against the 20 s aim of issue 15 §4, and whether honest members come
out ahead.

With ``--baseline-src DIR`` (the ``src`` folder of another checkout, e.g. ``git archive <commit>
src | tar -x -C /tmp/before``) the same command also runs on that code, run for run interleaved
with this one, so both are measured on the same machine at the same moments: compare the ratio,
not the absolute times (the machine is shared and noisy).

With ``--check`` it runs seeds 3, 7 and 11 and compares each ``--json`` summary (all but
``elapsed_s``) with tests/fixtures/simulation/simulate-200x30.json, recorded from the code before
any speed change; it exits 1 on any difference. ``--record`` writes that file again from this
code: only when a change is MEANT to change what the simulator decides (say so in the commit). The
file also holds the digest of tests/fixtures/simulation/golden.json as it was then: a change that
records the tests' goldens again fails a test until these are recorded again too.

Usage: python bench/simulate.py [--runs 3] [--members 200] [--days 30] [--seed 7]
                                [--baseline-src DIR] [--check | --record]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import median, write_section

AIM_S = 20.0
GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "simulation" / "simulate-200x30.json"
TESTS_GOLDEN = GOLDEN.with_name("golden.json")
TESTS_GOLDEN_KEY = "tests_golden_sha256"
CHECKED_SEEDS = (3, 7, 11)


def small_goldens_digest() -> str:
    """The digest of the tests' small-simulation goldens, recorded beside these."""
    return hashlib.sha256(TESTS_GOLDEN.read_bytes()).hexdigest()


def command(*, members: int, days: int, seed: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tgexchange.cli",
        "simulate",
        "--members",
        str(members),
        "--days",
        str(days),
        "--seed",
        str(seed),
        "--json",
    ]


def run(cmd: list[str], *, src: str | None = None) -> tuple[float, float, dict[str, object]]:
    """Wall time, CPU time (user + system) and the JSON summary of one whole process."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return wall, cpu, summary


def check(*, members: int, days: int) -> int:
    """Compares the summaries of the checked seeds with their goldens; the number that differ."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    differing = 0
    for seed in CHECKED_SEEDS:
        wall, _cpu, summary = run(command(members=members, days=days, seed=seed))
        summary.pop("elapsed_s")
        same = json.dumps(summary) == json.dumps(golden[str(seed)])
        differing += not same
        print(f"seed {seed}: {'same as' if same else 'DIFFERENT from'} the golden ({wall:.1f} s)", file=sys.stderr)
        if not same:
            print(f"  golden: {json.dumps(golden[str(seed)])}\n  now:    {json.dumps(summary)}", file=sys.stderr)
    return differing


def record(*, members: int, days: int) -> None:
    """Writes the summaries of the checked seeds (without ``elapsed_s``) as the new goldens."""
    golden: dict[str, object] = {TESTS_GOLDEN_KEY: small_goldens_digest()}
    for seed in CHECKED_SEEDS:
        wall, _cpu, summary = run(command(members=members, days=days, seed=seed))
        summary.pop("elapsed_s")
        golden[str(seed)] = summary
        print(f"seed {seed}: recorded ({wall:.1f} s)", file=sys.stderr)
    GOLDEN.write_text(json.dumps(golden, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline-src", help="the src folder of the code to compare with")
    parser.add_argument("--check", action="store_true", help="compare seeds 3, 7, 11 with their goldens")
    parser.add_argument("--record", action="store_true", help="record the goldens of seeds 3, 7, 11 again")
    args = parser.parse_args()
    if args.check or args.record:
        if (args.members, args.days) != (200, 30):
            parser.error("the goldens are for --members 200 --days 30")
        if args.record:
            record(members=args.members, days=args.days)
            return
        sys.exit(1 if check(members=args.members, days=args.days) else 0)

    cmd = command(members=args.members, days=args.days, seed=args.seed)
    walls: list[float] = []
    cpus: list[float] = []
    base_walls: list[float] = []
    base_cpus: list[float] = []
    summary: dict[str, object] = {}
    # The 1-minute load average as each run ended: the machine is shared, so every time is read
    # next to how busy it was.
    loads: list[str] = []
    for number in range(1, args.runs + 1):
        if args.baseline_src:
            wall, cpu, base_summary = run(cmd, src=args.baseline_src)
            base_walls.append(wall)
            base_cpus.append(cpu)
            loads.append(f"baseline {wall:.1f} s wall / {cpu:.1f} s CPU at load {os.getloadavg()[0]:.1f}")
            print(f"run {number}, {loads[-1]}", file=sys.stderr)
        wall, cpu, summary = run(cmd)
        walls.append(wall)
        cpus.append(cpu)
        loads.append(f"this {wall:.1f} s wall / {cpu:.1f} s CPU at load {os.getloadavg()[0]:.1f}")
        print(f"run {number}, {loads[-1]}", file=sys.stderr)
        if args.baseline_src:
            base_summary.pop("elapsed_s")
            if json.dumps(base_summary) != json.dumps({k: v for k, v in summary.items() if k != "elapsed_s"}):
                sys.exit("the baseline and this code decided differently for the same seed")

    profiles = summary["profiles"]
    assert isinstance(profiles, dict)
    honest = profiles["honest"]
    rows = "\n".join("| " + " | ".join(str(v) for v in (name, *p.values())) + " |" for name, p in profiles.items())
    ahead = all(
        honest["credits_mean"] > profiles[other]["credits_mean"]
        and honest["feedback_received_mean"] > profiles[other]["feedback_received_mean"]
        for other in ("leecher", "spammer")
    )
    listed = ", ".join(f"{w:.1f}" for w in walls)
    table = f"""| code | median wall time | median CPU time | runs (wall) |
|---|---|---|---|
| this | {median(walls):.1f} s | {median(cpus):.1f} s | {listed} s |"""
    if base_walls:
        table += f"""
| baseline (`--baseline-src`) | {median(base_walls):.1f} s | {median(base_cpus):.1f} s | {", ".join(f"{w:.1f}" for w in base_walls)} s |

Ratio, baseline ÷ this, same session, runs interleaved: **{median(base_walls) / median(walls):.2f}× wall**,
{median(base_cpus) / median(cpus):.2f}× CPU. Both decided the same (their summaries are equal)."""
    table += "\n\nRuns in order (load: the 1-minute load average as the run ended, 2 cores): " + "; ".join(loads) + "."
    body = f"""## Simulator (`bench/simulate.py`)

Command: `{" ".join(["tgexchange", *cmd[3:]])}` ({args.runs} runs, whole process: start-up, model
load, migrations of a fresh SQLite file and the simulation). Aim (issue 15 §4): ≤ {AIM_S:.0f} s.

{table}

Outcome of the last run (synthetic data): ledger balanced = {summary["ledger_balanced"]},
outcomes = {summary["outcomes"]}; honest members ahead of leechers and spammers on credits and
feedback received = {ahead}.

| profile | members | credits (mean) | feedback received (mean) | feedback given (mean) | feedback rejected (mean) |
|---|---|---|---|---|---|
{rows}"""
    write_section("simulate", body)
    print(body)


if __name__ == "__main__":
    main()
