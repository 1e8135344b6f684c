"""What a member typed or pressed, read strictly: command names, their arguments, and ids.

Everything here comes from the member's client and is never trusted: ids are ASCII decimals that
fit a signed 64-bit integer (``"²".isdigit()`` is true and ``int("²")`` raises; a 23-digit id
overflows every column), anything else reads as "no id".
"""

from __future__ import annotations

from telegram import Message

from tgexchange.bot.runtime import Context

MAX_ID = 2**63 - 1


def parse_id(text: str | None) -> int | None:
    """A positive id written as ASCII digits within 64 bits, or None."""
    if not text or len(text) > 19 or not text.isascii() or not text.isdecimal():
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def command_of(message: Message) -> str:
    """The command's name, lower case, without its ``@botname`` ("/Pause@exbot x" → "pause")."""
    return (message.text or "").split(maxsplit=1)[0].lstrip("/").split("@", 1)[0].lower()


def args_text(context: Context) -> str:
    return " ".join(context.args or []).strip()
