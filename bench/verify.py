"""Verification cost, network excluded.

1. CPU time per verified task with 500-comment pages: submissions whose pages hold 500 public
   comments (a few by the members being verified, the rest by other viewers), verified one
   submission per pass as the jobs do, with the real quality gate, on a SQLite file.
2. Fetches per verified task when 10 members comment on one submission: members say "done" at
   random moments within a window; the real jobs (paced passes) run on an in-memory queue against
   a fake clock; every comment-page read is counted. Goal (verification issue): <= 0.2.

Usage: python bench/verify.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from huey import MemoryHuey
from tests.fakes import FakeClock, FakePlatform
from tests.integration.test_worker_processes import feedback_text
from tests.world import World

from bench.report import write_section
from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.bootstrap import Container, build_storage
from tgexchange.config import Settings
from tgexchange.domain.task import TaskStatus
from tgexchange.services.ports import QualityGate
from tgexchange.services.verification import verify_submission
from tgexchange.worker.jobs import Jobs, register_jobs


def cpu_per_verified_task(gate: QualityGate, *, submissions: int, givers: int, page: int) -> tuple[float, int]:
    """Seconds of this process's CPU time per verified task, and how many were verified."""
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as scratch:
        storage = build_storage(f"sqlite:///{Path(scratch) / 'bench.db'}")
        world = World(storage, FakeClock(datetime(2026, 6, 1, tzinfo=UTC)), FakePlatform())
        community = world.community(max_open_tasks_per_member=submissions + 1, welcome_credits=givers * 10)
        owners = [world.member(community) for _ in range(submissions)]
        members = [world.member(community) for _ in range(givers)]
        made = [world.submission(owner, wanted=givers) for owner in owners]
        for submission in made:
            ref = world.ref_of(submission)
            for i in range(page - givers):
                world.platform.comment(
                    ref,
                    author_channel_id=f"UCviewer{i:05d}",
                    text=f"viewer comment {i}",
                    at=world.now - timedelta(minutes=5),
                )
        for member in members:
            for _ in made:
                task = world.task(member)
                world.clock.advance(seconds=1)
                submission = next(s for s in made if s.id == task.submission_id)
                world.comment(member, submission, feedback_text(rng, rng.randrange(1000)))
                world.done(task)
        started = time.process_time()
        verified = 0
        for submission in made:
            run = verify_submission(storage.uow(), world.platform, gate, submission_id=submission.id, now=world.now)
            verified += run.verified
        elapsed = time.process_time() - started
        storage.dispose()
        return elapsed / max(verified, 1), verified


def drive(jobs: Jobs, clock: FakeClock, *, until: datetime) -> None:
    while clock.now() < until:
        now = clock.now().astimezone(UTC).replace(tzinfo=None)
        for task in jobs.huey.read_schedule(now):
            jobs.huey.enqueue(task)
        while (task := jobs.huey.dequeue()) is not None:
            if jobs.huey.ready_to_run(task, now):
                jobs.huey.execute(task, now)
            else:
                jobs.huey.add_schedule(task)
        clock.advance(seconds=10)


def fetches_per_verified_task(gate: QualityGate, *, window_min: float, members: int = 10, seed: int = 1) -> float:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as scratch:
        storage = build_storage(f"sqlite:///{Path(scratch) / 'bench.db'}")
        clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
        world = World(storage, clock, FakePlatform())
        community = world.community(welcome_credits=members * 10)
        owner = world.member(community)
        givers = [world.member(community) for _ in range(members)]
        submission = world.submission(owner, wanted=members)
        tasks = {giver.id: world.task(giver) for giver in givers}
        container = Container(
            settings=Settings(),
            storage=storage,
            clock=clock,
            _readers=(world.platform, world.platform),
            _quality_gate=gate,
        )
        jobs = register_jobs(MemoryHuey(utc=True), container)
        start = clock.now()
        moments = sorted(
            ((start + timedelta(minutes=rng.uniform(0, window_min)), giver) for giver in givers), key=lambda m: m[0]
        )
        world.platform.calls.clear()
        for moment, giver in moments:
            drive(jobs, clock, until=moment)
            world.comment(giver, submission, feedback_text(rng, rng.randrange(1000)))
            world.done(tasks[giver.id])
            jobs.enqueue_verification(submission.id)
        drive(jobs, clock, until=clock.now() + timedelta(hours=1))
        with world.uow() as uow:
            verified = len(uow.tasks.list_for_submission(submission.id, statuses=frozenset({TaskStatus.VERIFIED})))
        fetches = sum(1 for call, _ in world.platform.calls if call == "read_comments")
        storage.dispose()
        return fetches / max(verified, 1) if verified == members else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    gate = ClassifierQualityGate()
    gate.assess_many(["warm up the models once"], min_words=1)
    cpu = []
    verified = 0
    for _ in range(args.repeats):
        seconds, verified = cpu_per_verified_task(gate, submissions=40, givers=5, page=500)
        cpu.append(seconds)
        print(f"cpu per verified task: {seconds * 1000:.2f} ms ({verified} verified)", file=sys.stderr)
    windows = [0.0, 10.0, 30.0, 60.0]
    rows = []
    for window in windows:
        ratios = [fetches_per_verified_task(gate, window_min=window, seed=s) for s in range(1, args.repeats + 1)]
        rows.append((window, statistics.median(ratios), ratios))
        print(f"window {window} min: fetches per verified task {ratios}", file=sys.stderr)
    policy = Settings().verification_policy()
    table = "\n".join(
        f"| 10 members say done within {w:g} min | {median:.2f} | {', '.join(f'{r:.2f}' for r in ratios)} | "
        f"{'met' if median <= 0.2 else 'not met'} (ratio {median / 0.2:.2f}) |"
        for w, median, ratios in rows
    )
    body = f"""## Verification (`bench/verify.py`)

Command: `python bench/verify.py --repeats {args.repeats}`. Network excluded: comment pages come from
an in-memory reader; storage is a SQLite file; the quality gate is the real one (models loaded once
before timing).

**CPU time per verified task, 500-comment pages** (40 submissions × 5 members, one pass per
submission, as the jobs run them): median **{statistics.median(cpu) * 1000:.2f} ms** of process CPU
per verified task (runs: {", ".join(f"{c * 1000:.2f}" for c in cpu)} ms; {verified} tasks verified per run).

**Fetches per verified task when 10 members comment on one submission** (the real jobs on an
in-memory queue with a fake clock; pacing: first pass {policy.debounce.total_seconds():.0f} s after a
"done", passes at least {policy.min_interval.total_seconds():.0f} s apart; goal ≤ 0.2):

| scenario | median | runs | goal |
|---|---|---|---|
{table}"""
    write_section("verify", body)
    print(body)


if __name__ == "__main__":
    main()
