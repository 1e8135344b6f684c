"""/cancel, and the [Cancel] button under anything that waits for the member: a code for /link,
the pasted text of a comment, how much feedback to pay for. Whatever waited is forgotten (a task
stays open, its card keeps Done); the member is offered what to do next."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import steps
from tgexchange.bot.handlers.submit import stop_choosing
from tgexchange.bot.membership import require_membership
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, edit, reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.services import channel as channel_service
from tgexchange.services import text_wait


@refusals
async def cancel(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, _ = membership
    # Every wait is ended, not just the first found: a member who cancels means all of it.
    # The code's and the pasted text's waits are kept in the database (another process may take
    # the next message).
    stopped = [
        await rt.run(channel_service.cancel_channel_proof, rt.uow(), member_id=member.id, now=rt.now()),
        await rt.run(text_wait.stop_waiting_for_text, rt.uow(), member_id=member.id),
        stop_choosing(context, cancelled_at=rt.now()),
    ]
    key = "cancelled" if any(stopped) else "nothing-to-cancel"
    lang = member.language
    text, keyboard = rt.texts.get(lang, key), steps.after(rt.texts, lang, "cancelled")
    if update.callback_query is not None:
        await edit(update, context, text, keyboard)
    else:
        await reply(update, context, text, keyboard)
