"""Read-only views for members and communities: balance, stats, history, leaderboard."""

from __future__ import annotations

from tgexchange.domain.errors import MemberNotFound
from tgexchange.domain.submission import Submission
from tgexchange.services.lookup import get_community, get_member
from tgexchange.services.ports import LeaderboardRow, MemberReader, MemberReport, MemberStanding, UnitOfWork


def member_balance(reader: MemberReader, *, member_id: int) -> int:
    """Raises MemberNotFound."""
    balance = reader.balance(member_id)
    if balance is None:
        raise MemberNotFound(member_id)
    return balance


def member_standing(reader: MemberReader, *, member_id: int) -> MemberStanding:
    """Raises MemberNotFound."""
    standing = reader.standing(member_id)
    if standing is None:
        raise MemberNotFound(member_id)
    return standing


def member_report(reader: MemberReader, *, member_id: int, history: int = 5, fair_play: bool = False) -> MemberReport:
    """With ``fair_play``, the report carries the member's fair-play standing read in the same
    snapshot. Raises MemberNotFound."""
    report = reader.report(member_id, history=history, fair_play=fair_play)
    if report is None:
        raise MemberNotFound(member_id)
    return report


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
