"""Read-only views for members and communities: balance, stats, history, leaderboard."""

from __future__ import annotations

from dataclasses import dataclass

from tgexchange.domain.channel import Channel
from tgexchange.domain.ledger import AccountKey
from tgexchange.domain.member import Member
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services.lookup import get_community, get_member
from tgexchange.services.ports import LeaderboardRow, UnitOfWork

_ALL_STATUSES = frozenset(TaskStatus)


@dataclass(frozen=True, slots=True)
class MemberReport:
    member: Member
    balance: int
    stats: MemberStats
    channels: list[Channel]
    recent_tasks: list[Task]


def member_balance(uow: UnitOfWork, *, member_id: int) -> int:
    with uow:
        get_member(uow, member_id)
        return uow.ledger.balance(AccountKey.member(member_id))


def member_report(uow: UnitOfWork, *, member_id: int, history: int = 5) -> MemberReport:
    """Raises MemberNotFound."""
    with uow:
        member = get_member(uow, member_id)
        return MemberReport(
            member=member,
            balance=uow.ledger.balance(AccountKey.member(member_id)),
            stats=uow.stats.get(member_id),
            channels=list(uow.channels.list_for_member(member_id)),
            recent_tasks=list(uow.tasks.list_for_giver(member_id, statuses=_ALL_STATUSES, limit=history)),
        )


def member_submissions(uow: UnitOfWork, *, member_id: int, limit: int = 10) -> list[Submission]:
    with uow:
        get_member(uow, member_id)
        return list(uow.submissions.list_for_owner(member_id, limit=limit))


def leaderboard(uow: UnitOfWork, *, community_id: int, limit: int = 10) -> list[LeaderboardRow]:
    """Members ranked by verified feedback given. Raises CommunityNotFound."""
    with uow:
        get_community(uow, community_id)
        return list(uow.stats.leaderboard(community_id, limit=limit))


def is_ledger_balanced(uow: UnitOfWork, *, community_id: int | None = None) -> bool:
    """Checked from the stored postings and balances, not from any cached total."""
    with uow:
        return uow.ledger.is_balanced(community_id)
