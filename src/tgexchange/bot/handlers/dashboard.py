"""/dashboard: a single-use login link to the admin dashboard, sent only in the private chat.

A login link is a credential: whoever opens it first is logged in as the admin. So the bot never
posts one in a group; there it points the admin to the private chat. Before issuing, it asks
Telegram (getChatMember, cached briefly) whether the user still runs each of their communities and
mirrors the answer into their role, so someone who was an admin yesterday gets no link today.
"""

from __future__ import annotations

from telegram import Chat, Update

from tgexchange.bot.admins import admin_member
from tgexchange.bot.flood import may_answer_in_group
from tgexchange.bot.handlers.start import ensure_community, join_keyboard
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.domain.dashboard import LOGIN_LINK_TTL
from tgexchange.domain.errors import NotAnAdmin
from tgexchange.services import dashboard as dashboard_service


@refusals
async def dashboard_command(update: Update, context: Context) -> None:
    chat, user, message = update.effective_chat, update.effective_user, update.message
    if chat is None or user is None or message is None:
        return
    if chat.type == Chat.PRIVATE:
        await _send_link(update, context)
    else:
        await _point_to_private(update, context, chat)


async def _send_link(update: Update, context: Context) -> None:
    rt = runtime(context)
    user = update.effective_user
    assert user is not None
    memberships = await rt.all_memberships(user.id)
    lang = rt.language(user, memberships[-1][0] if memberships else None, context)
    for _, community in memberships:
        await admin_member(rt, context, community, user)
    try:
        link = await rt.run(
            dashboard_service.issue_login_link,
            rt.uow(),
            telegram_user_id=user.id,
            now=rt.now(),
            base_url=rt.container.settings.public_base_url,
        )
    except NotAnAdmin:
        await reply(update, context, rt.texts.get(lang, "dashboard-not-admin"))
        return
    minutes = int(LOGIN_LINK_TTL.total_seconds() // 60)
    text = rt.texts.get(lang, "dashboard-link", url=link.url, minutes=minutes, communities=len(link.community_ids))
    await reply(update, context, text)


async def _point_to_private(update: Update, context: Context, chat: Chat) -> None:
    rt = runtime(context)
    user, message = update.effective_user, update.message
    assert user is not None
    assert message is not None
    lang = rt.language(user, None, context)
    if message.sender_chat is not None:
        if message.sender_chat.id == chat.id:  # an anonymous admin: the link needs a person
            await reply(update, context, rt.texts.get(lang, "dashboard-anonymous"))
        return
    if not may_answer_in_group(context.chat_data, user.id):
        return
    community = await ensure_community(rt, chat)
    if await admin_member(rt, context, community, user) is None:
        await reply(update, context, rt.texts.get(lang, "admin-only"))
        return
    keyboard = join_keyboard(rt, lang, context.bot.username, community.id)
    await reply(update, context, rt.texts.get(lang, "dashboard-in-private"), keyboard)
