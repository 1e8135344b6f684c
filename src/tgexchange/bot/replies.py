"""Answering the user where they are: a new message in the chat, or the message a button is on."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

import structlog
from telegram import Chat, Message, ReplyParameters, Update
from telegram.error import BadRequest, TelegramError

from tgexchange.bot.commands import command_of
from tgexchange.bot.flood import may_answer_in_group
from tgexchange.bot.keyboards import Keyboard, to_markup
from tgexchange.bot.notifications import NO_PREVIEW
from tgexchange.bot.runtime import Context, runtime

log = structlog.get_logger("tgexchange.bot")


async def reply(update: Update, context: Context, text: str, keyboard: Keyboard | None = None) -> Message | None:
    """Sends ``text`` to the update's chat; in a group, as a reply to the command so that the
    answer is found next to the question."""
    chat = update.effective_chat
    if chat is None:
        return None
    reply_to = None
    if chat.type != Chat.PRIVATE and update.message is not None:
        reply_to = ReplyParameters(update.message.message_id, allow_sending_without_reply=True)
    return await context.bot.send_message(
        chat.id, text, reply_markup=to_markup(keyboard), link_preview_options=NO_PREVIEW, reply_parameters=reply_to
    )


async def edit(update: Update, context: Context, text: str, keyboard: Keyboard | None = None) -> None:
    """Replaces the text (and buttons) of the message the pressed button is on; sends a new
    message when that one can no longer be edited (too old, or deleted)."""
    query = update.callback_query
    message = query.message if query is not None else None
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=to_markup(keyboard), link_preview_options=NO_PREVIEW)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                await reply(update, context, text, keyboard)
        return
    await reply(update, context, text, keyboard)


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Stops the button's spinner, with a short toast (plain text) when given."""
    query = update.callback_query
    if query is not None:
        with contextlib.suppress(BadRequest):  # too old to answer: there is no spinner to stop
            await query.answer(text[:190] if text else None, show_alert=alert)


async def apologise(update: Update, context: Context) -> None:
    """The short apology for a failure on our side: in a private chat, or for a command (a pressed
    button in a group only gets its spinner stopped)."""
    if update.effective_chat is None:
        return
    rt = runtime(context)
    try:
        await answer(update)
        if update.effective_chat.type == Chat.PRIVATE or update.callback_query is None:
            await reply(update, context, rt.texts.get(rt.language(update.effective_user, None, context), "apology"))
    except TelegramError as error:
        log.warning("apology_not_sent", error=str(error), update_id=update.update_id)


SEEN = "👀"  # the reaction that says "seen" when a person cannot be answered in private

Answer = tuple[str, Keyboard | None]


def said_in_group(update: Update, context: Context, lang: str, community_title: str) -> str:
    """The first line of a private answer to a command sent in the group: which command, where."""
    rt = runtime(context)
    command = "/" + command_of(update.message) if update.message is not None else ""
    return rt.texts.get(lang, "group-answered-here", command=command, community=community_title)


async def reply_in_group_once(
    update: Update,
    context: Context,
    text: str,
    keyboard: Keyboard | None,
    *,
    privately: Callable[[], Awaitable[Answer]],
) -> None:
    """Answers a person's command in a group, never with more than one public message a minute
    for them (``flood.may_answer_in_group``). Within that minute the answer (``privately()``) goes
    to their private chat when they started the bot (the send succeeds), else their message gets a
    👀 reaction; groups where reactions are off get nothing more. Outside groups it just replies."""
    chat, user, message = update.effective_chat, update.effective_user, update.message
    if chat is None or user is None or chat.type == Chat.PRIVATE or message is None:
        await reply(update, context, text, keyboard)
        return
    if may_answer_in_group(context.chat_data, user.id):
        await reply(update, context, text, keyboard)
        return
    private_text, private_keyboard = await privately()
    try:
        await context.bot.send_message(
            user.id, private_text, reply_markup=to_markup(private_keyboard), link_preview_options=NO_PREVIEW
        )
        return
    except TelegramError as error:  # never started the bot, blocked it, or Telegram failed
        log.info("private_answer_not_sent", user_id=user.id, error=str(error))
    try:
        await context.bot.set_message_reaction(chat.id, message.message_id, SEEN)
    except TelegramError as error:  # reactions are off in this group, or this one is not allowed
        log.info("reaction_not_set", chat_id=chat.id, error=str(error))
