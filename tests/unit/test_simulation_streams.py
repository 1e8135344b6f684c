"""Where a simulation's random numbers come from: one shared generator by default, or each
member's own per use (paired), so that two runs of one seed draw the same numbers for the same
choices."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tgexchange.simulation.streams import RandomStreams, Use


def test_shared_streams_hand_every_use_the_one_generator_seeded_as_before() -> None:
    streams = RandomStreams(7, paired=False)
    assert streams.of(Use.WORK, 3) is streams.shared
    assert streams.of(Use.ACTIVITY, 9) is streams.shared
    assert streams.of(Use.OUTAGES) is streams.shared
    # random.Random(seed) is what the simulator drew from before streams existed.
    assert _draws(streams.shared, 5) == _draws(random.Random(7), 5)


def _draws(rng: random.Random, n: int) -> list[float]:
    return [rng.random() for _ in range(n)]


def test_paired_streams_are_one_per_member_and_use_and_kept() -> None:
    streams = RandomStreams(7, paired=True)
    work = streams.of(Use.WORK, 3)
    assert streams.of(Use.WORK, 3) is work
    others = [streams.of(Use.ACTIVITY, 3), streams.of(Use.WORK, 4), streams.of(Use.RATINGS), streams.shared]
    assert all(other is not work for other in others)
    firsts = {tuple(_draws(s, 3)) for s in [work, *others]}
    assert len(firsts) == 5  # no two streams start alike


def test_a_members_draws_do_not_depend_on_what_others_drew() -> None:
    quiet = RandomStreams(11, paired=True)
    busy = RandomStreams(11, paired=True)
    for member in range(50):  # in the busy run everyone else draws a lot first
        _draws(busy.of(Use.WORK, member), 100)
        _draws(busy.of(Use.ACTIVITY, member), 7)
    assert _draws(quiet.of(Use.WORK, 60), 20) == _draws(busy.of(Use.WORK, 60), 20)
    assert _draws(quiet.of(Use.ACTIVITY, 60), 20) == _draws(busy.of(Use.ACTIVITY, 60), 20)


def test_paired_streams_depend_on_the_seed() -> None:
    one, same, other = (RandomStreams(seed, paired=True) for seed in (5, 5, 6))
    assert _draws(one.of(Use.WRITING, 2), 10) == _draws(same.of(Use.WRITING, 2), 10)
    assert _draws(one.of(Use.WRITING, 2), 10) != _draws(other.of(Use.WRITING, 2), 10)


@dataclass(frozen=True)
class _Sim:
    index: int


def test_members_come_by_in_an_order_of_their_own_not_the_order_they_are_listed() -> None:
    members = [_Sim(i) for i in range(200)]

    def comers(seed: int, *, paired: bool, chance: float = 0.5) -> list[int]:
        return [m.index for m in RandomStreams(seed, paired=paired).arrivals(members, lambda _: chance)]

    everyone = comers(7, paired=True, chance=1.0)
    assert sorted(everyone) == list(range(200))  # each member once
    assert everyone != list(range(200))  # not in the listed order
    assert comers(7, paired=True, chance=0.0) == []
    some = comers(7, paired=True)
    assert 60 < len(some) < 140  # about half, each drawn against the chance
    # Two paired runs of a seed draw the same members in the same order; another seed does not.
    assert some == comers(7, paired=True)
    assert some != comers(8, paired=True)
    # Paired, who comes by is each member's own draw: the same whatever the order or the others.
    mine = RandomStreams(7, paired=True)
    alone = [m.index for m in mine.arrivals([members[5]], lambda _: 0.5)]
    assert alone == ([5] if 5 in some else [])
    assert comers(7, paired=False) == comers(7, paired=False)  # shared: seeded, deterministic
