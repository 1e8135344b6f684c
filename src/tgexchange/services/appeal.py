"""Appeals: a member asks, once per penalty, for it to be lifted; the community's admins (or the
operator) decide, once. Every step is audited and the member is told in their language."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import structlog

from tgexchange.domain.audit import AuditAction, AuditEntry
from tgexchange.domain.errors import MemberNotFound
from tgexchange.domain.events import AppealDecided, AppealFiled
from tgexchange.domain.member import Member, clean_display_name
from tgexchange.domain.penalty import (
    Appeal,
    AppealAlreadyDecided,
    AppealAlreadyFiled,
    AppealNotFound,
    AppealTextMissing,
    NothingToAppeal,
    Penalty,
    PenaltyKind,
    PenaltyNotFound,
)
from tgexchange.services.community import clean_reason
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.lookup import get_admin, get_member
from tgexchange.services.ports import FairPlayDashboard, UnitOfWork

log = structlog.get_logger("tgexchange.fair_play")

MAX_APPEAL_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class AppealView:
    """An appeal with what it is about, for the admins' queue (bot and dashboard)."""

    appeal: Appeal
    penalty: Penalty
    member_name: str


@retry_on_conflict()
def file_appeal(
    uow: UnitOfWork, *, member_id: int, text: str, now: datetime, penalty_id: int | None = None
) -> tuple[Appeal, Penalty]:
    """Appeals the penalty ``penalty_id`` (default: the member's newest penalty in force that was
    not appealed yet). Banned members may appeal: that is what it is for. The admins are told.
    Raises AppealTextMissing, NothingToAppeal, PenaltyNotFound or AppealAlreadyFiled."""
    cleaned = clean_display_name(text, max_length=MAX_APPEAL_LENGTH, fallback="")
    if not cleaned:
        raise AppealTextMissing()
    with uow:
        member = get_member(uow, member_id)
        penalty = _appealable(uow, member, penalty_id, now)
        appeal = uow.fair_play.add_appeal(
            Appeal(
                penalty_id=penalty.id or 0,
                community_id=member.community_id,
                member_id=member.id,
                text=cleaned,
                created_at=now,
            )
        )
        member.events.append(
            AppealFiled(
                occurred_at=now, appeal_id=appeal.id or 0, member_id=member.id, community_id=member.community_id
            )
        )
        uow.audit.add(
            AuditEntry(
                community_id=member.community_id,
                action=AuditAction.APPEAL,
                at=now,
                actor_member_id=member.id,
                target_member_id=member.id,
                detail=clean_reason(cleaned) or None,
            )
        )
        uow.commit()
        log.info("appeal_filed", community_id=member.community_id, member_id=member.id, appeal_id=appeal.id)
        return appeal, penalty


def _appealable(uow: UnitOfWork, member: Member, penalty_id: int | None, now: datetime) -> Penalty:
    if penalty_id is not None:
        penalty = uow.fair_play.find_penalty(penalty_id)
        if penalty is None or penalty.member_id != member.id or not penalty.is_active(now):
            raise PenaltyNotFound(penalty_id)
        if uow.fair_play.appeal_of(penalty_id) is not None:
            raise AppealAlreadyFiled(penalty_id)
        return penalty
    in_force = [p for p in uow.fair_play.penalties_of(member.id, limit=50) if p.is_active(now)]
    if not in_force:
        raise NothingToAppeal()
    for penalty in in_force:
        if penalty.id is not None and uow.fair_play.appeal_of(penalty.id) is None:
            return penalty
    raise AppealAlreadyFiled(in_force[0].id or 0)


