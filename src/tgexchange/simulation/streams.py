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
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Protocol, TypeVar


class Use(StrEnum):
    ACTIVITY = "activity"  # a session this hour, a submission in it, a leecher taking nothing
    WORK = "work"  # doing a task taken, and how many hours later
    WRITING = "writing"  # a comment's text, a video's title
    RATINGS = "ratings"  # owners rating the feedback they got
    OUTAGES = "outages"  # comment reads that fail
    ARRIVAL = "arrival"  # in which order this hour's members come by


class _Member(Protocol):
    @property
    def index(self) -> int: ...


M = TypeVar("M", bound=_Member)


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

    def arrivals(self, members: Iterable[M], chance: Callable[[M], float]) -> list[M]:
        """Who comes by this hour (each drawn from their own activity stream when paired), in
        random order. People come by in no particular order: taken in the members' listed order
        (by profile, honest first; until 2026-12-06), honest members had the first pick of every
        hour's content, and whatever matching kept from others went to whoever is listed last. The
        order comes from the community's own stream: two paired runs draw the same one, since who
        comes by does not depend on matching."""
        comers = [member for member in members if self.of(Use.ACTIVITY, member.index).random() < chance(member)]
        self.of(Use.ARRIVAL).shuffle(comers)
        return comers
