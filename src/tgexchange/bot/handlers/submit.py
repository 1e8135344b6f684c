"""Asking for feedback on one's own content, following its progress, withdrawing it."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot.commands import args_text
from tgexchange.bot.keyboards import SUBMISSION_WITHDRAW, Button, callback, withdraw
from tgexchange.bot.membership import require_membership
from tgexchange.bot.pressed import pressed_submission
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, edit, reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.bot.texts import MAX_TITLE, short
from tgexchange.domain.links import find_link, parse_link
from tgexchange.domain.member import Member
from tgexchange.domain.submission import SubmissionStatus
from tgexchange.services import stats as stats_service
from tgexchange.services import submission as submission_service

MAX_LISTED = 10


@refusals
async def submit_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, _ = membership
    text = args_text(context)
    if not text:
        await reply(update, context, rt.texts.get(member.language, "submit-usage"))
        return
    wanted = None
    words = text.split()
    if len(words) > 1 and words[-1].isascii() and words[-1].isdecimal():  # not "²" or "٣"
        wanted = int(words[-1])  # "/submit <link> 5": how many pieces of feedback
    await submit_link(update, context, member, text, wanted=wanted)


async def submit_link(
    update: Update, context: Context, member: Member, text: str, *, wanted: int | None = None
) -> None:
    """Raises the DomainErrors of parse_link and submit_content."""
    rt = runtime(context)
    link = find_link(text)
    if link is None:
        await reply(update, context, rt.texts.get(member.language, "submit-usage"))
        return
    ref = parse_link(link)
    submission = await rt.run_slow(
        submission_service.submit_content,
        rt.uow(),
        rt.container.content_reader,
        member_id=member.id,
        ref=ref,
        now=rt.now(),
        feedback_wanted=wanted,
    )
    await reply(
        update,
        context,
        rt.texts.get(
            member.language,
            "submit-done",
            title=short(submission.title, MAX_TITLE),
            wanted=submission.feedback_wanted,
            escrow=submission.escrow_total,
        ),
    )


@refusals
async def my_submissions(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, _ = membership
    lang = member.language
    found = await rt.run(stats_service.member_submissions, rt.uow(), member_id=member.id, limit=MAX_LISTED)
    if not found:
        await reply(update, context, rt.texts.get(lang, "submissions-none"))
        return
    lines = [rt.texts.get(lang, "submissions-title")]
    rows = []
    for item in found:
        lines.append(
            rt.texts.get(
                lang,
                "submissions-item",
                status=rt.texts.label(lang, f"submission-status-{item.status.value}"),
                url=item.url,
                title=short(item.title, MAX_TITLE),
                verified=item.tasks_verified,
                wanted=item.feedback_wanted,
            )
        )
        if item.status is SubmissionStatus.OPEN:
            label = f"{rt.texts.label(lang, 'button-withdraw')}: {short(item.title, 40)}"
            rows.append((Button(label, callback_data=callback(SUBMISSION_WITHDRAW, item.id)),))
    await reply(update, context, "\n".join(lines), tuple(rows) or None)


async def _own_submission_title(update: Update, context: Context) -> tuple[Member, int, str]:
    """Raises SubmissionNotFound, or NotYourSubmission when the submission is someone else's."""
    pressed = await pressed_submission(update, context)
    pressed.submission.ensure_owner(pressed.member.id)
    return pressed.member, pressed.submission.id, short(pressed.submission.title, MAX_TITLE)


@refusals
async def ask_withdraw(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    member, submission_id, title = await _own_submission_title(update, context)
    lang = member.language
    await reply(
        update,
        context,
        rt.texts.get(lang, "submissions-confirm-withdraw", title=title),
        withdraw(rt.texts, lang, submission_id=submission_id),
    )


@refusals
async def confirm_withdraw(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    member, submission_id, title = await _own_submission_title(update, context)
    uow = rt.uow()
    refund = await rt.run(
        submission_service.cancel_submission, uow, member_id=member.id, submission_id=submission_id, now=rt.now()
    )
    await edit(update, context, rt.texts.get(member.language, "submissions-withdrawn", title=title, refund=refund))
    await rt.deliver(uow, actor_member_id=member.id)


@refusals
async def keep_submission(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    member, _, title = await _own_submission_title(update, context)
    await edit(update, context, rt.texts.get(member.language, "submissions-kept", title=title))
