"""The member behind a private-chat update, in the community they act in."""

from __future__ import annotations

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
