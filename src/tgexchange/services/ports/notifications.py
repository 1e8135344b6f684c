"""Telling a member something: the notice, the outbox it waits in, and who delivers it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell one member, by ``kind`` (faces pick the words in the member's language),
    or, with ``member_id`` None, one Telegram user who need not be a member (an operator)."""

    member_id: int | None
    kind: str
    params: dict[str, object]
    telegram_user_id: int | None = None


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # blocked the bot, left, the chat is gone: trying again cannot help
    RETRY = "retry"  # Telegram or the network failed for now


@dataclass(frozen=True, slots=True)
class PendingNotice:
    id: int
    notice: Notice
    attempts: int  # this one included


class NoticeRepository(Protocol):
    """The outbox as seen from inside a unit of work: notices are written with the decision."""

    def add(self, notice: Notice, *, now: datetime, deliver_after: datetime) -> None:
        """Adds the notice to the outbox; once committed, ``take_notices`` of the unit of work
        returns its id."""
        ...


class Outbox(Protocol):
    """The outbox as senders see it. Each call is its own short transaction."""

    def claim(
        self, *, now: datetime, hold_until: datetime, ids: Sequence[int] | None = None, limit: int = 100
    ) -> list[PendingNotice]:
        """Takes open notices no other sender holds, counts an attempt on each and holds them until
        ``hold_until`` (a sender that crashes lets go then): those of ``ids`` whatever their next
        attempt time, or, without ids, those due at ``now``, oldest first. Of two senders
        claiming one notice, one gets it."""
        ...

    def close(self, notice_id: int, *, outcome: str, now: datetime, error: str | None = None) -> None: ...

    def retry_at(self, notice_id: int, *, at: datetime, error: str | None = None) -> None:
        """Lets go of the notice until ``at``."""
        ...

    def prune(self, *, closed_before: datetime) -> int:
        """Deletes notices closed before then; returns how many."""
        ...

    def count_open(self) -> int: ...


class Notifier(Protocol):
    def deliver(self, notice: Notice) -> DeliveryOutcome:
        """Sends the notice now (blocking) and says how it went; never raises for a member who
        cannot be reached."""
        ...
