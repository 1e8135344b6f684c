"""A slow step told, not silent: "🔎 Checking…" at once (with Telegram's typing indicator), then
the same message becomes the outcome, so the chat shows one message per step."""

from __future__ import annotations

import contextlib

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from tgexchange.bot.keyboards import Keyboard, to_markup
from tgexchange.bot.notifications import NO_PREVIEW
from tgexchange.bot.refusals import refusal_text
from tgexchange.bot.replies import reply
from tgexchange.bot.runtime import Context
from tgexchange.domain.errors import DomainError


class Progress:
    def __init__(self, update: Update, context: Context, message: Message | None) -> None:
        self._update = update
        self._context = context
        self._message = message

    @classmethod
    async def start(cls, update: Update, context: Context, text: str) -> Progress:
        chat = update.effective_chat
        if chat is not None:
            with contextlib.suppress(TelegramError):  # only a courtesy
                await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        return cls(update, context, await reply(update, context, text))

    async def finish(self, text: str, keyboard: Keyboard | None = None) -> None:
        """The waiting message becomes ``text``; a new message if it cannot be edited."""
        if self._message is not None:
            try:
                await self._message.edit_text(text, reply_markup=to_markup(keyboard), link_preview_options=NO_PREVIEW)
                return
            except BadRequest:
                pass
        await reply(self._update, self._context, text, keyboard)

    async def refuse(self, error: DomainError) -> None:
        text, keyboard = await refusal_text(self._update, self._context, error)
        await self.finish(text, keyboard)
