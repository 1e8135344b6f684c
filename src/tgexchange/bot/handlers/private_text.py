"""Plain text in the private chat: the feedback text a task waits for, the link that proves a
channel after /link, a link to submit, or else a pointer to /help."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import directory, steps
from tgexchange.bot.handlers.link import confirm_proof
from tgexchange.bot.handlers.submit import submit_link
from tgexchange.bot.handlers.task import feedback_text, send_card
from tgexchange.bot.membership import require_membership
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.domain.content import ContentRef, Platform
from tgexchange.domain.links import find_link
from tgexchange.services import text_wait


async def _unexpected_text(update: Update, context: Context) -> None:
    """Text nobody asked for. If the member has open tasks that take a pasted comment, it is
    probably one of those (the wait for it ended: /cancel, or a refusal): their cards come again,
    so Done says which task the text is for."""
    rt = runtime(context)
    user = update.effective_user
    membership = await rt.membership(user, context) if user is not None else None
    views = await rt.run(directory.tasks_awaiting_text, rt.uow(), membership[0].id) if membership else []
    if membership is None or not views:
        lang = rt.language(user, None, context)
        keyboard = steps.after(rt.texts, lang, "unknown-text") if membership else ()
        await reply(update, context, rt.texts.get(lang, "unknown-text"), keyboard)
        return
    lang = membership[0].language
    await reply(update, context, rt.texts.get(lang, "task-which-text"))
    for view in views:
        await send_card(update, context, lang, view)


@refusals
async def private_text(update: Update, context: Context) -> None:
    rt = runtime(context)
    message = update.message
    if message is None or not message.text:
        return
    text = message.text.strip()
    link = find_link(text)
    if link != text:
        # Possibly the comment a task waits for. The wait is read from the database, not this
        # process's memory: Done may have reached another webhook process. A bare link is not a
        # comment anyone wrote: it is handled as a link, and the task still waits for its text.
        user = update.effective_user
        membership = await rt.membership(user, context) if user is not None else None
        if membership is not None:
            task_id = await rt.run(text_wait.awaited_text, rt.uow(), member_id=membership[0].id)
            if task_id is not None:
                await feedback_text(update, context, membership[0], task_id, text)
                return
    if link is None:
        await _unexpected_text(update, context)
        return
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, _ = membership
    ref = rt.pasted(link)
    platform = ref.platform if isinstance(ref, ContentRef) else Platform.TIKTOK  # only TikTok has short links
    # Whether a code waits is read from the database, not this process's memory: the /link
    # before, or the proof that used the code, may have reached another webhook process.
    awaited = await rt.run(directory.awaited_proof, rt.uow(), member.id, rt.now(), update_id=update.update_id)
    if awaited is platform:
        await confirm_proof(update, context, member, ref)
    else:
        await submit_link(update, context, member, ref)
