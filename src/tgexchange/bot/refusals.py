"""Turning a refused request (a DomainError) into the friendly text for its code."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from telegram import Update

from tgexchange.bot.replies import answer, reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.domain.errors import DomainError

log = structlog.get_logger("tgexchange.bot")

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


async def tell_refusal(update: Update, context: Context, error: DomainError) -> None:
    rt = runtime(context)
    lang = rt.language(update.effective_user, None, context)
    log.info("refused", code=error.code, user_id=update.effective_user.id if update.effective_user else None)
    await answer(update)
    await reply(update, context, rt.texts.error(lang, error))


def refusals(handler: Handler) -> Handler:
    """Answers a DomainError with its text; anything else goes on to the error handler."""

    @functools.wraps(handler)
    async def run(update: Update, context: Context) -> None:
        try:
            await handler(update, context)
        except DomainError as error:
            await tell_refusal(update, context, error)

    return run
