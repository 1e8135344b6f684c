"""Communities and their members: joining, admins, settings, the kill switch and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tgexchange.domain.audit import AuditAction, AuditEntry, setting_changes
from tgexchange.domain.community import Community, CommunitySettings
from tgexchange.domain.errors import ChatTaken, MemberNotFound, NotAnAdmin
from tgexchange.domain.ledger import AccountKey
from tgexchange.domain.member import Member, MemberRole, clean_display_name
from tgexchange.domain.task import TaskStatus
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.joining import Joiner, JoinResult, add_joiners, join_many
from tgexchange.services.lookup import get_admin, get_community
from tgexchange.services.ports import SwitchChange, UnitOfWork
from tgexchange.services.task import cancel_assigned_tasks

MAX_REASON_LENGTH = 300


def clean_reason(reason: str) -> str:
    return clean_display_name(reason, max_length=MAX_REASON_LENGTH, fallback="")


def _add_community(uow: UnitOfWork, *, telegram_chat_id: int, title: str, now: datetime) -> Community:
    community = Community(telegram_chat_id=telegram_chat_id, title=clean_display_name(title), created_at=now)
    uow.communities.add(community)
    uow.flush()
    uow.ledger.open_account(AccountKey.issuance(community.id), community_id=community.id)
    return community


@retry_on_conflict()
def register_community(
    uow: UnitOfWork,
    *,
    telegram_chat_id: int,
    title: str,
    now: datetime,
    settings: CommunitySettings | None = None,
) -> Community:
    """The community for a Telegram group, created on first sight; marks the bot present."""
    with uow:
        community = uow.communities.find_by_chat(telegram_chat_id)
        if community is None:
            community = _add_community(uow, telegram_chat_id=telegram_chat_id, title=title, now=now)
            if settings is not None:
                community.settings = settings
        else:
            community.title = clean_display_name(title)
            community.bot_present = True
        uow.commit()
        return community


@retry_on_conflict()
def mark_bot_removed(uow: UnitOfWork, *, telegram_chat_id: int) -> Community | None:
    """Records that the bot left the group; nothing else changes, so re-adding it resumes."""
    with uow:
        community = uow.communities.find_by_chat(telegram_chat_id)
        if community is not None:
            community.bot_present = False
            uow.commit()
        return community


@dataclass(frozen=True, slots=True)
class MoveResult:
    community: Community
    replaced: bool
    """An empty community the bot had registered on the new chat was removed to make way."""


@retry_on_conflict()
def move_to_chat(uow: UnitOfWork, *, from_chat_id: int, to_chat_id: int, now: datetime) -> MoveResult | None:
    """A group upgraded to a supergroup gets a new chat id, and its community follows with
    everything in it. Telegram tells the bot in both chats, and may announce the bot in the new
    chat first, which registers an empty community there: that one is removed. None when there
    is nothing to move (done already, or the old chat had no community). Raises ChatTaken when
    members already joined a community on the new chat (merging two ledgers is not done here)."""
    with uow:
        # Both rows locked: the two notices of one upgrade may be handled at the same time (they
        # come from different senders), and a join must not land between the check and the removal.
        community = uow.communities.find_by_chat(from_chat_id, for_update=True)
        if community is None:
            return None
        placeholder = uow.communities.find_by_chat(to_chat_id, for_update=True)
        if placeholder is not None:
            if not uow.communities.remove_unused(placeholder):
                raise ChatTaken(to_chat_id)
            uow.flush()  # the chat id is unique: the placeholder must be gone before it is reused
        community.move_to_chat(to_chat_id)
        uow.audit.add(
            AuditEntry(
                community_id=community.id,
                action=AuditAction.MOVED,
                at=now,
                actor_label="Telegram",
                detail=f"chat {from_chat_id} → {to_chat_id}",
            )
        )
        uow.commit()
        return MoveResult(community, replaced=placeholder is not None)


def join_community(
    uow: UnitOfWork,
    *,
    community_id: int,
    telegram_user_id: int,
    display_name: str,
    now: datetime,
    username: str | None = None,
    language: str | None = None,
    is_admin: bool = False,
) -> JoinResult:
    """Adds the user as a member with the welcome credits, or returns their existing membership
    (refreshing name and role). Raises CommunityNotFound, MemberBanned or AdmissionClosed (the
    refusal is recorded all the same)."""
    joiner = Joiner(telegram_user_id, display_name, username=username, language=language, is_admin=is_admin)
    (outcome,) = join_many(uow, community_id=community_id, joiners=[joiner], now=now)
    if not isinstance(outcome, JoinResult):
        raise outcome
    return outcome


@retry_on_conflict()
def set_language(uow: UnitOfWork, *, member_id: int, language: str) -> None:
    """Raises MemberNotFound."""
    with uow:
        if not uow.members.set_language(member_id, language):
            raise MemberNotFound(member_id)
        uow.commit()


@dataclass(frozen=True, slots=True)
class AdminRole:
    member: Member | None  # the member when they are an admin of the community, else None
    changed: bool  # the stored role (or membership) changed: cached memberships are stale


@retry_on_conflict()
def mirror_admin_role(
    uow: UnitOfWork,
    *,
    community_id: int,
    telegram_user_id: int,
    told: bool | None,
    now: datetime,
    display_name: str | None = None,
    username: str | None = None,
    language: str | None = None,
) -> AdminRole:
    """Mirrors what Telegram said about the user's admin rights in the community's group into
    their stored role, which the use cases check. ``told`` None means Telegram could not be asked:
    the stored role stands (nobody is demoted by a failed call). An admin who never joined joins
    when ``display_name`` is given. Raises CommunityNotFound."""
    with uow:
        member = uow.members.find_by_user(community_id, telegram_user_id)
        is_admin = told if told is not None else member is not None and member.is_admin
        if member is None:
            if not is_admin or display_name is None:
                return AdminRole(None, changed=False)
            (joined,) = add_joiners(
                uow,
                community_id=community_id,
                joiners=[Joiner(telegram_user_id, display_name, username=username, language=language, is_admin=True)],
                now=now,
            )
            assert isinstance(joined, JoinResult)  # nobody was a member (not banned), and admins are not capped
            uow.commit()
            return AdminRole(joined.member, changed=True)
        changed = member.is_admin != is_admin
        if changed:
            member.role = MemberRole.ADMIN if is_admin else MemberRole.MEMBER
            uow.commit()
        return AdminRole(member if is_admin else None, changed=changed)


def _ensure_admin_of(uow: UnitOfWork, actor_member_id: int | None, community_id: int) -> None:
    """None is the operator, who may act everywhere. Raises NotAnAdmin."""
    if actor_member_id is None:
        return
    admin, _ = get_admin(uow, actor_member_id)
    if admin.community_id != community_id:
        raise NotAnAdmin(actor_member_id)


@retry_on_conflict()
def pause_community(
    uow: UnitOfWork,
    *,
    community_id: int,
    actor_member_id: int | None,
    reason: str,
    now: datetime,
    actor_label: str | None = None,
) -> list[int]:
    """Turns the community's kill switch on: no new tasks, no verification, and tasks not yet done
    are cancelled (their slots return to the submissions). Returns the cancelled task ids.
    ``actor_member_id`` None means the operator. Raises NotAnAdmin."""
    with uow:
        _ensure_admin_of(uow, actor_member_id, community_id)
        community = get_community(uow, community_id)
        cancelled = pause_in(
            uow, community, reason=reason, now=now, actor_member_id=actor_member_id, actor_label=actor_label
        )
        uow.commit()
        return cancelled


def pause_in(
    uow: UnitOfWork,
    community: Community,
    *,
    reason: str,
    now: datetime,
    actor_member_id: int | None = None,
    actor_label: str | None = None,
    anomaly_id: int | None = None,
) -> list[int]:
    """``pause_community``'s work inside an open unit of work (the watchdog pauses in the same
    transaction as the anomaly that asks for it). Returns the cancelled task ids."""
    community_id = community.id
    community.pause(clean_reason(reason), now)
    assigned = uow.tasks.list_in_community(community_id, statuses=frozenset({TaskStatus.ASSIGNED}))
    cancelled = cancel_assigned_tasks(uow, [t.id for t in assigned], reason="community_paused", now=now)
    uow.audit.add(
        AuditEntry(
            community_id=community_id,
            action=AuditAction.PAUSE,
            at=now,
            actor_member_id=actor_member_id,
            actor_label=actor_label,
            detail=community.pause_reason,
        )
    )
    uow.operations.log_switch(
        SwitchChange(
            now,
            "pause",
            community_id,
            _actor(actor_member_id, actor_label),
            community.pause_reason,
            anomaly_id=anomaly_id,
        )
    )
    return cancelled


def _actor(actor_member_id: int | None, actor_label: str | None) -> str:
    if actor_label:
        return actor_label
    return f"member {actor_member_id}" if actor_member_id is not None else "operator"


@retry_on_conflict()
def resume_community(
    uow: UnitOfWork,
    *,
    community_id: int,
    actor_member_id: int | None,
    now: datetime,
    reason: str = "",
    actor_label: str | None = None,
) -> Community:
    """Turns the kill switch off and gives tasks awaiting verification their paused time back.
    Raises NotAnAdmin or CommunityNotPaused."""
    with uow:
        _ensure_admin_of(uow, actor_member_id, community_id)
        community = get_community(uow, community_id)
        held_for = now - community.paused_at if community.paused_at else None
        paused_for = community.resume(now)
        in_flight = uow.tasks.list_in_community(
            community_id, statuses=frozenset({TaskStatus.SUBMITTED, TaskStatus.VERIFYING})
        )
        for task in in_flight:
            task.extend_deadline(paused_for)
        uow.audit.add(
            AuditEntry(
                community_id=community_id,
                action=AuditAction.RESUME,
                at=now,
                actor_member_id=actor_member_id,
                actor_label=actor_label,
                detail=clean_reason(reason) if reason else None,
            )
        )
        uow.operations.log_switch(
            SwitchChange(
                now,
                "resume",
                community_id,
                _actor(actor_member_id, actor_label),
                clean_reason(reason) if reason else None,
                held_s=int(held_for.total_seconds()) if held_for is not None else None,
            )
        )
        uow.commit()
        return community


@retry_on_conflict()
def update_settings(uow: UnitOfWork, *, actor_member_id: int, now: datetime, **changes: Any) -> CommunitySettings:
    """Changes the admin's community settings, with one audit entry per setting that changed (its
    stored name, old and new value: see SettingChange). Raises NotAnAdmin or InvalidSettings."""
    with uow:
        _, community = get_admin(uow, actor_member_id)
        before = community.settings
        community.settings = before.with_changes(**changes)
        for change in setting_changes(before.to_json(), community.settings.to_json()):
            uow.audit.add(
                AuditEntry(
                    community_id=community.id,
                    action=AuditAction.SETTINGS,
                    at=now,
                    actor_member_id=actor_member_id,
                    detail=change.to_detail(),
                )
            )
        uow.commit()
        return community.settings


def recent_audit(uow: UnitOfWork, *, actor_member_id: int, limit: int = 20) -> list[AuditEntry]:
    with uow:
        _, community = get_admin(uow, actor_member_id)
        return list(uow.audit.recent(community.id, limit=limit))