@retry_on_conflict()
def decide_appeal(
    uow: UnitOfWork,
    *,
    appeal_id: int,
    upheld: bool,
    now: datetime,
    actor_member_id: int | None = None,
    actor_telegram_user_id: int | None = None,
    note: str = "",
) -> Appeal:
    """Decides a pending appeal. The actor is an admin of the appeal's community (by member id, or
    by Telegram user id for the dashboard), or the operator when both are None. Upheld, the
    penalty is lifted and the member's standing restored (a ban lifted, a warning withdrawn) once:
    a second decision is refused. Raises AppealNotFound (also for another community's appeal),
    NotAnAdmin or AppealAlreadyDecided."""
    with uow:
        appeal = uow.fair_play.find_appeal(appeal_id)
        if appeal is None:
            raise AppealNotFound(appeal_id)
        actor_id = _actor(uow, appeal, actor_member_id, actor_telegram_user_id)
        by = "operator" if actor_id is None else f"member {actor_id}"
        decided = appeal.decided(upheld=upheld, now=now, by=by, note=clean_reason(note) or None)
        if not uow.fair_play.decide_appeal(decided):  # decided meanwhile by someone else
            raise AppealAlreadyDecided(appeal_id, "decided")
        penalty = uow.fair_play.find_penalty(appeal.penalty_id)
        member = get_member(uow, appeal.member_id)
        # Lifted once: the guarded UPDATE says whether this decision lifted it (an unban may have).
        if upheld and penalty is not None and uow.fair_play.lift_penalty(penalty.id or 0, now=now, by="appeal"):
            _restore(uow, member, penalty, now)
        member.events.append(
            AppealDecided(
                occurred_at=now,
                appeal_id=appeal_id,
                member_id=member.id,
                community_id=appeal.community_id,
                upheld=upheld,
                kind=penalty.kind.value if penalty else "",
            )
        )
        uow.audit.add(
            AuditEntry(
                community_id=appeal.community_id,
                action=AuditAction.APPEAL_UPHELD if upheld else AuditAction.APPEAL_REJECTED,
                at=now,
                actor_member_id=actor_id,
                actor_label="operator" if actor_id is None else None,
                target_member_id=member.id,
                detail=decided.note,
            )
        )
        uow.commit()
        log.info("appeal_decided", community_id=appeal.community_id, appeal_id=appeal_id, upheld=upheld, by=by)
        return decided


def _actor(uow: UnitOfWork, appeal: Appeal, member_id: int | None, telegram_user_id: int | None) -> int | None:
    if member_id is None and telegram_user_id is not None:
        found = uow.members.find_by_user(appeal.community_id, telegram_user_id)
        if found is None:
            raise AppealNotFound(appeal.id)  # not their community: to them the appeal does not exist
        member_id = found.id
    if member_id is None:
        return None
    admin, community = get_admin(uow, member_id)
    if community.id != appeal.community_id:
        raise AppealNotFound(appeal.id)  # to this admin, another community's appeal does not exist
    return admin.id


def _restore(uow: UnitOfWork, member: Member, penalty: Penalty, now: datetime) -> None:
    """Undoes what the penalty did to the member's standing (a cooldown only ever lived in the
    penalty, lifted already)."""
    if penalty.kind is PenaltyKind.WARN:
        member.lift_warning()
    elif penalty.kind is PenaltyKind.BAN:
        other_bans = [
            p
            for p in uow.fair_play.penalties_of(member.id, limit=50)
            if p.kind is PenaltyKind.BAN and p.id != penalty.id and p.is_active(now)
        ]
        if not other_bans:
            member.unban()


def pending_appeals(uow: UnitOfWork, *, community_ids: Collection[int] | None, limit: int = 20) -> list[AppealView]:
    """Oldest first, with their penalties and who appealed; every community's for None."""
    with uow:
        views = []
        for appeal in uow.fair_play.pending_appeals(community_ids, limit=limit):
            penalty = uow.fair_play.find_penalty(appeal.penalty_id)
            member = uow.members.find(appeal.member_id)
            if penalty is not None:
                views.append(AppealView(appeal, penalty, member.display_name if member else "?"))
        return views


def appeal_queue(reader: FairPlayDashboard, *, community_ids: Collection[int] | None, limit: int) -> list[AppealView]:
    """The dashboard's queue: as ``pending_appeals``, read in one statement outside any unit of
    work (the page asks every 30 s for every admin who has it open)."""
    return [AppealView(q.appeal, q.penalty, q.member_name) for q in reader.pending_appeals(community_ids, limit=limit)]


def admin_queue(uow: UnitOfWork, *, actor_member_id: int, limit: int = 10) -> list[AppealView]:
    """The admin's community's pending appeals. Raises NotAnAdmin."""
    with uow:
        _, community = get_admin(uow, actor_member_id)
    return pending_appeals(uow, community_ids=[community.id], limit=limit)


def find_appeal_view(uow: UnitOfWork, *, appeal_id: int) -> AppealView:
    """Raises AppealNotFound."""
    with uow:
        appeal = uow.fair_play.find_appeal(appeal_id)
        penalty = None if appeal is None else uow.fair_play.find_penalty(appeal.penalty_id)
        if appeal is None or penalty is None:
            raise AppealNotFound(appeal_id)
        member = uow.members.find(appeal.member_id)
        if member is None:
            raise MemberNotFound(appeal.member_id)
        return AppealView(appeal, penalty, member.display_name)
