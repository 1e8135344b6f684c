"""Joining a community: the member, their wallet, their counters and the welcome credits.

One joiner or many: a group's join burst (a hundred members tapping the join button within a
second) is written in one transaction, with one statement per kind of row, instead of a hundred
transactions of seven statements each. One member joining is the same code with a list of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tgexchange.domain.community import Community
from tgexchange.domain.errors import MemberBanned
from tgexchange.domain.health import AdmissionClosed
from tgexchange.domain.member import Member, MemberRole, clean_display_name
from tgexchange.services import admission
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.lookup import get_community
from tgexchange.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Joiner:
    """Someone asking to join, as Telegram describes them."""

    telegram_user_id: int
    display_name: str
    username: str | None = None
    language: str | None = None
    is_admin: bool = False


@dataclass(frozen=True, slots=True)
class JoinResult:
    member: Member
    community: Community
    is_new: bool
    welcome_credits: int


Outcome = JoinResult | MemberBanned | AdmissionClosed


@retry_on_conflict()
def join_many(uow: UnitOfWork, *, community_id: int, joiners: Sequence[Joiner], now: datetime) -> list[Outcome]:
    """Each joiner's outcome, in order: a new member with the welcome credits, or their existing
    membership (name, username and admin role refreshed), or MemberBanned for a banned member
    (the others still join), or AdmissionClosed for a newcomer past the community's daily cap
    (admins are never capped; the refusal is recorded for the dashboard). The same person twice in one call joins once; the second outcome is
    their membership. Raises CommunityNotFound for everyone."""
    with uow:
        outcomes = add_joiners(uow, community_id=community_id, joiners=joiners, now=now)
        uow.commit()
        return outcomes


def add_joiners(uow: UnitOfWork, *, community_id: int, joiners: Sequence[Joiner], now: datetime) -> list[Outcome]:
    """``join_many`` inside a unit of work the caller opened and commits."""
    community = get_community(uow, community_id)
    known = {
        m.telegram_user_id: m
        for m in uow.members.find_by_users(community_id, sorted({j.telegram_user_id for j in joiners}))
    }
    welcome = community.settings.welcome_credits
    outcomes: list[Outcome] = []
    created: list[Member] = []
    # The admission cap: one count for the whole batch, made only if a capped newcomer asks.
    room: int | None = -1
    for joiner in joiners:
        member = known.get(joiner.telegram_user_id)
        if member is None:
            if not joiner.is_admin:
                if room == -1:
                    room = admission.room_today(uow, community, now=now)
                if room is not None:
                    if room <= 0:
                        refused = admission.refuse(uow, community, telegram_user_id=joiner.telegram_user_id, now=now)
                        outcomes.append(refused)
                        continue
                    room -= 1
            member = Member(
                community_id=community_id,
                telegram_user_id=joiner.telegram_user_id,
                display_name=clean_display_name(joiner.display_name),
                username=joiner.username,
                language=joiner.language or "en",
                role=MemberRole.ADMIN if joiner.is_admin else MemberRole.MEMBER,
                joined_at=now,
            )
            known[joiner.telegram_user_id] = member
            created.append(member)
            outcomes.append(JoinResult(member, community, is_new=True, welcome_credits=welcome))
            continue
        try:
            member.ensure_can_act()
        except MemberBanned as refusal:
            outcomes.append(refusal)
            continue
        member.display_name = clean_display_name(joiner.display_name)
        member.username = joiner.username
        if joiner.is_admin:
            member.role = MemberRole.ADMIN
        outcomes.append(JoinResult(member, community, is_new=False, welcome_credits=0))
    if created:
        uow.joins.add_newcomers(created, welcome=welcome, now=now)
    return outcomes
