"""The owner rates verified feedback on their submission (bot/rating.py draws the card).

Anyone else who presses a rating button (a member of the same community, or a stranger) gets a
polite toast and sees nothing of the feedback; so does an owner changing a mark after 24 hours.
"""

from __future__ import annotations

from telegram import Update

from tgexchange.bot.commands import parse_id
from tgexchange.bot.pressed import pressed_task
from tgexchange.bot.rating import LETTERS, card
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, edit, reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.bot.texts import plain
from tgexchange.domain.errors import NotYourTask
from tgexchange.domain.rating import NotTheRecipient, RatingLocked
from tgexchange.services import rating as rating_service


@refusals
async def rate(update: Update, context: Context) -> None:
    rt = runtime(context)
    user = update.effective_user
    try:
        pressed = await pressed_task(update, context)
        view, member, args = pressed.view, pressed.member, pressed.args
        if member.id != view.task.owner_id:
            raise NotTheRecipient(view.task.id)
        if not args:
            rating = await rt.run(rating_service.find_rating, rt.uow(), task_id=view.task.id)
            await answer(update)
            await reply(update, context, *card(rt.texts, member.language, view, rating, now=rt.now()))
            return
        statement = LETTERS.get(args[0])
        mark = parse_id(args[1]) if len(args) > 1 else None
        if statement is None or mark is None:
            raise NotTheRecipient(view.task.id)  # a forged button: nothing of it is anyone's
        rating = await rt.run(
            rating_service.rate_feedback,
            rt.uow(),
            member_id=member.id,
            task_id=view.task.id,
            statement=statement,
            mark=mark,
            now=rt.now(),
        )
    except (NotTheRecipient, NotYourTask, RatingLocked) as error:
        lang = rt.language(user, None, context)
        task_id = int(str(error.params.get("task_id") or 0))
        refusal = error if isinstance(error, RatingLocked) else NotTheRecipient(task_id)
        await answer(update, plain(rt.texts.error(lang, refusal)), alert=True)
        return
    await answer(update, rt.texts.label(member.language, "rating-saved"))
    await edit(update, context, *card(rt.texts, member.language, view, rating, now=rt.now()))
