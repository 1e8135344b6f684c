"""What an admin can do about a member's conduct, and how it is remembered: the ladder of
penalties (warn → cooldown → ban by default), each with its reason and evidence, expiring, and
appealable once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from tgexchange.domain.audit import AuditAction
from tgexchange.domain.errors import DomainError
from tgexchange.domain.member import Member


class PenaltyAction(StrEnum):
    WARN = "warn"
    COOLDOWN = "cooldown"  # no feedback may be requested until it ends
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
        elif self is PenaltyAction.UNBAN:
            member.unban()
        # A cooldown changes no standing: it is a stored penalty the submission check reads.


class PenaltyKind(StrEnum):
    """A step of the ladder: what a stored penalty is."""

    WARN = "warn"
    COOLDOWN = "cooldown"
    BAN = "ban"

    @property
    def action(self) -> PenaltyAction:
        return PenaltyAction(self.value)


DEFAULT_LADDER: tuple[PenaltyKind, ...] = (PenaltyKind.WARN, PenaltyKind.COOLDOWN, PenaltyKind.BAN)
# What the settings menu offers (one tap moves to the next): fixed shapes, each ending in a ban,
# rather than free editing, so that no ladder can be made that never escalates.
LADDER_PRESETS: tuple[tuple[PenaltyKind, ...], ...] = (
    DEFAULT_LADDER,
    (PenaltyKind.WARN, PenaltyKind.WARN, PenaltyKind.COOLDOWN, PenaltyKind.BAN),
    (PenaltyKind.WARN, PenaltyKind.COOLDOWN, PenaltyKind.COOLDOWN, PenaltyKind.BAN),
    (PenaltyKind.WARN, PenaltyKind.BAN),
    (PenaltyKind.COOLDOWN, PenaltyKind.BAN),
)
MAX_LADDER_STEPS = 6


def parse_ladder(steps: object) -> tuple[PenaltyKind, ...]:
    """A ladder from its stored form (a list of step names); raises ValueError for anything else."""
    if not isinstance(steps, list | tuple) or not 1 <= len(steps) <= MAX_LADDER_STEPS:
        raise ValueError("a ladder is 1 to 6 steps")
    return tuple(PenaltyKind(str(step)) for step in steps)


def next_step(ladder: tuple[PenaltyKind, ...], active: int) -> PenaltyKind:
    """The step a member with ``active`` penalties still in force gets next: one rung up per
    penalty in force, the last rung for everyone past the top. Expired warnings no longer count,
    so a member who behaved for the expiry period starts again at the bottom."""
    return ladder[min(max(active, 0), len(ladder) - 1)]


def ends_at(kind: PenaltyKind, *, now: datetime, cooldown: timedelta, warning_expiry: timedelta) -> datetime | None:
    """When a new penalty stops being in force: a warning expires, a cooldown ends, a ban lasts
    until an admin lifts it (None)."""
    if kind is PenaltyKind.WARN:
        return now + warning_expiry
    if kind is PenaltyKind.COOLDOWN:
        return now + cooldown
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Penalty:
    """One penalty as stored: what, why (the reason in words, the rule it broke, the tasks that
    show it) and how long."""

    community_id: int
    member_id: int
    kind: PenaltyKind
    reason: str
    created_at: datetime
    rule: str = "admin"
    task_ids: tuple[int, ...] = ()
    actor_member_id: int | None = None
    ends_at: datetime | None = None
    lifted_at: datetime | None = None
    lifted_by: str | None = None  # "appeal" or "unban"
    id: int | None = None

    def is_active(self, now: datetime) -> bool:
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > now)

    def lifted(self, *, now: datetime, by: str) -> Penalty:
        return replace(self, lifted_at=now, lifted_by=by)


class AppealStatus(StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"  # the penalty is lifted
    REJECTED = "rejected"  # the penalty stands


@dataclass(frozen=True, slots=True, kw_only=True)
class Appeal:
    penalty_id: int
    community_id: int
    member_id: int
    text: str
    created_at: datetime
    status: AppealStatus = AppealStatus.PENDING
    decided_at: datetime | None = None
    decided_by: str | None = None  # who decided, in words ("member 12", "operator")
    note: str | None = None
    id: int | None = None

    def decided(self, *, upheld: bool, now: datetime, by: str, note: str | None) -> Appeal:
        """The appeal as decided; raises AppealAlreadyDecided (an appeal is decided once)."""
        if self.status is not AppealStatus.PENDING:
            raise AppealAlreadyDecided(self.id or 0, self.status.value)
        status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
        return replace(self, status=status, decided_at=now, decided_by=by, note=note)


class PenaltyNotFound(DomainError):
    code = "penalty_not_found"

    def __init__(self, key: object) -> None:
        super().__init__(f"No penalty {key!r} of yours to appeal.", key=key)


class NothingToAppeal(DomainError):
    code = "nothing_to_appeal"

    def __init__(self) -> None:
        super().__init__("You have no penalty in force to appeal.")


class AppealAlreadyFiled(DomainError):
    code = "appeal_already_filed"

    def __init__(self, penalty_id: int) -> None:
        super().__init__("That penalty was already appealed: each penalty may be appealed once.", penalty_id=penalty_id)


class AppealNotFound(DomainError):
    code = "appeal_not_found"

    def __init__(self, key: object) -> None:
        super().__init__(f"No appeal {key!r}.", key=key)


class AppealAlreadyDecided(DomainError):
    code = "appeal_already_decided"

    def __init__(self, appeal_id: int, status: str) -> None:
        super().__init__("That appeal was already decided.", appeal_id=appeal_id, status=status)


class AppealTextMissing(DomainError):
    code = "appeal_text_missing"

    def __init__(self) -> None:
        super().__init__("Say in a few words why the penalty should be lifted.")
