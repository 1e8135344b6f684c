"""The Mini App's read side: who a Telegram user is in which community, and a member's own
activity (where their credits went, their open tasks, the feedback they gave and received)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.ledger import PostingKind
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.submission import SubmissionStatus
from tgexchange.domain.task import TaskStatus


@dataclass(frozen=True, slots=True)
class AppMembership:
    member_id: int
    community_id: int
    community_title: str
    display_name: str
    language: str
    is_admin: bool
    status: MemberStatus
    is_paused: bool
    pause_reason: str | None


@dataclass(frozen=True, slots=True)
class CreditFlows:
    """A member's wallet over all time: what came in and went out by kind of posting, and what
    their open requests still hold in escrow (spent, but not yet paid to anyone)."""

    received: dict[PostingKind, int] = field(default_factory=dict)
    spent: dict[PostingKind, int] = field(default_factory=dict)
    held: int = 0


@dataclass(frozen=True, slots=True)
class OpenTaskLine:
    id: int
    status: TaskStatus
    platform: Platform
    title: str
    url: str
    credits: int
    assigned_at: datetime
    deadline_at: datetime


@dataclass(frozen=True, slots=True)
class GivenLine:
    """A task the member took, newest first (the same order as /me's history)."""

    id: int
    status: TaskStatus
    reason: str | None
    platform: Platform
    title: str
    credits: int
    assigned_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReceivedFeedbackLine:
    task_id: int
    giver: str
    status: TaskStatus
    reason: str | None
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReceivedLine:
    """One of the member's submissions and the feedback handed out on it."""

    submission_id: int
    status: SubmissionStatus
    platform: Platform
    title: str
    url: str
    feedback_wanted: int
    tasks_verified: int
    created_at: datetime
    feedback: list[ReceivedFeedbackLine]


@dataclass(frozen=True, slots=True)
class MemberActivity:
    credits: CreditFlows
    open_tasks: list[OpenTaskLine]
    given: list[GivenLine]
    received: list[ReceivedLine]


class MiniAppReader(Protocol):
    """Read outside any unit of work (no write lock, no ORM objects), by indexed look-ups that
    grow with one member's own history, never with the exchange's."""

    def memberships(self, telegram_user_id: int) -> list[AppMembership]:
        """The user's memberships, oldest first (none: they joined no community)."""
        ...

    def activity(self, member_id: int, *, given: int, submissions: int) -> MemberActivity:
        """Credit flows, every open task, the ``given`` latest tasks taken and the ``submissions``
        latest submissions with their feedback, in one snapshot."""
        ...

    def settings(self, community_id: int) -> CommunitySettings | None: ...
