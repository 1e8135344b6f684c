"""What matching by the reciprocity model costs the bot's `/task` (issue 17: at most +10%).

One exchange bot (bench/bot.py's: the webhook route, SQLite file, the in-process Bot API stand-in)
in a community with open submissions (each owner asks for 3 feedbacks), every member's channel
linked, and a reciprocity score for every member, as the worker's scoring job leaves them. Rounds alternate the
community's `match_by_reciprocity` off and on; in each, a block of members never given a task
before sends `/task` (matching ranks the candidates, a task is stored, the card is sent). Reported:
process CPU per `/task` and updates/s, medians over rounds, and the ratio on ÷ off.

    python bench/task_path.py [--owners 400] [--block 120] [--rounds 3] [--in-flight 8] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes import FakeClock, FakePlatform
from tests.world import World

from bench.bot import StandIn, drive_newcomers, exchange_app
from bench.report import write_section
from tgexchange.adapters.db.reciprocity import SqlReciprocityScores
from tgexchange.bootstrap import build_storage
from tgexchange.domain.content import Platform
from tgexchange.domain.reciprocity import ReciprocityScore

GOAL = 1.10
WANTED = 3  # feedbacks per submission, what the welcome credits pay for


def prepare(url: str, owners: list[int], everyone: list[int], seed: int) -> int:
    """Owners link a channel and submit; every member gets a score. The community's id."""
    storage = build_storage(url)
    world = World(storage, FakeClock(datetime.now(UTC)), FakePlatform())
    rng = random.Random(seed)
    with storage.uow() as uow:
        community = uow.communities.list_all()[0]
        assert community.id is not None
        members = list(uow.members.find_by_users(community.id, owners))
        scored = list(uow.members.find_by_users(community.id, everyone))
    for member in scored:  # a giver needs a linked channel too, or /task asks for one first
        world.link(member)
    for member in members:
        world.submission(member, wanted=WANTED)
    scores = [ReciprocityScore(m.id, Platform.YOUTUBE, rng.random(), rng.random()) for m in scored]
    SqlReciprocityScores(storage.engine).replace(scores, version="bench", now=world.now)
    storage.dispose()
    assert community.id is not None
    return community.id


def set_matching(url: str, community_id: int, *, by_reciprocity: bool) -> None:
    storage = build_storage(url)
    with storage.uow() as uow:
        community = uow.communities.find(community_id)
        assert community is not None
        community.settings = community.settings.with_changes(match_by_reciprocity=by_reciprocity)
        uow.commit()
    storage.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--owners", type=int, default=400, help="members with an open submission")
    parser.add_argument("--block", type=int, default=120, help="members sending /task in each round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per setting (off and on alternate)")
    parser.add_argument("--in-flight", type=int, default=8, help="members waiting for their card at once")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--no-write", action="store_true", help="print only, do not update docs/BENCHMARKS.md")
    args = parser.parse_args()
    rounds = 2 * args.rounds + 2  # a warm-up round for each setting first
    if args.block * rounds > args.owners * WANTED:
        parser.error("not enough open slots: raise --owners or lower --block/--rounds")
    owners = list(range(500_000, 500_000 + args.owners))
    givers = list(range(600_000, 600_000 + args.block * rounds))
    load_before = round(os.getloadavg()[0], 1)
    with tempfile.TemporaryDirectory(prefix="tgx-bench-task-") as scratch:
        data = Path(scratch)
        stand_in = StandIn()
        app, dispose, _ = exchange_app(stand_in, data, owners + givers, concurrency=32)
        url = f"sqlite:///{data / 'bench.db'}"
        community_id = prepare(url, owners, owners + givers, args.seed)
        cpu: dict[bool, list[float]] = {False: [], True: []}
        rate: dict[bool, list[float]] = {False: [], True: []}
        for n in range(rounds):
            by_model = n % 2 == 1
            set_matching(url, community_id, by_reciprocity=by_model)
            block = givers[n * args.block : (n + 1) * args.block]
            started = time.process_time()
            result = await drive_newcomers(
                app, stand_in, users=block, in_flight=args.in_flight, first_id=10_000_000 * (n + 1),
                text=lambda _user: "/task",
            )  # fmt: skip
            spent = 1000 * (time.process_time() - started) / len(block)
            if n >= 2:  # the first round of each setting warms caches and compiled SQL
                cpu[by_model].append(spent)
                rate[by_model].append(result.updates_per_s)
            print(f"round {n + 1} matching by reciprocity {'on ' if by_model else 'off'}: {spent:.2f} ms CPU per /task, "
                  f"{result.updates_per_s:,.0f}/s", flush=True)  # fmt: skip
        dispose()
    off, on = statistics.median(cpu[False]), statistics.median(cpu[True])
    ratio = on / off
    verdict = "met" if ratio <= GOAL else "missed"
    text = f"""Command: `python bench/task_path.py --owners {args.owners} --block {args.block} --rounds {args.rounds} --in-flight {args.in_flight}`.

bench/bot.py's bot in one community: {args.owners} owners with a submission asking for {WANTED} feedbacks, a
reciprocity score for every member (as the scoring job leaves them); rounds alternate
`match_by_reciprocity` off and on, {args.block} members who never had a task each sending `/task`
({args.in_flight} waiting at once), {args.rounds} measured rounds per setting after one warm-up each; medians.
Goal: on ≤ {GOAL:.2f} × off.

| matching | CPU per `/task` | `/task` per second |
|---|---|---|
| by the rules only | {off:.2f} ms | {statistics.median(rate[False]):,.0f} |
| with the reciprocity model | {on:.2f} ms | {statistics.median(rate[True]):,.0f} |

Ratio on ÷ off: **{ratio:.2f}** ({verdict}). Load average {load_before} at the start.
"""
    print(text)
    if not args.no_write:
        write_section(
            "task-path", "## Matching with the reciprocity model: the `/task` path (`bench/task_path.py`)\n\n" + text
        )


if __name__ == "__main__":
    asyncio.run(main())
