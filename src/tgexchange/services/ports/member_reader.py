"""A member's own read side: their channels, their tasks, their numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tgexchange.domain.content import Platform
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.task import TaskStatus
from tgexchange.services.ports.fair_play import FairPlayStanding


@dataclass(frozen=True, slots=True)
class ChannelLine:
    platform: Platform
    channel_id: str
    name: str | None


@dataclass(frozen=True, slots=True)
class TaskLine:
    id: int
    status: TaskStatus
    assigned_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class MemberReport:
    balance: int
    stats: MemberStats
    channels: list[ChannelLine]
    recent_tasks: list[TaskLine]
    """Newest first."""
    fair_play: FairPlayStanding | None = None
    """Read in the same snapshot when asked for (/me shows both)."""


@dataclass(frozen=True, slots=True)
class MemberStanding:
    """Where a member stands, for choosing what to offer them next."""

    balance: int
    linked: frozenset[Platform]  # platforms where they linked a channel


class MemberReader(Protocol):
    """What a member asks about themselves most often (/balance, /me), read outside any unit of
    work: no write lock, no ORM objects, a few indexed queries on one connection."""

    def balance(self, member_id: int) -> int | None:
        """The member's wallet; None when there is no such member."""
        ...

    def has_memberships(self, telegram_user_id: int) -> bool:
        """Whether the Telegram user is a member of any community (banned ones too)."""
        ...

    def standing(self, member_id: int) -> MemberStanding | None:
        """The member's wallet and linked platforms; None when there is no such member."""
        ...

    def report(self, member_id: int, *, history: int, fair_play: bool = False) -> MemberReport | None:
        """Balance, counters, linked channels and the ``history`` latest tasks taken, and with
        ``fair_play`` the member's fair-play standing, all in one snapshot; None when there is no
        such member."""
        ...
