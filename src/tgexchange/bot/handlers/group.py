"""The bot in groups: joining and leaving (my_chat_member), the group's upgrade to a supergroup,
/exchange (the way in, and for admins the admin menu), and member commands sent there, which get
one short pointer to the private chat. At most one public answer a minute per person; a second
command within the minute is answered in private, or acknowledged with a reaction
(replies.reply_in_group_once)."""

from __future__ import annotations

from datetime import timedelta

from telegram import Chat, ChatMember, Update

from tgexchange.bot import deeplinks, directory
from tgexchange.bot.admins import admin_member
from tgexchange.bot.handlers.admin import Request, ask_anonymous_admin
from tgexchange.bot.handlers.menu import VIEWS, admin_url, menu_view
from tgexchange.bot.handlers.start import ensure_community, join_keyboard
from tgexchange.bot.keyboards import Button, Keyboard, to_markup
from tgexchange.bot.notifications import NO_PREVIEW, follow_group
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import Answer, reply, reply_in_group_once, said_in_group
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.domain.community import Community
from tgexchange.services import community as community_service

_PRESENT = frozenset({ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED})
_GONE = frozenset({ChatMember.LEFT, ChatMember.BANNED})
# How long after a supergroup upgrade Telegram's announcement of the bot in the new chat counts as
# part of it (the notices and the announcement arrive together, also after a backlog).
MOVE_WINDOW = timedelta(minutes=10)


@refusals
async def bot_membership_changed(update: Update, context: Context) -> None:
    rt = runtime(context)
    change = update.my_chat_member
    if change is None or change.chat.type not in {Chat.GROUP, Chat.SUPERGROUP}:
        return
    chat = change.chat
    was, now = change.old_chat_member.status, change.new_chat_member.status
    rt.admins.forget(chat.id)
    rt.forget_communities()  # whether the bot is present is part of every cached community
    if now in _GONE:
        await rt.run(community_service.mark_bot_removed, rt.uow(), telegram_chat_id=chat.id)
        return
    if now in _PRESENT and was in _GONE:
        known = await rt.run(directory.community_by_chat, rt.uow(), chat.id)
        community = await rt.run(
            community_service.register_community,
            rt.uow(),
            telegram_chat_id=chat.id,
            title=chat.title or str(chat.id),
            now=rt.now(),
        )
        # A group that just moved to its upgraded chat already has the bot and its members:
        # Telegram announces the bot there anyway, and a second welcome would only be noise. (A
        # bot re-added after its removal went unseen is welcomed as usual.)
        just_moved = (
            known is not None
            and known.bot_present
            and await rt.run(directory.moved_here_since, rt.uow(), known.id, rt.now() - MOVE_WINDOW)
        )
        if not just_moved:
            await welcome(context, rt.language(change.from_user, None, context), chat.id, community)


async def welcome(context: Context, lang: str, chat_id: int, community: Community) -> None:
    """``lang`` stands in when the community has not chosen a language for the group."""
    rt = runtime(context)
    lang = community.settings.group_language or lang
    await context.bot.send_message(
        chat_id,
        rt.texts.get(lang, "group-welcome", community=community.title),
        reply_markup=to_markup(join_keyboard(rt, lang, context.bot.username, community.id)),
        link_preview_options=NO_PREVIEW,
    )


@refusals
async def group_migrated(update: Update, context: Context) -> None:
    """The group was upgraded to a supergroup (a new chat id). Telegram posts one service message
    in the old chat (``migrate_to_chat_id``) and one in the new (``migrate_from_chat_id``); the
    first to arrive moves the community, the second finds nothing left to move."""
    rt = runtime(context)
    message = update.message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    moved = await rt.run(follow_group, rt.uow, old, new, noticed_by="notice", now=rt.now())
    rt.admins.forget(old)
    rt.admins.forget(new)
    rt.forget_communities()  # what was cached about that community carries the old chat id
    if moved is not None and moved.replaced:
        # The welcome posted when the bot was announced in the new chat invited to the removed
        # community: post one that invites to the community that moved.
        await welcome(context, rt.language(update.effective_user, None, context), new, moved.community)


