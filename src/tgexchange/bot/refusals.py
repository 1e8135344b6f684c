"""Turning a refused request (a DomainError) into the friendly text for its code."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from telegram import Chat, Update

from tgexchange.bot import steps
from tgexchange.bot.keyboards import Keyboard
from tgexchange.bot.replies import answer, reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.bot.texts import error_key
from tgexchange.domain.errors import DomainError, UnsupportedLink
from tgexchange.domain.health import CooldownActive

log = structlog.get_logger("tgexchange.bot")

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


async def refusal_text(update: Update, context: Context, error: DomainError) -> tuple[str, Keyboard]:
    """The refusal's words and, in a private chat, the next step as buttons (a refused link says
    what to send instead, for the platforms of the member's community only)."""
    rt = runtime(context)
    user, chat = update.effective_user, update.effective_chat
    lang = rt.language(user, None, context)
    private = chat is not None and chat.type == Chat.PRIVATE
    allowed = None
    if isinstance(error, UnsupportedLink) and private and user is not None:
        membership = await rt.membership(user, context)
        allowed = membership[1].settings.allowed_platforms if membership else None
    keyboard = steps.after(rt.texts, lang, error_key(error.code)) if private else ()
    if isinstance(error, CooldownActive):  # when it ends, in the member's terms ("in 5 hours")
        until = rt.texts.until(lang, error.until, now=rt.now())
        percent = round((error.score or 0) * 100)
        return rt.texts.get(lang, "cooldown-refused", cause=error.cause, until=until, percent=percent), keyboard
    return rt.texts.error(lang, error, allowed=allowed), keyboard


async def tell_refusal(update: Update, context: Context, error: DomainError) -> None:
    log.info("refused", code=error.code, user_id=update.effective_user.id if update.effective_user else None)
    await answer(update)
    text, keyboard = await refusal_text(update, context, error)
    await reply(update, context, text, keyboard)


def refusals(handler: Handler) -> Handler:
    """Answers a DomainError with its text; anything else goes on to the error handler."""

    @functools.wraps(handler)
    async def run(update: Update, context: Context) -> None:
        try:
            await handler(update, context)
        except DomainError as error:
            await tell_refusal(update, context, error)

    return run
