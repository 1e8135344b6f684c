"""Penalties: an admin warns, bans or lifts a ban, always with the reason audited."""

from __future__ import annotations

from datetime import datetime

from tgexchange.domain.audit import AuditEntry
from tgexchange.domain.errors import MemberNotFound
from tgexchange.domain.events import PenaltyApplied
from tgexchange.domain.member import Member
from tgexchange.domain.penalty import PenaltyAction
from tgexchange.domain.task import TaskStatus
from tgexchange.services.community import clean_reason
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.lookup import get_admin, get_member
from tgexchange.services.ports import UnitOfWork
from tgexchange.services.task import cancel_assigned_tasks


@retry_on_conflict()
def apply_penalty(
    uow: UnitOfWork,
    *,
    action: PenaltyAction,
    actor_member_id: int,
    target_member_id: int,
    reason: str,
    now: datetime,
) -> Member:
    """The target as changed; they are told privately, with the reason (a PenaltyApplied event, so
    the notice commits with the penalty). A ban also cancels the member's tasks not yet done (their
    slots go back to the submissions). Raises NotAnAdmin, or MemberNotFound (also for a member of
    another community: to this admin, they do not exist)."""
    with uow:
        _, community = get_admin(uow, actor_member_id)
        target = get_member(uow, target_member_id)
        if target.community_id != community.id:
            raise MemberNotFound(target_member_id)
        action.apply_to(target)
        cleaned = clean_reason(reason) if reason else ""
        target.events.append(
            PenaltyApplied(
                occurred_at=now,
                member_id=target_member_id,
                community_id=community.id,
                action=action.value,
                reason=cleaned,
                warnings=target.warnings,
            )
        )
        if action is PenaltyAction.BAN:
            assigned = uow.tasks.list_for_giver(target_member_id, statuses=frozenset({TaskStatus.ASSIGNED}), limit=None)
            cancel_assigned_tasks(uow, [t.id for t in assigned], reason="member_banned", now=now)
        uow.audit.add(
            AuditEntry(
                community_id=community.id,
                action=action.audit_action,
                at=now,
                actor_member_id=actor_member_id,
                target_member_id=target_member_id,
                detail=cleaned or None,
            )
        )
        uow.commit()
        return target
