"""The bot's markups keep their Bot API form from the start (bot/keyboards._Markup): what PTB sends
for them must be exactly what it sends for its own markup of the same buttons."""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from tgexchange.bot.keyboards import Button, to_markup


def sent(markup: InlineKeyboardMarkup) -> str:
    """The reply_markup field of a request, as PTB encodes a TelegramObject for the Bot API."""
    return json.dumps(markup.to_dict())


def test_a_markup_is_sent_as_ptb_sends_the_same_buttons_every_time() -> None:
    keyboard = (
        (Button("🔗 Link my channel", callback_data="go:link"), Button("Help", callback_data="go:help")),
        (Button("Open ▶️", url="https://youtu.be/x"),),
        (Button("App", web_app="https://example.org/app"),),
    )
    ptb = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("🔗 Link my channel", callback_data="go:link"),
             InlineKeyboardButton("Help", callback_data="go:help")],
            [InlineKeyboardButton("Open ▶️", url="https://youtu.be/x")],
            [InlineKeyboardButton("App", web_app=WebAppInfo("https://example.org/app"))],
        ]
    )  # fmt: skip
    markup = to_markup(keyboard)
    assert markup is not None

    assert sent(markup) == sent(ptb)
    markup.to_dict()["reply_markup"] = "changed"  # what a caller does with its copy is its own
    assert sent(markup) == sent(ptb)
    assert markup.to_dict() == ptb.to_dict()
    assert markup.to_dict(recursive=False).keys() == ptb.to_dict(recursive=False).keys()
    assert markup == ptb
