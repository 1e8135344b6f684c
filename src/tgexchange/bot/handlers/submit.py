"""Asking for feedback on one's own content, following its progress, withdrawing it."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Message, MessageEntity, Update

from tgexchange.bot import keyboards, steps
from tgexchange.bot.commands import args_text, parse_id
from tgexchange.bot.keyboards import SUBMISSION_WITHDRAW, Button, Keyboard, callback, parse_callback, withdraw
from tgexchange.bot.membership import require_membership
from tgexchange.bot.pressed import pressed_submission
from tgexchange.bot.progress import Progress
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, edit, reply
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.bot.texts import MAX_TITLE, short
from tgexchange.domain.content import ContentRef
from tgexchange.domain.errors import DomainError
from tgexchange.domain.links import find_link, parse_link
from tgexchange.domain.member import Member
from tgexchange.domain.submission import Submission, SubmissionStatus
from tgexchange.services import stats as stats_service
from tgexchange.services import submission as submission_service

MAX_LISTED = 10
CHOICE_TTL = timedelta(hours=1)


# The content a member is choosing how much feedback to pay for, in this process's memory; a press
# that reaches another process (or comes after a restart) reads the link in the question itself.
CHOOSING = "choosing_count"
# When this process last heard the member cancel: questions asked before then stay refused.
CANCELLED_AT = "choice_cancelled_at"


@refusals
async def submit_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, community = membership
    text = args_text(context)
    if not text:
        forms = rt.texts.link_forms(member.language, community.settings.allowed_platforms)
        keyboard = steps.after(rt.texts, member.language, "submit-how")
        await reply(update, context, rt.texts.get(member.language, "submit-how", forms=forms), keyboard)
        return
    wanted = None
    words = text.split()
    if len(words) > 1 and words[-1].isascii() and words[-1].isdecimal():  # not "²" or "٣"
        wanted = int(words[-1])  # "/submit <link> 5": how many pieces of feedback
    link = find_link(text)
    if link is None:
        await reply(update, context, rt.texts.get(member.language, "submit-usage"))
        return
    await submit_link(update, context, member, rt.pasted(link), wanted=wanted)


async def submit_link(
    update: Update, context: Context, member: Member, link: ContentRef | str, *, wanted: int | None = None
) -> None:
    """Checks the link (telling the member while it looks up a short link and reads the
    platform), then submits it: with ``wanted`` as asked, or with the one piece of feedback the
    member can afford, or after they choose how many to pay for. ``link``: ``Runtime.pasted``'s."""
    rt = runtime(context)
    lang = member.language
    progress = await Progress.start(update, context, rt.texts.get(lang, "submit-checking"))
    try:
        ref = await rt.read_link(link)
        if wanted is None:
            offer = await rt.run_slow(
                submission_service.offer_submission,
                rt.uow(),
                rt.container.content_reader,
                member_id=member.id,
                ref=ref,
                now=rt.now(),
            )
            if offer.most > 1:
                if context.user_data is not None:
                    context.user_data[CHOOSING] = (ref, rt.now() + CHOICE_TTL)
                text = rt.texts.get(
                    lang,
                    "submit-choose",
                    title=short(offer.title, MAX_TITLE),
                    # The link rides in the question, so a press that reaches another webhook
                    # process (without this one's memory) still knows what to submit.
                    url=ref.url,
                    price=offer.credits_per_feedback,
                    balance=offer.balance,
                )
                counts = keyboards.feedback_counts(rt.texts, lang, most=offer.most, price=offer.credits_per_feedback)
                await progress.finish(text, counts)
                return
            wanted = 1
        submission = await _submit(rt, member, ref, wanted, update)
    except DomainError as error:
        await progress.refuse(error)
        return
    await progress.finish(*_submitted(rt, lang, submission))


async def _submit(rt: Runtime, member: Member, ref: ContentRef, wanted: int, update: Update) -> Submission:
    # Keyed by the update: handled again after a crash, it shows the same submission (bot/inbox.py).
    return await rt.run_slow(
        submission_service.submit_content,
        rt.uow(),
        rt.container.content_reader,
        member_id=member.id,
        ref=ref,
        now=rt.now(),
        feedback_wanted=wanted,
        update_id=update.update_id,
    )


def _submitted(rt: Runtime, lang: str, submission: Submission) -> tuple[str, Keyboard]:
    text = rt.texts.get(
        lang,
        "submit-done",
        title=short(submission.title, MAX_TITLE),
        wanted=submission.feedback_wanted,
        escrow=submission.escrow_total,
    )
    return text, steps.after(rt.texts, lang, "submit-done")


def stop_choosing(context: Context, *, cancelled_at: datetime | None = None) -> bool:
    """Forgets a count being chosen; whether there was one. With ``cancelled_at`` (the member
    cancelled), the buttons of questions asked before then are refused from now on."""
    if context.user_data is None:
        return False
    if cancelled_at is not None:
        context.user_data[CANCELLED_AT] = cancelled_at
    return context.user_data.pop(CHOOSING, None) is not None


@refusals
async def choose_count(update: Update, context: Context) -> None:
    """[2 · 20] pressed: the submission is made with that many pieces of feedback."""
    rt = runtime(context)
    await answer(update)
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    wanted = parse_id(parts[0]) if parts else None
    state = context.user_data.get(CHOOSING) if context.user_data is not None else None
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, _ = membership
    pressed_on = update.callback_query.message if update.callback_query else None
    question = pressed_on if isinstance(pressed_on, Message) else None
    cancelled_at = context.user_data.get(CANCELLED_AT) if context.user_data is not None else None
    if isinstance(state, tuple) and state[1] > rt.now():
        ref: ContentRef | None = state[0]
    elif question is not None and isinstance(cancelled_at, datetime) and question.date <= cancelled_at:
        ref = None
    else:
        ref = _asked_about(question, rt.now())
    if wanted is None or ref is None:
        await edit(update, context, rt.texts.get(member.language, "submit-choice-expired"))
        return
    stop_choosing(context)
    progress = Progress(update, context, question)
    try:
        submission = await _submit(rt, member, ref, wanted, update)
    except DomainError as error:
        await progress.refuse(error)
        return
    await edit(update, context, *_submitted(rt, member.language, submission))


def _asked_about(question: Message | None, now: datetime) -> ContentRef | None:
    """The content a count question was about, from the link in its text, while the question is
    fresh; None otherwise."""
    if question is None or question.date + CHOICE_TTL <= now:
        return None
    for entity in question.entities:
        if entity.type == MessageEntity.TEXT_LINK and entity.url:
            try:
                return parse_link(entity.url)
            except DomainError:
                return None
    return None


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
        await reply(
            update, context, rt.texts.get(lang, "submissions-none"), steps.after(rt.texts, lang, "submissions-none")
        )
        return
    lines = [rt.texts.get(lang, "submissions-title")]
    rows: list[tuple[Button, ...]] = []
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
    rows.extend(steps.buttons(rt.texts, lang, steps.Step.SUBMIT, steps.Step.TASK))
    await reply(update, context, "\n".join(lines), tuple(rows))


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
    text = rt.texts.get(member.language, "submissions-withdrawn", title=title, refund=refund)
    await edit(update, context, text, steps.after(rt.texts, member.language, "submissions-withdrawn"))
    await rt.deliver(uow, actor_member_id=member.id)


@refusals
async def keep_submission(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    member, _, title = await _own_submission_title(update, context)
    text = rt.texts.get(member.language, "submissions-kept", title=title)
    await edit(update, context, text, steps.after(rt.texts, member.language, "submissions-kept"))
