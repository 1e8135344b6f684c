"""Small steps several flows share."""

from __future__ import annotations

import time

from telegram import Update

from tgexchange.bot.replies import reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member


async def require_membership(update: Update, context: Context) -> tuple[Member, Community] | None:
    """The user's current membership, or None after telling them to join first."""
    rt = runtime(context)
    user = update.effective_user
    if user is None:
        return None
    found = await rt.membership(user, context)
    if found is None:
        await reply(update, context, rt.texts.get(rt.language(user, None, context), "join-first"))
    return found


def args_text(context: Context) -> str:
    return " ".join(context.args or []).strip()


POINTER_EVERY_S = 60.0


def may_answer_in_group(context: Context, user_id: int) -> bool:
    """At most one answer a minute per person in a group, so the bot never floods it."""
    last = context.chat_data.setdefault("answered", {}) if context.chat_data is not None else {}
    now = time.monotonic()
    if now - last.get(user_id, -POINTER_EVERY_S) < POINTER_EVERY_S:
        return False
    last[user_id] = now
    return True
