"""What admins did, kept so that every use of the kill switch and every sanction can be traced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tgexchange.domain.stored import Stored


class AuditAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    WARN = "warn"
    BAN = "ban"
    UNBAN = "unban"
    SETTINGS = "settings"
    MOVED = "moved"  # the group was upgraded to a supergroup (a new chat id); done by Telegram


@dataclass(eq=False, kw_only=True)
class AuditEntry(Stored):
    community_id: int
    action: AuditAction
    at: datetime
    actor_member_id: int | None = None
    actor_label: str | None = None
    target_member_id: int | None = None
    detail: str | None = None
