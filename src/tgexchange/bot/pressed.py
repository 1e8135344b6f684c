"""The item a pressed button is about, and the presser as a member where that item lives.

A button's callback data carries an id (``keyboards.callback``) that comes back from the member's
client: it is read strictly (``commands.parse_id``), the item is loaded, and the presser is looked
up in the item's own community, whichever community they are looking at now. Their language is
kept for the answers that follow. Whether they may act on the item is checked by the caller and,
again, by the use case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import Update

from tgexchange.bot import directory
from tgexchange.bot.commands import parse_id
from tgexchange.bot.keyboards import parse_callback
from tgexchange.bot.runtime import Context, runtime
from tgexchange.domain.errors import NotYourTask, SubmissionNotFound, TaskNotFound
from tgexchange.domain.member import Member
from tgexchange.domain.submission import Submission


@dataclass(frozen=True, slots=True)
class PressedTask:
    view: directory.TaskView
    member: Member
    args: list[str]  # what the callback data carries after the id


@dataclass(frozen=True, slots=True)
class PressedSubmission:
    submission: Submission
    member: Member
    args: list[str]


def _pressed_id(update: Update, not_found: Callable[[object], Exception]) -> tuple[int, list[str]]:
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    item_id = parse_id(parts[0]) if parts else None
    if item_id is None or update.effective_user is None:
        raise not_found(parts[0] if parts else None)
    return item_id, parts[1:]


async def _member_in(context: Context, update: Update, community_id: int) -> Member | None:
    rt = runtime(context)
    assert update.effective_user is not None  # checked by _pressed_id
    member = await rt.run(directory.member_by_user, rt.uow(), community_id, update.effective_user.id)
    if member is not None and context.user_data is not None:
        context.user_data["language"] = member.language
    return member


async def pressed_task(update: Update, context: Context) -> PressedTask:
    """Raises TaskNotFound (no such task, a forged id) or NotYourTask (the presser is no member of
    the task's community)."""
    rt = runtime(context)
    task_id, args = _pressed_id(update, TaskNotFound)
    view = await rt.run(directory.task_view, rt.uow(), task_id)
    if view is None:
        raise TaskNotFound(task_id)
    member = await _member_in(context, update, view.task.community_id)
    if member is None:
        raise NotYourTask(task_id)
    return PressedTask(view, member, args)


async def pressed_submission(update: Update, context: Context) -> PressedSubmission:
    """Raises SubmissionNotFound (no such submission, or the presser is no member of its
    community: to them it does not exist)."""
    rt = runtime(context)
    submission_id, args = _pressed_id(update, SubmissionNotFound)
    submission = await rt.run(directory.submission, rt.uow(), submission_id)
    if submission is None:
        raise SubmissionNotFound(submission_id)
    member = await _member_in(context, update, submission.community_id)
    if member is None:
        raise SubmissionNotFound(submission_id)
    return PressedSubmission(submission, member, args)