@refusals
async def member_status_changed(update: Update, context: Context) -> None:
    """Someone was promoted, demoted, left or was removed: their stored role follows at once, so a
    demoted admin's dashboard session loses that community on its next request."""
    rt = runtime(context)
    change = update.chat_member
    if change is None or change.chat.type not in {Chat.GROUP, Chat.SUPERGROUP}:
        return
    chat, user = change.chat, change.new_chat_member.user
    rt.admins.forget(chat.id)
    community = await rt.run(directory.community_by_chat, rt.uow(), chat.id)
    if community is None:
        return
    role = await rt.run(
        community_service.mirror_admin_role,
        rt.uow(),
        community_id=community.id,
        telegram_user_id=user.id,
        told=change.new_chat_member.status in {ChatMember.ADMINISTRATOR, ChatMember.OWNER},
        now=rt.now(),
    )
    if role.changed:
        rt.memberships.forget(user.id)


def person_keyboard(rt: Runtime, lang: str, bot_username: str, community_id: int, *, joined: bool) -> Keyboard:
    """The button that takes one person to the private chat: [Join the exchange] for someone who
    has not joined, [Open the bot] for someone who has (the same deep link: it also makes this
    community the one they act in)."""
    url = deeplinks.start_url(bot_username, deeplinks.make_payload(rt.link_key, community_id))
    return ((Button(rt.texts.label(lang, "button-open-private" if joined else "button-join"), url=url),),)


@refusals
async def exchange_command(update: Update, context: Context) -> None:
    """/exchange (and /start, /help) in a group: the way into the exchange for this person, and
    for an admin also into the admin menu, both in private."""
    rt = runtime(context)
    chat, user, message = update.effective_chat, update.effective_user, update.message
    if chat is None or user is None or message is None:
        return
    if message.sender_chat is not None:
        if message.sender_chat.id == chat.id:  # only admins can post as the group
            await ask_anonymous_admin(update, context, Request("menu", (), None))
        return  # a channel posting in the group
    community = await ensure_community(rt, chat)
    member = await rt.run(directory.member_by_user, rt.uow(), community.id, user.id)
    lang = member.language if member is not None else rt.language(user, None, context)
    told = await rt.admins.is_admin(context.bot, chat.id, user.id)
    is_admin = told if told is not None else member is not None and member.is_admin
    keyboard = person_keyboard(rt, lang, context.bot.username, community.id, joined=member is not None)
    if is_admin:
        text = rt.texts.get(lang, "group-admin-prompt", name=user.first_name, community=community.title)
        url = admin_url(rt, context.bot.username, community.id, VIEWS["menu"])
        keyboard = (*keyboard, (Button(rt.texts.label(lang, "button-admin-menu"), url=url),))
    elif member is not None:
        text = rt.texts.get(lang, "group-open-prompt", name=user.first_name, community=community.title)
    else:
        text = rt.texts.get(lang, "group-join-prompt", community=community.title)

    async def privately() -> Answer:
        admin = await admin_member(rt, context, community, user) if is_admin else None
        if admin is not None:
            return menu_view(rt, admin.language, community)
        return _answered_here(update, context, lang, community, joined=member is not None)

    await reply_in_group_once(update, context, text, keyboard, privately=privately)


@refusals
async def member_command_in_group(update: Update, context: Context) -> None:
    """A member's command (/task, /balance...) sent in the group: one short pointer to the private
    chat, with the button that fits this person."""
    rt = runtime(context)
    chat, user, message = update.effective_chat, update.effective_user, update.message
    if chat is None or user is None or message is None:
        return
    if message.sender_chat is not None:
        # Posted as the group (an anonymous admin) or as a channel: there is no person to join.
        lang = rt.language(user, None, context)
        if message.sender_chat.id == chat.id:
            await reply(update, context, rt.texts.get(lang, "start-anonymous"))
        return
    community = await ensure_community(rt, chat)
    member = await rt.run(directory.member_by_user, rt.uow(), community.id, user.id)
    lang = member.language if member is not None else rt.language(user, None, context)
    joined = member is not None
    await reply_in_group_once(
        update,
        context,
        rt.texts.get(lang, "group-private-only", name=user.first_name),
        person_keyboard(rt, lang, context.bot.username, community.id, joined=joined),
        privately=lambda: _same(_answered_here(update, context, lang, community, joined=joined)),
    )


def _answered_here(update: Update, context: Context, lang: str, community: Community, *, joined: bool) -> Answer:
    """The private answer to a second command within a minute in the group."""
    rt = runtime(context)
    url = deeplinks.start_url(context.bot.username, deeplinks.make_payload(rt.link_key, community.id))
    button = Button(rt.texts.label(lang, "button-continue" if joined else "button-join"), url=url)
    return said_in_group(update, context, lang, community.title), ((button,),)


async def _same(shown: Answer) -> Answer:
    return shown
