"""Members of a community, their role and standing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from tgexchange.domain.errors import MemberBanned, NotAnAdmin
from tgexchange.domain.events import Event
from tgexchange.domain.stored import Stored

MAX_NAME_LENGTH = 128
T = TypeVar("T")


class MemberRole(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    WARNED = "warned"
    BANNED = "banned"


def clean_display_name(name: str, *, max_length: int = MAX_NAME_LENGTH, fallback: str = "member") -> str:
    """A display name safe to store: control characters dropped, whitespace collapsed, bounded to
    ``max_length``; ``fallback`` when nothing printable is left. Also cleans titles and reasons."""
    printable = "".join(ch if ch.isprintable() else " " for ch in name)
    collapsed = " ".join(printable.split())
    return collapsed[:max_length].rstrip() or fallback  # the cut may land just after a space


@dataclass(eq=False, kw_only=True)
class Member(Stored):
    community_id: int
    telegram_user_id: int
    display_name: str
    joined_at: datetime
    username: str | None = None
    language: str = "en"
    role: MemberRole = MemberRole.MEMBER
    status: MemberStatus = MemberStatus.ACTIVE
    warnings: int = 0
    chosen_at: datetime | None = None
    """When the user last chose this community to act in from the private chat; the membership
    chosen or joined last is the one their private commands act in (``acting_membership``)."""
    events: list[Event] = field(default_factory=list)  # what happened to them (a penalty), for the outbox

    @property
    def is_admin(self) -> bool:
        return self.role is MemberRole.ADMIN

    @property
    def is_banned(self) -> bool:
        return self.status is MemberStatus.BANNED

    def ensure_can_act(self) -> None:
        """Raises MemberBanned for a banned member."""
        if self.is_banned:
            raise MemberBanned(self.id)

    def ensure_admin(self) -> None:
        """Raises NotAnAdmin unless the member is an admin, MemberBanned for a banned one."""
        if not self.is_admin:
            raise NotAnAdmin(self.id)
        self.ensure_can_act()

    def warn(self) -> None:
        self.warnings += 1
        if self.status is MemberStatus.ACTIVE:
            self.status = MemberStatus.WARNED

    def ban(self) -> None:
        self.status = MemberStatus.BANNED

    def unban(self) -> None:
        self.status = MemberStatus.WARNED if self.warnings else MemberStatus.ACTIVE

    def lift_warning(self) -> None:
        """A warning withdrawn on appeal: it no longer counts, as if never given."""
        self.warnings = max(0, self.warnings - 1)
        if self.status is MemberStatus.WARNED and not self.warnings:
            self.status = MemberStatus.ACTIVE


def acting_membership(memberships: Sequence[tuple[Member, T]]) -> tuple[Member, T] | None:
    """The membership a user's private commands act in: the community they chose or joined last
    (joining one is choosing it); None without any. At the same moment a choice beats a join, and
    otherwise the one listed last wins."""

    def last_moved(position: int) -> tuple[datetime, bool, int]:
        member = memberships[position][0]
        chosen = member.chosen_at is not None and member.chosen_at >= member.joined_at
        return (member.chosen_at if chosen and member.chosen_at else member.joined_at, chosen, position)

    if not memberships:
        return None
    return memberships[max(range(len(memberships)), key=last_moved)]
