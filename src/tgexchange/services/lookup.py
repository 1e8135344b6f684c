"""Loading what a use case acts on, with the domain's "not found" and "may act" checks."""

from __future__ import annotations

from tgexchange.domain.community import Community
from tgexchange.domain.errors import CommunityNotFound, MemberNotFound, SubmissionNotFound, TaskNotFound
from tgexchange.domain.member import Member
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task
from tgexchange.services.ports import UnitOfWork


def get_community(uow: UnitOfWork, community_id: int) -> Community:
    community = uow.communities.find(community_id)
    if community is None:
        raise CommunityNotFound(community_id)
    return community


def get_member(uow: UnitOfWork, member_id: int) -> Member:
    member = uow.members.find(member_id)
    if member is None:
        raise MemberNotFound(member_id)
    return member


def get_acting_member(uow: UnitOfWork, member_id: int) -> tuple[Member, Community]:
    """The member and their community, if the member may act there now. Raises MemberNotFound,
    MemberBanned or CommunityPaused."""
    found = uow.members.find_with_community(member_id)
    if found is None:
        raise MemberNotFound(member_id)
    member, community = found
    member.ensure_can_act()
    community.ensure_open()
    return member, community


def get_admin(uow: UnitOfWork, member_id: int) -> tuple[Member, Community]:
    """An admin and their community (paused or not). Raises MemberNotFound or NotAnAdmin."""
    member = get_member(uow, member_id)
    member.ensure_admin()
    return member, get_community(uow, member.community_id)


def get_submission(uow: UnitOfWork, submission_id: int, *, for_update: bool = False) -> Submission:
    submission = uow.submissions.find(submission_id, for_update=for_update)
    if submission is None:
        raise SubmissionNotFound(submission_id)
    return submission


def get_task(uow: UnitOfWork, task_id: int, *, for_update: bool = False) -> Task:
    task = uow.tasks.find(task_id, for_update=for_update)
    if task is None:
        raise TaskNotFound(task_id)
    return task
