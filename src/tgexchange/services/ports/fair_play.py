"""Storage for fair play: penalties, appeals, and the cooldown and admission events."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tgexchange.domain.penalty import Appeal, Penalty
from tgexchange.domain.rating import RatingSummary

COOLDOWN_STARTED = "cooldown_started"
ADMISSION_REFUSED = "admission_refused"


@dataclass(frozen=True, slots=True, kw_only=True)
class FairPlayEvent:
    community_id: int
    kind: str  # COOLDOWN_STARTED | ADMISSION_REFUSED
    at: datetime
    member_id: int | None = None
    telegram_user_id: int | None = None
    until: datetime | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FairPlayStanding:
    """What ``/me`` shows of a member's fair play, read in one snapshot."""

    penalties: list[tuple[Penalty, bool]]
    """Not lifted (expired ones too: the caller knows the time), newest first, each with whether
    it was appealed."""
    ratings: RatingSummary
    """The member's published ratings as a giver."""
    ratings_received: int
    """How many ratings their feedback has received in all."""


class FairPlayRepository(Protocol):
    def add_penalty(self, penalty: Penalty) -> Penalty:
        """The penalty as stored, with its id."""
        ...

    def find_penalty(self, penalty_id: int) -> Penalty | None: ...
    def penalties_of(self, member_id: int, *, limit: int = 20) -> Sequence[Penalty]:
        """Newest first."""
        ...

    def lift_penalty(self, penalty_id: int, *, now: datetime, by: str) -> bool:
        """Lifts it unless it was lifted already; whether this call lifted it."""
        ...

    def add_appeal(self, appeal: Appeal) -> Appeal:
        """Raises AppealAlreadyFiled if the penalty was appealed already (the unique penalty_id, also
        when two appeals race)."""
        ...

    def find_appeal(self, appeal_id: int) -> Appeal | None: ...
    def appeal_of(self, penalty_id: int) -> Appeal | None: ...
    def decide_appeal(self, decided: Appeal) -> bool:
        """Stores the decision unless the appeal was decided already; whether this call did."""
        ...

    def pending_appeals(self, community_ids: Collection[int] | None, *, limit: int) -> Sequence[Appeal]:
        """Oldest first; every community's when ``community_ids`` is None."""
        ...

    def log_event(self, event: FairPlayEvent) -> None: ...
    def last_event(self, member_id: int, kind: str) -> FairPlayEvent | None: ...
    def recent_events(
        self, community_ids: Collection[int] | None, *, since: datetime, limit: int
    ) -> Sequence[FairPlayEvent]:
        """Newest first."""
        ...

    def count_joined_since(self, community_id: int, since: datetime) -> int:
        """Members who joined the community at or after ``since`` (one indexed count)."""
        ...


class FairPlayReader(Protocol):
    def penalties(self, member_id: int) -> list[tuple[Penalty, bool]]:
        """The member's penalties not lifted (expired ones too: the caller knows the time), newest
        first, each with whether it was appealed."""
        ...

    def standing(self, member_id: int) -> FairPlayStanding:
        """In one snapshot: ``penalties``, the member's published ratings as a giver, and how
        many ratings their feedback has received in all."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class QueuedAppeal:
    """A pending appeal as the dashboard lists it: with its penalty and who appealed."""

    appeal: Appeal
    penalty: Penalty
    member_name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NamedEvent:
    event: FairPlayEvent
    member_name: str | None
    """None for a newcomer the cap refused (no member yet: the event has their Telegram id)."""


class FairPlayDashboard(Protocol):
    """The dashboard's fair-play reads, each a statement or two outside any unit of work: 200
    admins refreshing at once must neither queue behind SQLite's write lock nor read one row per
    item."""

    def pending_appeals(self, community_ids: Collection[int] | None, *, limit: int) -> list[QueuedAppeal]:
        """Oldest first; every community's when ``community_ids`` is None."""
        ...

    def recent_events(self, community_ids: Collection[int] | None, *, since: datetime, limit: int) -> list[NamedEvent]:
        """Newest first."""
        ...

    def event_counts(self, community_ids: Collection[int] | None, *, since: datetime) -> dict[str, int]:
        """Events per kind since then (kinds with none are absent)."""
        ...

    def member_names(self, member_ids: Collection[int]) -> dict[int, str]:
        """Display names of those members that exist."""
        ...
