"""Credit scaled by substance (domain/credit.py): the tiers at their boundaries, lateness,
rounding, and the split of what was escrowed."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes import T0
from tests.feedback_texts import text_of
from tgexchange.domain.credit import (
    CAP,
    escrow_per_feedback,
    is_late,
    payout,
    payout_for_text,
    round_credits,
    substance_multiplier,
)

DEADLINE = T0 + timedelta(hours=48)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (0, Fraction(0)),
        (7, Fraction(0)),  # below the minimum of 8
        (8, Fraction(1)),  # the minimum
        (15, Fraction(1)),
        (16, Fraction(3, 2)),  # twice the minimum
        (31, Fraction(3, 2)),
        (32, Fraction(2)),  # four times the minimum
        (500, Fraction(2)),  # capped
    ],
)
def test_the_tier_changes_exactly_at_the_minimum_and_its_doubles(words: int, expected: Fraction) -> None:
    assert substance_multiplier(words=words, min_words=8) == expected


def test_generic_praise_earns_nothing_however_long() -> None:
    assert substance_multiplier(words=100, min_words=8, generic=True) == 0


def test_a_community_without_a_minimum_still_has_tiers_from_one_word() -> None:
    assert [substance_multiplier(words=w, min_words=0) for w in (0, 1, 2, 4)] == [0, 1, Fraction(3, 2), 2]


def test_feedback_handed_in_after_half_the_time_is_late_and_at_half_it_is_not() -> None:
    half = T0 + timedelta(hours=24)

    assert not is_late(assigned_at=T0, deadline_at=DEADLINE, handed_in_at=half)
    assert is_late(assigned_at=T0, deadline_at=DEADLINE, handed_in_at=half + timedelta(seconds=1))


def test_credits_round_half_up() -> None:
    assert [round_credits(Fraction(x, 4)) for x in (29, 30, 31)] == [7, 8, 8]


@pytest.mark.parametrize(
    ("multiplier", "late", "paid"),
    [(Fraction(1), False, 10), (Fraction(3, 2), False, 15), (Fraction(2), False, 20), (Fraction(3, 2), True, 8)],
)
def test_a_payout_splits_the_escrowed_cap_between_giver_and_owner(multiplier: Fraction, late: bool, paid: int) -> None:
    split = payout(base=10, escrowed=20, multiplier=multiplier, late=late)

    assert (split.paid, split.returned) == (paid, 20 - paid)


def test_verified_feedback_of_one_credit_still_earns_one_when_late() -> None:
    assert payout(base=1, escrowed=2, multiplier=Fraction(1), late=True).paid == 1


def test_the_escrow_holds_the_cap_only_under_credit_by_substance() -> None:
    assert (escrow_per_feedback(7, by_substance=True), escrow_per_feedback(7, by_substance=False)) == (14, 7)


def test_verified_feedback_we_hold_no_text_for_earns_the_base() -> None:
    split = payout_for_text(
        None, base=10, escrowed=20, min_words=8, assigned_at=T0, deadline_at=DEADLINE, handed_in_at=T0
    )

    assert (split.paid, split.returned) == (10, 10)


def test_the_tier_is_read_from_the_words_of_the_feedback_itself() -> None:
    def paid(words: int, *, late: bool = False) -> int:
        handed_in = T0 + timedelta(hours=30 if late else 1)
        return payout_for_text(
            text_of(words), base=10, escrowed=20, min_words=8, assigned_at=T0, deadline_at=DEADLINE,
            handed_in_at=handed_in,
        ).paid  # fmt: skip

    assert [paid(8), paid(16), paid(40), paid(40, late=True)] == [10, 15, 20, 10]


def test_repeated_words_and_filler_add_no_substance() -> None:
    def paid(text: str) -> int:
        return payout_for_text(
            text, base=10, escrowed=20, min_words=8, assigned_at=T0, deadline_at=DEADLINE, handed_in_at=T0
        ).paid

    twelve = text_of(12)
    assert paid(twelve) == 10
    assert paid(" ".join([twelve] * 4)) == 10  # 48 words, the same 12 said four times
    assert paid(text_of(40)) == 20
    padding = (
        "I watched this video from the start all the way to the end and I have to say that it is "
        "definitely a video with a lot of things in it, overall I would say that the video is what "
        "it is and that is how it is, there is really a lot to say about it and I could say more "
        "about it, it has a beginning and a middle and an end like most of them do, some things "
        "happen and then some other things happen after that"
    )
    assert paid(padding) == 10  # 85 words, mostly filler: the base, not 2x


@given(
    base=st.integers(1, 10_000),
    multiplier=st.sampled_from([Fraction(1), Fraction(3, 2), Fraction(2)]),
    late=st.booleans(),
)
def test_a_payout_is_whole_credits_within_the_escrow_and_nothing_is_lost(
    base: int, multiplier: Fraction, late: bool
) -> None:
    escrowed = escrow_per_feedback(base, by_substance=True)

    split = payout(base=base, escrowed=escrowed, multiplier=multiplier, late=late)

    assert type(split.paid) is int
    assert type(split.returned) is int
    assert split.paid + split.returned == escrowed
    assert 1 <= split.paid <= base * CAP
    assert abs(split.paid - base * multiplier * (Fraction(1, 2) if late else 1)) <= Fraction(1, 2)
