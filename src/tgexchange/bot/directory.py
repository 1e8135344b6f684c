"""Read-only look-ups the bot needs around the use cases: who a Telegram user is in which
community, and what a notice is about. Each function reads in its own unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from tgexchange.domain.audit import AuditAction
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.member import Member
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services.ports import MemberReader, UnitOfWork

_OPEN = frozenset({TaskStatus.ASSIGNED, TaskStatus.SUBMITTED, TaskStatus.VERIFYING})


@dataclass(frozen=True, slots=True)
class Recipient:
    member_id: int
    telegram_user_id: int
    language: str
    display_name: str
    community_id: int
    community_title: str
    chat_id: int
    bot_present: bool
    group_language: str | None = None


@dataclass(frozen=True, slots=True)
class TaskView:
    task: Task
    submission: Submission
    giver_name: str
    owner_name: str


@dataclass(frozen=True, slots=True)
class CommunityStats:
    members: int
    verified: int
    open_tasks: int


def memberships(uow: UnitOfWork, telegram_user_id: int) -> list[tuple[Member, Community]]:
    """The user's memberships, oldest first."""
    with uow:
        found = []
        for member in uow.members.list_for_user(telegram_user_id):
            community = uow.communities.find(member.community_id)
            if community is not None:
                found.append((member, community))
        return found


def memberships_of(
    reader: MemberReader, uow: Callable[[], UnitOfWork], telegram_user_id: int
) -> list[tuple[Member, Community]]:
    """``memberships``, except that a user who is a member nowhere (every new user's first
    update, each of a thousand at a join burst) is answered by one indexed read outside any unit
    of work, which on SQLite would take the write lock for a read."""
    if not reader.has_memberships(telegram_user_id):
        return []
    return memberships(uow(), telegram_user_id)


def recipient(uow: UnitOfWork, member_id: int) -> Recipient | None:
    with uow:
        found = uow.members.find_with_community(member_id)
        if found is None:
            return None
        member, community = found
        return Recipient(
            member_id=member_id,
            telegram_user_id=member.telegram_user_id,
            language=member.language,
            display_name=member.display_name,
            community_id=community.id,
            community_title=community.title,
            chat_id=community.telegram_chat_id,
            bot_present=community.bot_present,
            group_language=community.settings.group_language,
        )


def task_view(uow: UnitOfWork, task_id: int) -> TaskView | None:
    with uow:
        task = uow.tasks.find(task_id)
        if task is None:
            return None
        submission = uow.submissions.find(task.submission_id)
        giver = uow.members.find(task.giver_id)
        owner = uow.members.find(task.owner_id)
        if submission is None or giver is None or owner is None:
            return None
        return TaskView(task, submission, giver.display_name, owner.display_name)


def tasks_awaiting_text(uow: UnitOfWork, giver_id: int, *, limit: int = 3) -> list[TaskView]:
    """The member's open tasks on platforms without public comments (newest first): the ones a
    pasted text may be meant for."""
    with uow:
        views = []
        for task in uow.tasks.list_for_giver(giver_id, statuses=frozenset({TaskStatus.ASSIGNED}), limit=20):
            if task.platform.has_public_comments:
                continue
            submission = uow.submissions.find(task.submission_id)
            giver, owner = uow.members.find(task.giver_id), uow.members.find(task.owner_id)
            if submission is not None and giver is not None and owner is not None:
                views.append(TaskView(task, submission, giver.display_name, owner.display_name))
            if len(views) == limit:
                break
        return views


def submission(uow: UnitOfWork, submission_id: int) -> Submission | None:
    with uow:
        return uow.submissions.find(submission_id)


def community_by_chat(uow: UnitOfWork, chat_id: int) -> Community | None:
    with uow:
        return uow.communities.find_by_chat(chat_id)


def community(uow: UnitOfWork, community_id: int) -> Community | None:
    with uow:
        return uow.communities.find(community_id)


def member_by_user(uow: UnitOfWork, community_id: int, telegram_user_id: int) -> Member | None:
    with uow:
        return uow.members.find_by_user(community_id, telegram_user_id)


def member_by_username(uow: UnitOfWork, community_id: int, username: str) -> Member | None:
    with uow:
        return uow.members.find_by_username(community_id, username)


def names(uow: UnitOfWork, member_ids: Iterable[int]) -> dict[int, str]:
    with uow:
        found = {}
        for member_id in set(member_ids):
            member = uow.members.find(member_id)
            if member is not None:
                found[member_id] = member.display_name
        return found


def community_stats(uow: UnitOfWork, community_id: int, *, max_members: int = 100_000) -> CommunityStats:
    """Counted from the leaderboard rows (one per member) and the open tasks."""
    with uow:
        rows = uow.stats.leaderboard(community_id, limit=max_members)
        open_tasks = uow.tasks.list_in_community(community_id, statuses=_OPEN)
        return CommunityStats(members=len(rows), verified=sum(r.verified for r in rows), open_tasks=len(open_tasks))


def moved_here_since(uow: UnitOfWork, community_id: int, since: datetime) -> bool:
    """Whether the community moved to a new chat (a supergroup upgrade) at or after ``since``."""
    with uow:
        return any(
            entry.action is AuditAction.MOVED and entry.at >= since for entry in uow.audit.recent(community_id, limit=5)
        )


def channel_name(uow: UnitOfWork, member_id: int, platform: Platform) -> str | None:
    """The name (else the id) of the member's linked channel on the platform."""
    with uow:
        for channel in uow.channels.list_for_member(member_id):
            if channel.platform is platform:
                return channel.name or channel.channel_id
    return None


def awaited_proof(uow: UnitOfWork, member_id: int, now: datetime, *, update_id: int | None = None) -> Platform | None:
    """The platform of the member's latest code while it can still be used: their next link on
    that platform is the proof. The wait is kept in the database because the link may reach
    another webhook process than the /link before it. The link that used the code (``update_id``)
    is still the proof: handled again after a crash, it must not become a submission of the video
    the code was posted on."""
    with uow:
        proof = uow.proofs.find_latest(member_id)
    if proof is None:
        return None
    return proof.platform if not proof.is_expired(now) or proof.used_by(update_id) else None
