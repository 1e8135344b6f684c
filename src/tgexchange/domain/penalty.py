"""What an admin can do about a member's conduct: warn, ban, or lift a ban."""

from __future__ import annotations

from enum import StrEnum

from tgexchange.domain.audit import AuditAction
from tgexchange.domain.member import Member


class PenaltyAction(StrEnum):
    WARN = "warn"
    BAN = "ban"
    UNBAN = "unban"  # lifts a ban; earlier warnings still count

    @property
    def audit_action(self) -> AuditAction:
        return AuditAction(self.value)

    def apply_to(self, member: Member) -> None:
        if self is PenaltyAction.WARN:
            member.warn()
        elif self is PenaltyAction.BAN:
            member.ban()
        else:
            member.unban()
