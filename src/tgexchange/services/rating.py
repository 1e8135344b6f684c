"""The recipient rates verified feedback; givers' published averages are refreshed every 5th."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tgexchange.domain.rating import Rating, RatingSummary, Statement, is_publication_due
from tgexchange.domain.task import TaskStatus
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.lookup import get_member, get_task
from tgexchange.services.ports import UnitOfWork


@retry_on_conflict()
def rate_feedback(
    uow: UnitOfWork, *, member_id: int, task_id: int, statement: Statement, mark: int, now: datetime
) -> Rating:
    """``member_id`` marks one statement about a task's verified feedback. Raises TaskNotFound,
    NotTheRecipient (anyone but the submission's owner), IllegalTransition (not verified),
    InvalidMark or RatingLocked (more than 24 h after the first mark). On the giver's every 5th
    rating their published summary is refreshed, in the same transaction."""
    with uow:
        rating = _mark_all(uow, member_id=member_id, task_id=task_id, marks=((statement, mark),), now=now)
        uow.commit()
        return rating


@retry_on_conflict()
def rate_feedback_marks(
    uow: UnitOfWork, *, member_id: int, task_id: int, marks: Sequence[tuple[Statement, int]], now: datetime
) -> Rating:
    """``rate_feedback`` for several statements at one moment, in one transaction: the same rows as
    one call per statement in that order (the summary a first mark publishes holds that mark only,
    as it would have been committed alone), and nothing at all if any mark is refused."""
    if not marks:
        raise ValueError("marks must hold at least one statement")
    with uow:
        rating = _mark_all(uow, member_id=member_id, task_id=task_id, marks=marks, now=now)
        uow.commit()
        return rating


def _mark_all(
    uow: UnitOfWork, *, member_id: int, task_id: int, marks: Sequence[tuple[Statement, int]], now: datetime
) -> Rating:
    task = get_task(uow, task_id)
    get_member(uow, member_id)
    rating = uow.ratings.find(task_id)
    new = rating is None
    if rating is None:
        rating = Rating.start(
            task_id=task.id,
            community_id=task.community_id,
            giver_id=task.giver_id,
            owner_id=task.owner_id,
            verified=task.status is TaskStatus.VERIFIED,
            member_id=member_id,
            now=now,
        )
    for index, (statement, mark) in enumerate(marks):
        rating.mark(member_id=member_id, statement=statement, mark=mark, now=now)
        inserted = new and index == 0
        uow.ratings.save(rating, new=inserted)
        if inserted:
            # Published right after the first mark is saved, so it counts that mark only.
            received = uow.ratings.count_for_giver(task.giver_id)
            if is_publication_due(received):
                counted = uow.ratings.first_for_giver(task.giver_id, limit=received)
                uow.ratings.publish(
                    task.giver_id, community_id=task.community_id, summary=RatingSummary.of(counted), now=now
                )
    return rating


def find_rating(uow: UnitOfWork, *, task_id: int) -> Rating | None:
    with uow:
        return uow.ratings.find(task_id)
