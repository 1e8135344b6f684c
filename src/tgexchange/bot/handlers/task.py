"""Giving feedback: a task card with Open / Done / Skip, then verification.

On YouTube the comment is found in public data, so Done marks the task and queues verification.
TikTok and Instagram show no comments publicly: the member first pastes the text they wrote, the
quality gate reads it and the submission's owner confirms it is there."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import directory, keyboards, steps
from tgexchange.bot.keyboards import Button, task_card
from tgexchange.bot.membership import require_membership
from tgexchange.bot.pressed import pressed_task
from tgexchange.bot.refusals import refusals, tell_refusal
from tgexchange.bot.replies import answer, edit, reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.bot.texts import MAX_TITLE, Raw, error_key, short
from tgexchange.domain.errors import (
    DomainError,
    IllegalTransition,
    NotYourTask,
    TaskDeadlinePassed,
)
from tgexchange.domain.member import Member
from tgexchange.domain.task import TaskStatus
from tgexchange.services import task as task_service
from tgexchange.services import text_wait

# The task whose comment text the member is asked to paste. Kept apart from the /link wait, and
# only in this process's memory: after a restart (or once it is cleared) a pasted text gets the
# open tasks' cards again, whose Done buttons ask once more.


@refusals
async def task_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, _ = membership
    uow = rt.uow()
    # Keyed by the update: handled again after a crash, it shows the same task (bot/inbox.py).
    task = await rt.run(task_service.request_task, uow, member_id=member.id, now=rt.now(), update_id=update.update_id)
    view = await rt.run(directory.task_view, rt.uow(), task.id)
    assert view is not None
    await send_card(update, context, member.language, view)


async def send_card(update: Update, context: Context, lang: str, view: directory.TaskView) -> None:
    rt = runtime(context)
    task = view.task
    text = rt.texts.get(
        lang,
        "task-card",
        title=short(view.submission.title, MAX_TITLE),
        platform=task.platform.label,
        credits=task.credits,
        # Under credit by substance the card shows the most the task may pay.
        up_to="yes" if view.submission.is_credit_by_substance else "no",
        deadline=rt.texts.until(lang, task.deadline_at, now=rt.now()),
    )
    await reply(update, context, text, task_card(rt.texts, lang, task_id=task.id, url=view.submission.url))


async def close_card(
    update: Update, context: Context, view: directory.TaskView, line: str, *, after: str | None = None
) -> None:
    """The card keeps its title and Open button; Done and Skip go, with what happened below and
    the next steps after the text ``after``."""
    rt = runtime(context)
    lang = _lang(context)
    message = update.callback_query.message if update.callback_query else None
    # The card's first line names the video; its instructions and deadline are over.
    heading = (getattr(message, "text_html", None) or "").split("\n", 1)[0]
    keyboard = (
        (Button(rt.texts.label(lang, "button-open"), url=view.submission.url),),
        *(steps.after(rt.texts, lang, after) if after else ()),
    )
    await edit(update, context, f"{heading}\n{line}".strip(), keyboard)


def _lang(context: Context) -> str:
    return str(context.user_data.get("language", "en")) if context.user_data is not None else "en"


async def _refuse_on_card(update: Update, context: Context, view: directory.TaskView, error: DomainError) -> None:
    rt = runtime(context)
    await close_card(update, context, view, rt.texts.error(_lang(context), error), after=error_key(error.code))


async def _pressed_on_my_task(update: Update, context: Context) -> tuple[Member, directory.TaskView] | None:
    """For a task card's button: stops the spinner, checks the task is the presser's (telling them
    why not), and answers in their language from here on. None when there is nothing to do."""
    await answer(update)
    try:
        pressed = await pressed_task(update, context)
        if pressed.member.id != pressed.view.task.giver_id:
            raise NotYourTask(pressed.view.task.id)
    except DomainError as error:
        await tell_refusal(update, context, error)
        return None
    return pressed.member, pressed.view


async def done(update: Update, context: Context) -> None:
    rt = runtime(context)
    found = await _pressed_on_my_task(update, context)
    if found is None:
        return
    member, view = found
    lang = member.language
    task = view.task
    try:
        if not task.platform.has_public_comments:
            # Checked before asking for the text, so nobody types a comment for a closed task.
            if task.status is not TaskStatus.ASSIGNED:
                raise IllegalTransition(task.id, task.status.value, TaskStatus.SUBMITTED.value)
            if task.is_overdue(rt.now()):
                raise TaskDeadlinePassed(task.id)
            # The wait is kept on the task: the text may reach another webhook process.
            await rt.run(text_wait.wait_for_text, rt.uow(), member_id=member.id, task_id=task.id, now=rt.now())
            # The card keeps Done and Skip: pressing Done again asks again (after a restart, or
            # after Done on another task took the wait). The question is a message of its own, so
            # the card stays short and the wait can be cancelled under it.
            ask = rt.texts.get(
                lang, "task-ask-feedback", platform=task.platform.label, title=short(view.submission.title, MAX_TITLE)
            )
            await reply(update, context, ask, keyboards.cancel(rt.texts, lang))
            return
        again = task.status is TaskStatus.SUBMITTED and rt.handled_again(update)
        if again:
            # This Done was recorded before a crash, which may have come between the commit and
            # the queueing of its verification (or its pass's mark and its job): ask again. A
            # second tap, a new update, is refused as before.
            marked = task
        else:
            marked = await rt.run(
                task_service.mark_task_done, rt.uow(), member_id=member.id, task_id=task.id, now=rt.now()
            )
    except DomainError as error:
        await _refuse_on_card(update, context, view, error)
        return
    await rt.request_verification(marked, after_crash=again)
    await close_card(update, context, view, rt.texts.get(lang, "task-done-auto"), after="task-done-auto")


async def feedback_text(update: Update, context: Context, member: Member, task_id: int, text: str) -> None:
    """The text the member pasted for a task on a platform without public comments. Judged at
    once: a text the quality gate refuses leaves the task open and says what is missing, so the
    member edits their comment and pastes it again. Raises the DomainErrors of mark_task_done
    (the caller turns them into texts); each of those ends the wait (a task no longer assigned
    takes no text; one past its deadline is told once)."""
    rt = runtime(context)
    lang = member.language
    try:
        verdict = await rt.run_slow(
            task_service.judge_pasted_feedback,
            rt.uow(),
            rt.container.quality_gate,
            member_id=member.id,
            task_id=task_id,
            text=text,
            now=rt.now(),
        )
    except TaskDeadlinePassed:
        await rt.run(text_wait.stop_waiting_for_text, rt.uow(), member_id=member.id)
        raise
    if not verdict.accepted:
        view = await rt.run(directory.task_view, rt.uow(), task_id)
        assert view is not None
        again = rt.texts.get(
            lang,
            "task-feedback-not-yet",
            reason=Raw(rt.texts.reason(lang, verdict.rule)),
            platform=view.task.platform.label,
        )
        open_it = ((Button(rt.texts.label(lang, "button-open"), url=view.submission.url),),)
        await reply(update, context, again, (*open_it, *keyboards.cancel(rt.texts, lang)))
        return
    marked = await rt.run(
        task_service.mark_task_done,
        rt.uow(),
        member_id=member.id,
        task_id=task_id,
        now=rt.now(),
        feedback_text=text,
    )
    await rt.request_verification(marked)
    await reply(update, context, rt.texts.get(lang, "task-done-owner"), steps.after(rt.texts, lang, "task-done-owner"))


async def skip(update: Update, context: Context) -> None:
    rt = runtime(context)
    found = await _pressed_on_my_task(update, context)
    if found is None:
        return
    member, view = found
    try:
        await rt.run(task_service.skip_task, rt.uow(), member_id=member.id, task_id=view.task.id, now=rt.now())
    except DomainError as error:
        await _refuse_on_card(update, context, view, error)
        return
    await close_card(update, context, view, rt.texts.get(member.language, "task-skipped"), after="task-skipped")
