"""Rings and pairs in the simulator: which accounts belong to one person, how that person makes
them serve each other, and how well the exchange's ring detection found them.

The truth lives here, in memory (and in the JSON summary), never in the exchange's tables: the
detection sees only what any community would, the exchange graph, its timing and the texts.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from tgexchange.simulation.profiles import PAIR_SIZE, RING_SIZES, Profile

# How a colluding person works their accounts. While one account's content is fresh (submitted
# within PARTNER_CONTENT_FRESH), the others look only for it and hand back anything else (at most
# MAX_LOOKS offers a session, as a person clicking "another one" would). Otherwise they serve
# whoever matching offers, as anyone does: they need the credits, and it makes them look active.
MAX_LOOKS = 8
PARTNER_CONTENT_FRESH = timedelta(hours=24)


def is_partner_content_fresh(submitted_at: Sequence[datetime | None], *, now: datetime) -> bool:
    return any(at is not None and now - at < PARTNER_CONTENT_FRESH for at in submitted_at)


def assign_groups(profiles: Sequence[Profile]) -> list[int | None]:
    """The group id of each account (None outside rings and pairs): consecutive ring accounts
    form groups of RING_SIZES in turn, consecutive pair accounts groups of two. A lone account
    left at the end (too few for a group) joins the previous group of its kind, or stays alone
    (and honest in all but its name) when there is none."""
    groups: list[int | None] = [None] * len(profiles)
    next_id = 0
    for profile, sizes in ((Profile.RING, RING_SIZES), (Profile.PAIR, (PAIR_SIZE,))):
        indexes = [i for i, p in enumerate(profiles) if p is profile]
        start, turn = 0, 0
        while start < len(indexes):
            size = sizes[turn % len(sizes)]
            chunk = indexes[start : start + size]
            if len(chunk) == 1:  # one account is no group: it joins the previous one, if any
                groups[chunk[0]] = next_id - 1 if start > 0 else None
            else:
                for index in chunk:
                    groups[index] = next_id
                next_id += 1
            start, turn = start + size, turn + 1
    return groups


def detection_summary(
    truth: Collection[int], flagged: Collection[int], *, groups: int, flagged_groups: int
) -> dict[str, Any]:
    """Precision and recall of the flagged accounts against the accounts of rings and pairs.
    Precision is 1.0 when nothing was flagged (no false flag), recall 1.0 when there was nothing
    to find."""
    truth_set, flagged_set = set(truth), set(flagged)
    hits = len(truth_set & flagged_set)
    return {
        "precision": round(hits / len(flagged_set), 3) if flagged_set else 1.0,
        "recall": round(hits / len(truth_set), 3) if truth_set else 1.0,
        "true_accounts": len(truth_set),
        "flagged_accounts": len(flagged_set),
        "true_groups": groups,
        "flagged_groups": flagged_groups,
    }
