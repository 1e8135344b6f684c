"""What the bot sent, as a person reads it: plain text, its buttons, and how tall it is on a phone.

``pytest -s`` shows the transcripts the tests print, to read the flows as an admin would.
"""

from __future__ import annotations

import json
import math
from typing import Any

from tests.botapi import BotApi, Call, parse_html

PHONE_WIDTH = 42  # characters a line holds on a phone in Telegram's default font, about
MAX_PHONE_LINES = 6


def plain(call: Call) -> str:
    return parse_html(call.text)[0] if call.params.get("parse_mode") == "HTML" else call.text


def phone_lines(call: Call) -> int:
    """How many lines the message takes on a phone (long lines wrap)."""
    return sum(max(1, math.ceil(len(line) / PHONE_WIDTH)) for line in plain(call).split("\n"))


def buttons(call: Call) -> list[str]:
    return [button["text"] for button in call.buttons]


def rows(call: Call) -> list[list[dict[str, Any]]]:
    markup = call.params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    found: list[list[dict[str, Any]]] = markup.get("inline_keyboard", [])
    return found


def transcript(api: BotApi, names: dict[int, str], *, since: int = 0) -> str:
    """The messages sent, edited, deleted and reacted to since call number ``since``; chats are
    shown by ``names`` (an id not in it by number)."""
    out = []
    for call in api.calls[since:]:
        where = names.get(call.chat_id or 0, str(call.chat_id))
        if call.method in {"sendMessage", "editMessageText"}:
            verb = "→" if call.method == "sendMessage" else "✎"
            out.append(f"{verb} [{where}] " + plain(call).replace("\n", "\n    "))
            out.extend("    " + "  ".join(f"[{b['text']}]" for b in row) for row in rows(call))
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            out.append(f"  (toast) {call.params['text']}")
        elif call.method == "deleteMessage":
            out.append(f"✖ [{where}] message deleted")
        elif call.method == "setMessageReaction":
            out.append(f"👀 [{where}] reaction on message {call.params.get('message_id')}")
    return "\n".join(out)


def assert_fits_a_phone(api: BotApi, *, since: int = 0) -> None:
    for call in api.calls[since:]:
        if call.method in {"sendMessage", "editMessageText"}:
            assert phone_lines(call) <= MAX_PHONE_LINES, f"{phone_lines(call)} lines on a phone:\n{plain(call)}"


def show(api: BotApi, names: dict[int, str], *, since: int = 0) -> None:
    """Prints the transcript, to read the flow as a person would: ``pytest -s``."""
    print("\n" + transcript(api, names, since=since))  # noqa: T201 - meant for people, with pytest -s
