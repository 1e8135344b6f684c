"""Who may open an admin's list (the appeals queue, the flagged groups): the member's community
from a command in private, or the community a button names, once Telegram confirms the sender is
its admin. Whoever is not gets the friendly refusal, and the caller stops."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import directory
from tgexchange.bot.admins import admin_member
from tgexchange.bot.commands import parse_id
from tgexchange.bot.keyboards import parse_callback
from tgexchange.bot.membership import require_membership
from tgexchange.bot.replies import answer, reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member


async def admin_of_command(update: Update, context: Context) -> tuple[Member, Community] | None:
    """The admin and their community for a command; None once the sender was answered."""
    rt = runtime(context)
    user = update.effective_user
    membership = await require_membership(update, context)
    if membership is None or user is None:
        return None
    _, community = membership
    admin = await admin_member(rt, context, community, user)
    if admin is None:
        await reply(update, context, rt.texts.get(rt.language(user, None, context), "admin-only"))
        return None
    return admin, community


async def admin_of_button(update: Update, context: Context) -> tuple[Member, Community] | None:
    """The admin and the community a button's first part names; None once the presser was
    answered (an old button, or not an admin there)."""
    rt = runtime(context)
    user = update.effective_user
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    community_id = parse_id(parts[0]) if parts else None
    community = None if community_id is None else await rt.run(directory.community, rt.uow(), community_id)
    if user is None or community is None:
        await answer(update, rt.texts.label(rt.language(user, None, context), "expired-button"))
        return None
    admin = await admin_member(rt, context, community, user)
    if admin is None:
        await answer(update, rt.texts.label(rt.language(user, None, context), "admin-only"), alert=True)
        return None
    return admin, community
