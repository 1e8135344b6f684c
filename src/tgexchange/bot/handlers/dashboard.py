"""/dashboard: a single-use login link to the admin dashboard, sent only in the private chat.

A login link is a credential: whoever opens it first is logged in as the admin. So the bot never
posts one in a group; there it answers with a button that opens the private chat and sends the
link there (a deep link, ``deeplinks.make_admin_payload(..., "d")``). Before issuing, it asks
Telegram (getChatMember, cached briefly) whether the user still runs each of their communities and
mirrors the answer into their role, so someone who was an admin yesterday gets no link today.
"""

from __future__ import annotations

from telegram import Chat, Update, User

from tgexchange.bot import deeplinks
from tgexchange.bot.admins import admin_member
from tgexchange.bot.handlers.start import ensure_community
from tgexchange.bot.keyboards import Button
from tgexchange.bot.miniapp import app_button
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import Answer, reply, reply_in_group_once, said_in_group
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.domain.dashboard import LOGIN_LINK_TTL
from tgexchange.domain.errors import NotAnAdmin
from tgexchange.services import dashboard as dashboard_service


@refusals
async def dashboard_command(update: Update, context: Context) -> None:
    chat, user, message = update.effective_chat, update.effective_user, update.message
    if chat is None or user is None or message is None:
        return
    if chat.type == Chat.PRIVATE:
        await reply(update, context, *await login_link(runtime(context), context, user))
    else:
        await _point_to_private(update, context, chat, user)


async def login_link(rt: Runtime, context: Context, user: User) -> Answer:
    """A fresh login link for the user's communities where Telegram still says they are an admin,
    or why there is none. The link opens from a button too where Telegram takes one (https)."""
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
        return rt.texts.get(lang, "dashboard-not-admin"), None
    minutes = int(LOGIN_LINK_TTL.total_seconds() // 60)
    text = rt.texts.get(lang, "dashboard-link", url=link.url, minutes=minutes, communities=len(link.community_ids))
    if not link.url.startswith("https://"):  # Telegram refuses buttons to other addresses
        return text, None
    rows: list[tuple[Button, ...]] = [(Button(rt.texts.label(lang, "button-open-dashboard"), url=link.url),)]
    in_telegram = app_button(rt, lang, admin=True)  # the same, inside Telegram, with no link to spend
    if in_telegram is not None:
        rows.insert(0, (in_telegram,))
    return text, tuple(rows)


async def _point_to_private(update: Update, context: Context, chat: Chat, user: User) -> None:
    rt = runtime(context)
    message = update.message
    assert message is not None
    lang = rt.language(user, None, context)
    if message.sender_chat is not None:
        if message.sender_chat.id == chat.id:  # an anonymous admin: the link needs a person
            await reply(update, context, rt.texts.get(lang, "dashboard-anonymous"))
        return
    community = await ensure_community(rt, chat)
    member = await admin_member(rt, context, community, user)
    if member is None:
        refusal = rt.texts.get(lang, "admin-only")
        privately = said_in_group(update, context, lang, community.title) + "\n" + refusal
        await reply_in_group_once(update, context, refusal, None, privately=lambda: _same(privately))
        return
    lang = member.language
    url = deeplinks.start_url(context.bot.username, deeplinks.make_admin_payload(rt.link_key, community.id, "d"))
    await reply_in_group_once(
        update,
        context,
        rt.texts.get(lang, "dashboard-in-private", name=user.first_name),
        ((Button(rt.texts.label(lang, "button-open-dashboard"), url=url),),),
        privately=lambda: login_link(rt, context, user),
    )


async def _same(text: str) -> Answer:
    return text, None
