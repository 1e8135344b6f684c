"""Penalties: an admin warns, cools down, bans or lifts a ban, always with the reason audited and
stored with its evidence (the rule, the tasks), so that the member sees why and may appeal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import structlog

from tgexchange.domain.audit import AuditEntry
from tgexchange.domain.community import Community
from tgexchange.domain.errors import MemberNotFound
from tgexchange.domain.events import PenaltyApplied
from tgexchange.domain.member import Member
from tgexchange.domain.penalty import Penalty, PenaltyAction, PenaltyKind, ends_at, next_step
from tgexchange.domain.task import TaskStatus
from tgexchange.services.community import clean_reason
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.lookup import get_admin, get_member
from tgexchange.services.ports import UnitOfWork
from tgexchange.services.task import cancel_assigned_tasks

log = structlog.get_logger("tgexchange.fair_play")

MAX_EVIDENCE_TASKS = 20


@retry_on_conflict()
def apply_penalty(
    uow: UnitOfWork,
    *,
    action: PenaltyAction,
    actor_member_id: int,
    target_member_id: int,
    reason: str,
    now: datetime,
    rule: str = "admin",
    task_ids: Sequence[int] = (),
) -> Member:
    """The target as changed; they are told privately, with the reason (a PenaltyApplied event, so
    the notice commits with the penalty). A warning, cooldown or ban is stored as a penalty with
    its reason and evidence (``rule``, ``task_ids`` of the community's tasks); an unban lifts the
    bans in force. A ban also cancels the member's tasks not yet done (their slots go back to the
    submissions). Raises NotAnAdmin, or MemberNotFound (also for a member of another community:
    to this admin, they do not exist)."""
    with uow:
        _, community = get_admin(uow, actor_member_id)
        target = _target(uow, community, target_member_id)
        _impose(
            uow,
            community,
            target,
            action,
            actor_member_id=actor_member_id,
            reason=reason,
            rule=rule,
            task_ids=task_ids,
            now=now,
        )
        uow.commit()
        return target


@retry_on_conflict()
def penalize(
    uow: UnitOfWork,
    *,
    actor_member_id: int,
    target_member_id: int,
    reason: str,
    now: datetime,
    rule: str = "admin",
    task_ids: Sequence[int] = (),
) -> tuple[Member, PenaltyKind]:
    """The next step of the community's ladder for the target (one rung up per penalty still in
    force), applied as ``apply_penalty`` would. Returns the target and the step taken."""
    with uow:
        _, community = get_admin(uow, actor_member_id)
        target = _target(uow, community, target_member_id)
        in_force = [p for p in uow.fair_play.penalties_of(target.id, limit=50) if p.is_active(now)]
        step = next_step(community.settings.penalty_ladder, len(in_force))
        _impose(
            uow,
            community,
            target,
            step.action,
            actor_member_id=actor_member_id,
            reason=reason,
            rule=rule,
            task_ids=task_ids,
            now=now,
        )
        uow.commit()
        return target, step


def active_penalties(uow: UnitOfWork, *, member_id: int, now: datetime) -> list[Penalty]:
    """The member's penalties in force, newest first (what ``/me`` shows and an appeal names)."""
    with uow:
        return [p for p in uow.fair_play.penalties_of(member_id, limit=50) if p.is_active(now)]


def _target(uow: UnitOfWork, community: Community, target_member_id: int) -> Member:
    target = get_member(uow, target_member_id)
    if target.community_id != community.id:
        raise MemberNotFound(target_member_id)
    return target


def _evidence(uow: UnitOfWork, community_id: int, member_id: int, task_ids: Sequence[int]) -> tuple[int, ...]:
    """The tasks named as evidence that exist in the community and involve the member (as giver
    or owner); anything else is dropped rather than stored as a claim nobody can check."""
    kept: list[int] = []
    for task_id in dict.fromkeys(task_ids):
        task = uow.tasks.find(task_id)
        if task is not None and task.community_id == community_id and member_id in {task.giver_id, task.owner_id}:
            kept.append(task_id)
    return tuple(kept[:MAX_EVIDENCE_TASKS])


def _impose(
    uow: UnitOfWork,
    community: Community,
    target: Member,
    action: PenaltyAction,
    *,
    actor_member_id: int,
    reason: str,
    rule: str,
    task_ids: Sequence[int],
    now: datetime,
) -> None:
    action.apply_to(target)
    cleaned = clean_reason(reason) if reason else ""
    penalty_id, until = None, None
    if action is PenaltyAction.UNBAN:
        for penalty in uow.fair_play.penalties_of(target.id, limit=50):
            if penalty.kind is PenaltyKind.BAN and penalty.is_active(now) and penalty.id is not None:
                uow.fair_play.lift_penalty(penalty.id, now=now, by="unban")
    else:
        settings = community.settings
        kind = PenaltyKind(action.value)
        until = ends_at(
            kind,
            now=now,
            cooldown=timedelta(hours=settings.penalty_cooldown_hours),
            warning_expiry=timedelta(days=settings.warning_expiry_days),
        )
        stored = uow.fair_play.add_penalty(
            Penalty(
                community_id=community.id,
                member_id=target.id,
                kind=kind,
                reason=cleaned,
                rule=clean_reason(rule)[:64] or "admin",
                task_ids=_evidence(uow, community.id, target.id, task_ids),
                actor_member_id=actor_member_id,
                created_at=now,
                ends_at=until,
            )
        )
        penalty_id = stored.id
        log.info("penalty_applied", community_id=community.id, member_id=target.id, kind=kind.value, until=until)
    target.events.append(
        PenaltyApplied(
            occurred_at=now,
            member_id=target.id,
            community_id=community.id,
            action=action.value,
            reason=cleaned,
            warnings=target.warnings,
            penalty_id=penalty_id,
            until=until,
        )
    )
    if action is PenaltyAction.BAN:
        assigned = uow.tasks.list_for_giver(target.id, statuses=frozenset({TaskStatus.ASSIGNED}), limit=None)
        cancel_assigned_tasks(uow, [t.id for t in assigned], reason="member_banned", now=now)
    uow.audit.add(
        AuditEntry(
            community_id=community.id,
            action=action.audit_action,
            at=now,
            actor_member_id=actor_member_id,
            target_member_id=target.id,
            detail=cleaned or None,
        )
    )
