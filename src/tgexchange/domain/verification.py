"""Deciding, from public comments, whether a member left the feedback a task asked for."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tgexchange.domain.content import PublicComment


@dataclass(frozen=True, slots=True)
class VerificationPolicy:
    """Timings of verification. ``retry_delays`` are the waits between looks for a comment that is
    not there yet (the last one repeats) until the task's verification deadline."""

    grace: timedelta = timedelta(hours=6)
    retry_delays: tuple[timedelta, ...] = field(
        default=(
            timedelta(minutes=2),
            timedelta(minutes=5),
            timedelta(minutes=15),
            timedelta(minutes=30),
            timedelta(hours=1),
            timedelta(hours=2),
        )
    )
    comments_to_read: int = 500
    # An outage never rejects anyone, but it cannot hold a task (its escrow, the giver's open-task
    # slot) forever: this long past the verification deadline the task is called off, without
    # blame for the giver; its escrow slot goes back to the submission (or to the owner, closed).
    outage_limit: timedelta = timedelta(days=7)
    owner_timeout: timedelta = timedelta(hours=72)
    # YouTube holds some real comments for the channel owner's review, and they are not public.
    # A comment still not found at the deadline is not rejected yet: the submission's owner is
    # asked whether they see it among their held comments, and has this long to answer (silence
    # is a "no": unlike a pasted text, nothing shows that a held comment exists).
    ask_owner_when_not_found: bool = True
    held_timeout: timedelta = timedelta(hours=48)
    dispute_window: timedelta = timedelta(hours=24)
    admin_timeout: timedelta = timedelta(days=7)
    paused_recheck: timedelta = timedelta(minutes=10)
    # A task in flight is marked to be looked at again this long after its pass started; the
    # sweeper requeues it if that moment passes by more than ``sweep_slack`` (its job was lost).
    stuck_after: timedelta = timedelta(minutes=10)
    sweep_slack: timedelta = timedelta(minutes=2)
    # Pacing: the first pass waits ``debounce`` after a member says done, and passes over one
    # submission are at least ``min_interval`` apart, so members who finish close together share
    # one fetch (platform reads are what we must spend sparingly).
    debounce: timedelta = timedelta(minutes=2)
    min_interval: timedelta = timedelta(minutes=10)

    def retry_delay(self, attempt: int) -> timedelta:
        """The wait after the ``attempt``-th look (1-based)."""
        index = min(max(attempt, 1), len(self.retry_delays)) - 1
        return self.retry_delays[index]


def time_precision(age: timedelta) -> timedelta:
    """How coarse an estimated comment time is at this age. yt-dlp parses "3 hours ago" style
    text, so a comment shown as "1 day ago" may be up to a day older or newer than it says."""
    if age < timedelta(hours=1):
        return timedelta(minutes=1)
    if age < timedelta(days=1):
        return timedelta(hours=1)
    if age < timedelta(days=7):
        return timedelta(days=1)
    if age < timedelta(days=30):
        return timedelta(weeks=1)
    if age < timedelta(days=365):
        return timedelta(days=31)
    return timedelta(days=366)


def is_after(comment: PublicComment, moment: datetime, *, now: datetime) -> bool:
    """Whether the comment was written at or after ``moment``, allowing for the imprecision of
    estimated times (exact API timestamps are compared as they are)."""
    if not comment.posted_at_is_estimate:
        return comment.posted_at >= moment
    return comment.posted_at + time_precision(now - comment.posted_at) >= moment


def comments_by(
    comments: Iterable[PublicComment],
    *,
    channel_ids: Collection[str],
    since: datetime,
    now: datetime,
    exclude_ids: frozenset[str] = frozenset(),
) -> list[PublicComment]:
    """The comments any of ``channel_ids`` (a member's linked channels on the platform) wrote since
    ``since``: top-level ones first, then replies, each group longest first (the most likely to be
    the feedback)."""
    mine = [
        c
        for c in comments
        if c.author_channel_id in channel_ids and c.comment_id not in exclude_ids and is_after(c, since, now=now)
    ]
    return sorted(mine, key=lambda c: (c.is_reply, -len(c.text)))


@dataclass(frozen=True, slots=True)
class Judged:
    """A quality verdict on one candidate: a public comment, or (None) text the member pasted."""

    comment: PublicComment | None
    accepted: bool
    rule: str | None


def best_feedback(judged: Sequence[Judged]) -> Judged | None:
    """The accepted comment if any (in the order given), else the first one judged."""
    for item in judged:
        if item.accepted:
            return item
    return judged[0] if judged else None
