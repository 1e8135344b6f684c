"""Notices as Telegram messages: rendered (``render.py``), then sent (``send.py``)."""

from tgexchange.bot.notifications.render import MAX_QUOTE, Outgoing, UowFactory, render_notice
from tgexchange.bot.notifications.send import (
    NO_PREVIEW,
    BotNotifier,
    SendPacer,
    TelegramNotifier,
    follow_group,
    send,
    send_all,
)

__all__ = [
    "MAX_QUOTE",
    "NO_PREVIEW",
    "BotNotifier",
    "Outgoing",
    "SendPacer",
    "TelegramNotifier",
    "UowFactory",
    "follow_group",
    "render_notice",
    "send",
    "send_all",
]
