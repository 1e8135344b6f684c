"""What admins did, kept so that every use of the kill switch and every sanction can be traced."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tgexchange.domain.stored import Stored

MAX_DETAIL_LENGTH = 300


class AuditAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    WARN = "warn"
    BAN = "ban"
    UNBAN = "unban"
    SETTINGS = "settings"
    MOVED = "moved"  # the group was upgraded to a supergroup (a new chat id); done by Telegram
    COOLDOWN = "cooldown"  # a penalty: no feedback may be requested for a while
    APPEAL = "appeal"  # a member appealed a penalty (the actor is the member)
    APPEAL_UPHELD = "appeal_upheld"  # the penalty was lifted
    APPEAL_REJECTED = "appeal_rejected"  # the penalty stands
    # The owner said a comment not found publicly is held for their review on YouTube: the task
    # was verified on their word, not on public data.
    OWNER_CONFIRMED = "owner_confirmed"
    RING_CLEARED = "ring_cleared"  # an admin cleared a flagged group (domain/ring.py)
    RING_CONFIRMED = "ring_confirmed"


@dataclass(eq=False, kw_only=True)
class AuditEntry(Stored):
    community_id: int
    action: AuditAction
    at: datetime
    actor_member_id: int | None = None
    actor_label: str | None = None
    target_member_id: int | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class SettingChange:
    """One setting changed, named and valued as the settings are stored
    (``CommunitySettings.to_json``): stable across versions and free of any language."""

    name: str
    before: Any
    after: Any

    def to_detail(self) -> str:
        """The audit detail: ``{"setting": name, "from": old, "to": new}`` as compact JSON."""
        detail = json.dumps(
            {"setting": self.name, "from": self.before, "to": self.after},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        if len(detail) > MAX_DETAIL_LENGTH:  # no setting is this long; never store broken JSON
            raise ValueError(f"setting {self.name} does not fit an audit entry")
        return detail

    @classmethod
    def from_detail(cls, detail: str | None) -> SettingChange | None:
        """The change a SETTINGS entry records, or None for an entry written before changes were
        structured (free text such as ``min_words=12``, shown as it was)."""
        if not detail or not detail.startswith("{"):
            return None
        try:
            data = json.loads(detail)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("setting"), str) or "to" not in data:
            return None
        return cls(data["setting"], data.get("from"), data["to"])


def setting_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[SettingChange]:
    """The settings that differ between two stored forms, in a stable order."""
    return [
        SettingChange(name, before.get(name), value)
        for name, value in sorted(after.items())
        if before.get(name) != value
    ]
