"""Where a simulation's random numbers come from: one shared generator, or one per member and use.

Shared (the default) is what ``tgexchange simulate`` has always drawn from, so its seeded runs
stay the same. Paired gives each member their own generator for each use (whether they come by
this hour, whether they do a task they took and when, what they write), so two runs of the same
seed that differ in one setting (matching by reciprocity off and on) draw the same numbers for
the same choices: what differs between them is what the setting changed, not which draw each
choice happened to get. Without it, one task handed to another member shifts every later draw of
the whole community, and the comparison drowns in that noise (common random numbers)."""

from __future__ import annotations

import random
from enum import StrEnum


class Use(StrEnum):
    ACTIVITY = "activity"  # a session this hour, a submission in it, a leecher taking nothing
    WORK = "work"  # doing a task taken, and how many hours later
    WRITING = "writing"  # a comment's text, a video's title
    RATINGS = "ratings"  # owners rating the feedback they got
    OUTAGES = "outages"  # comment reads that fail
    ARRIVAL = "arrival"  # in which order this hour's members come by


class RandomStreams:
    def __init__(self, seed: int, *, paired: bool) -> None:
        self.shared = random.Random(seed)
        self.seed = seed
        self.paired = paired
        self._own: dict[tuple[Use, int], random.Random] = {}

    def of(self, use: Use, member: int = -1) -> random.Random:
        """The generator for ``use`` by the member at ``member`` (their index; -1: the community)."""
        if not self.paired:
            return self.shared
        key = (use, member)
        stream = self._own.get(key)
        if stream is None:
            stream = self._own[key] = random.Random(f"{self.seed}:{use.value}:{member}")
        return stream
