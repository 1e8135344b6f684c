"""What runs before any handler: drop redelivered updates, slow down floods, refuse huge texts."""

from __future__ import annotations

import structlog
from telegram import Chat, ChatMember, Update
from telegram.ext import ApplicationHandlerStop

from tgexchange.bot.ordering import sender_key
from tgexchange.bot.replies import apologise, reply
from tgexchange.bot.runtime import MAX_INPUT_CHARS, Context, runtime

log = structlog.get_logger("tgexchange.bot")


def is_actionable(update: Update) -> bool:
    """Updates the bot may act on. Group chatter that is not a command, channel posts and edits
    are ignored without a trace (no database write, no reply)."""
    if update.callback_query is not None or update.my_chat_member is not None:
        return True
    if update.chat_member is not None:
        # Only a change to or from admin matters here; ordinary joins and leaves of a busy group
        # would each cost a write for nothing.
        statuses = {update.chat_member.old_chat_member.status, update.chat_member.new_chat_member.status}
        return bool(statuses & {ChatMember.ADMINISTRATOR, ChatMember.OWNER})
    message = update.message
    if message is None:
        return False
    if message.chat.type == Chat.PRIVATE:
        return True
    if message.migrate_to_chat_id or message.migrate_from_chat_id:
        return True  # the group was upgraded to a supergroup: its community must follow
    text = message.text or ""
    return message.chat.type in {Chat.GROUP, Chat.SUPERGROUP} and text.startswith("/")


async def drop_redelivered(update: Update, context: Context) -> None:
    """An update already taken on (same update_id; also by another process, or before a restart)
    stops here, before any handler. With long polling, claiming first makes delivery at most once
    (getUpdates' offset already is: a crash in between loses the update rather than applying it
    twice, and use cases are transactions, so a lost update leaves no half-done state). Through
    the webhook the update arrives already claimed: stored and leased in the inbox, whose lease is
    the claim (bot/inbox.py)."""
    if not is_actionable(update):
        raise ApplicationHandlerStop
    rt = runtime(context)
    if rt.inbox is not None:
        return
    try:
        claimed = await rt.run(rt.container.update_log.claim, update.update_id, now=rt.now())
    except Exception:
        # Storage is down: nothing can be done for this update. One apology, and no later
        # handler runs (each would fail on storage too, and apologise again).
        log.exception("update_claim_failed", update_id=update.update_id)
        await apologise(update, context)
        raise ApplicationHandlerStop from None
    if not claimed:
        log.info("update_redelivered", update_id=update.update_id)
        raise ApplicationHandlerStop


async def limit_floods(update: Update, context: Context) -> None:
    user = update.effective_user
    key = sender_key(update)
    if user is None or key is None or update.my_chat_member is not None or update.chat_member is not None:
        return
    rt = runtime(context)
    allowed, warn, wait = rt.flood.take(key)
    if allowed:
        return
    log.info("flood_limited", user_id=user.id, sender=key)
    if warn:
        lang = rt.language(user, None, context)
        if update.callback_query is not None:
            await update.callback_query.answer(rt.texts.label(lang, "flood", seconds=wait))
        elif update.effective_chat is not None and update.effective_chat.type == Chat.PRIVATE:
            await reply(update, context, rt.texts.get(lang, "flood", seconds=wait))
    raise ApplicationHandlerStop


async def refuse_huge_texts(update: Update, context: Context) -> None:
    message = update.message
    if message is None:
        return
    text = message.text or message.caption or ""
    if len(text) <= MAX_INPUT_CHARS:
        return
    rt = runtime(context)
    if message.chat.type == Chat.PRIVATE:
        lang = rt.language(update.effective_user, None, context)
        await reply(update, context, rt.texts.get(lang, "too-long", length=len(text), maximum=MAX_INPUT_CHARS))
    raise ApplicationHandlerStop
