"""Credit scaled by substance (issue 19 §2): what one verified feedback pays when a community
turns it on.

The base is the submission's ``credits_per_feedback``. Feedback of at least the community's
minimum words earns 1×, from twice the minimum 1.5×, from four times the minimum 2× (the cap);
below the minimum, or generic praise, earns nothing (the quality gate rejects both, so a verified
task never gets there: the tiers say the same thing the gate does). Feedback handed in after the
first half of the task's time earns half. The escrow holds the cap for every slot, and what a
verified feedback does not earn goes back to the owner.

What counts for the tiers is substance, not length: the different words that are neither generic
praise nor filler (``lexicon.substantive_words``), and a text that is mostly filler (at least
``MOSTLY_FILLER`` of its words) earns the base and no more. Otherwise long, empty text ("the video
is what it is, and that is how it is…", the simulator's padder) would earn the most. On the
YouTube comments of ``shared/data`` (269 ordinary comments of 8+ words) 27 reach 1.5× this way, and
none of them is mostly filler.

Rounding: the product is rounded half up to a whole credit (credits are ints), and a verified
feedback earns at least 1 credit; the cap is never exceeded, so the escrow always covers it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from tgexchange.domain.quality.lexicon import substantive_words
from tgexchange.domain.quality.rules import DEFAULT_THRESHOLDS, measure

NOTHING = Fraction(0)
ONE = Fraction(1)
ONE_AND_A_HALF = Fraction(3, 2)
CAP = Fraction(2)
LATE = Fraction(1, 2)
MOSTLY_FILLER = 0.6  # honest feedback of the simulator is 0.31-0.56 filler, its padding 0.60-0.78


def substance_multiplier(*, words: int, min_words: int, generic: bool = False) -> Fraction:
    """The tier for ``words`` words: [0, m) → 0, [m, 2m) → 1, [2m, 4m) → 1.5, [4m, ∞) → 2, with
    m the community's minimum (at least 1, so a community without a minimum still has tiers);
    generic praise → 0 whatever its length."""
    minimum = max(1, min_words)
    if generic or words < minimum:
        return NOTHING
    if words < 2 * minimum:
        return ONE
    if words < 4 * minimum:
        return ONE_AND_A_HALF
    return CAP


def is_late(*, assigned_at: datetime, deadline_at: datetime, handed_in_at: datetime) -> bool:
    """Handed in after the first half of the task's time. The moment the giver said "done" counts,
    not when verification found the comment: our own pacing must not cost the giver."""
    return handed_in_at > assigned_at + (deadline_at - assigned_at) / 2


def round_credits(amount: Fraction) -> int:
    """Half up: 7.5 → 8, 7.25 → 7."""
    return math.floor(amount + Fraction(1, 2))


def escrow_per_feedback(base: int, *, by_substance: bool) -> int:
    """What the escrow holds for one feedback: the cap when credit is scaled by substance."""
    return round_credits(base * CAP) if by_substance else base


@dataclass(frozen=True, slots=True)
class Payout:
    """What one verified feedback pays the giver, and what goes back to the owner."""

    paid: int
    returned: int
    multiplier: Fraction
    late: bool


def payout(*, base: int, escrowed: int, multiplier: Fraction, late: bool) -> Payout:
    """Splits ``escrowed`` between the giver and the owner. A multiplier of 0 pays 0 (a rejected
    text's tier; settling never pays a rejected task anyway); otherwise at least 1, at most the
    escrow."""
    factor = multiplier * (LATE if late else ONE)
    paid = 0 if factor == 0 else min(escrowed, max(1, round_credits(base * factor)))
    return Payout(paid=paid, returned=escrowed - paid, multiplier=multiplier, late=late)


def payout_for_text(
    text: str | None,
    *,
    base: int,
    escrowed: int,
    min_words: int,
    assigned_at: datetime,
    deadline_at: datetime,
    handed_in_at: datetime,
) -> Payout:
    """``payout`` for a verified feedback, its tier measured on its own text's substance (see the
    module). Verification already judged the text, so a verified feedback earns at least 1×: a
    text we do not hold (an admin's or owner's word alone) or a minimum raised since does not take
    the base away."""
    multiplier = ONE
    if text:
        filler = measure(text).generic_share
        tier = substance_multiplier(
            words=substantive_words(text),
            min_words=min_words,
            generic=filler >= DEFAULT_THRESHOLDS.generic_share,
        )
        multiplier = ONE if filler >= MOSTLY_FILLER else max(ONE, tier)
    late = is_late(assigned_at=assigned_at, deadline_at=deadline_at, handed_in_at=handed_in_at)
    return payout(base=base, escrowed=escrowed, multiplier=multiplier, late=late)
