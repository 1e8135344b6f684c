"""The admin menu, in the admin's private chat: the exchange's state, [Settings], [Stats],
[Audit], [Dashboard], [Pause] or [Resume], [📨 Appeals], [🕸 Rings] and [✖ Close]; each view has [⬅ Back] and [✖ Close].

Admins reach it from the group by a button (a deep link ``t.me/<bot>?start=<view><id>-<mac>``,
``deeplinks.make_admin_payload``), which also starts the bot for an admin who never wrote to it.
The link is not a credential: opening it, and every press in the menu, asks Telegram again
(getChatMember, cached briefly) whether the person is still an admin of that group.

Callback data: ``am:<community>[:<view>[:<arg>]]`` with the view ``t`` (stats), ``a`` (audit, from
an offset), ``d`` (a dashboard login link, sent as a new message), ``p`` (how to pause), ``r``
(resume), ``x`` (close). The settings have their own (settings.py).
"""

from __future__ import annotations

import structlog
from telegram import Chat, Message, Update, User
from telegram.error import TelegramError

from tgexchange.bot import deeplinks, directory, rings
from tgexchange.bot.admins import admin_member
from tgexchange.bot.audit import line
from tgexchange.bot.commands import parse_id
from tgexchange.bot.fair_play import APPEAL_QUEUE
from tgexchange.bot.handlers.dashboard import login_link
from tgexchange.bot.handlers.settings import settings_main
from tgexchange.bot.handlers.start import start as start_command
from tgexchange.bot.keyboards import (
    ADMIN_MENU,
    CLOSE,
    SETTINGS,
    Button,
    Keyboard,
    back_and_close,
    callback,
    parse_callback,
)
from tgexchange.bot.notifications import Outgoing
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import Answer, answer, edit, reply
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.bot.texts import plain, short
from tgexchange.domain.community import Community
from tgexchange.domain.errors import DomainError
from tgexchange.domain.member import Member
from tgexchange.services import community as community_service

log = structlog.get_logger("tgexchange.bot")

# What an admin command shows in private, and the letter its deep link carries.
VIEWS = {"menu": "m", "settings": "s", "stats": "t", "audit": "a"}
STATS, AUDIT, DASHBOARD, PAUSE, RESUME = "t", "a", "d", "p", "r"
AUDIT_PAGE = 5  # entries per page: a glance on a phone, and [More]
AUDIT_DEPTH = 100  # how far back [More] goes; the dashboard's export has the rest
REASON = 60  # characters of a pause reason on the menu


def admin_url(rt: Runtime, bot_username: str, community_id: int, view: str) -> str:
    """The deep link that opens ``view`` (a letter of deeplinks.ADMIN_VIEWS) in private."""
    return deeplinks.start_url(bot_username, deeplinks.make_admin_payload(rt.link_key, community_id, view))


def pointer(rt: Runtime, lang: str, *, bot_username: str, community: Community, action: str, name: str) -> Answer:
    """What the group sees when an admin asks for a private view there: one line, one button."""
    url = admin_url(rt, bot_username, community.id, VIEWS[action])
    button = Button(rt.texts.label(lang, f"button-open-{action}"), url=url)
    return rt.texts.get(lang, f"pointer-{action}", name=name), ((button,),)


def menu_view(rt: Runtime, lang: str, community: Community) -> Answer:
    cid = community.id
    switch = (
        Button(rt.texts.label(lang, "button-resume"), callback_data=callback(ADMIN_MENU, cid, RESUME))
        if community.is_paused
        else Button(rt.texts.label(lang, "button-pause"), callback_data=callback(ADMIN_MENU, cid, PAUSE))
    )
    keyboard: Keyboard = (
        (
            Button(rt.texts.label(lang, "button-settings"), callback_data=callback(SETTINGS, cid)),
            Button(rt.texts.label(lang, "button-stats"), callback_data=callback(ADMIN_MENU, cid, STATS)),
        ),
        (
            Button(rt.texts.label(lang, "button-audit"), callback_data=callback(ADMIN_MENU, cid, AUDIT, 0)),
            Button(rt.texts.label(lang, "button-dashboard"), callback_data=callback(ADMIN_MENU, cid, DASHBOARD)),
        ),
        (switch, Button(rt.texts.label(lang, "button-appeals"), callback_data=callback(APPEAL_QUEUE, cid))),
        (
            rings.list_button(rt.texts, lang, cid),
            Button(rt.texts.label(lang, "button-close-menu"), callback_data=callback(ADMIN_MENU, cid, CLOSE)),
        ),
    )
    text = rt.texts.get(
        lang,
        "menu",
        community=community.title,
        paused=community.is_paused,
        reason=short(community.pause_reason or "", REASON),
    )
    return text, keyboard


async def stats_view(rt: Runtime, lang: str, community: Community) -> Answer:
    counted = await rt.run(directory.community_stats, rt.uow(), community.id)
    text = rt.texts.get(
        lang,
        "stats",
        community=community.title,
        paused=community.is_paused,
        members=counted.members,
        verified=counted.verified,
        open=counted.open_tasks,
    )
    cid = community.id
    keyboard = (
        (
            Button(rt.texts.label(lang, "button-dashboard"), callback_data=callback(ADMIN_MENU, cid, DASHBOARD)),
            Button(rt.texts.label(lang, "button-settings"), callback_data=callback(SETTINGS, cid)),
        ),
        back_and_close(rt.texts, lang, back=callback(ADMIN_MENU, cid), community_id=cid),
    )
    return text, keyboard


async def audit_view(rt: Runtime, lang: str, community: Community, member: Member, offset: int = 0) -> Answer:
    """``AUDIT_PAGE`` entries from ``offset`` (newest first), in sentences, with [More] when there
    are older ones."""
    offset = max(0, min(offset, AUDIT_DEPTH - AUDIT_PAGE))
    found = await rt.run(
        community_service.recent_audit, rt.uow(), actor_member_id=member.id, limit=offset + AUDIT_PAGE + 1
    )
    entries, more = found[offset : offset + AUDIT_PAGE], len(found) > offset + AUDIT_PAGE
    cid = community.id
    nav = back_and_close(rt.texts, lang, back=callback(ADMIN_MENU, cid), community_id=cid)
    if not entries:
        return rt.texts.get(lang, "audit-empty", community=community.title), (nav,)
    ids = {i for e in entries for i in (e.actor_member_id, e.target_member_id) if i is not None}
    names = await rt.run(directory.names, rt.uow(), ids)
    now = rt.now()
    lines = [rt.texts.get(lang, "audit-title", community=community.title, older=offset > 0)]
    for entry in entries:
        actor = names.get(entry.actor_member_id) if entry.actor_member_id else None
        target = names.get(entry.target_member_id) if entry.target_member_id else None
        lines.append(line(rt.texts, lang, entry, actor=actor, target=target, now=now))
    rows: list[tuple[Button, ...]] = []
    if more and offset + AUDIT_PAGE < AUDIT_DEPTH:
        next_page = callback(ADMIN_MENU, cid, AUDIT, offset + AUDIT_PAGE)
        rows.append((Button(rt.texts.label(lang, "button-more"), callback_data=next_page),))
    rows.append(nav)
    return "\n".join(lines), tuple(rows)


async def private_view(
    rt: Runtime, context: Context, user: User, *, member: Member, community: Community, view: str
) -> Answer:
    """A view by its letter (deeplinks.ADMIN_VIEWS) for ``user``, verified as the admin ``member``."""
    lang = member.language
    if view == "s":
        return settings_main(rt, lang, community)
    if view == STATS:
        return await stats_view(rt, lang, community)
    if view == AUDIT:
        return await audit_view(rt, lang, community, member)
    if view == DASHBOARD:
        return await login_link(rt, context, user)
    return menu_view(rt, lang, community)


async def pause(rt: Runtime, community: Community, member: Member, reason: str, *, in_group: bool) -> Answer:
    """Pauses the exchange. From the private chat the group is told too (in the group itself the
    answer says it); the answer gives the reason and what was called off."""
    uow = rt.uow()
    cancelled = await rt.run(
        community_service.pause_community,
        uow,
        community_id=community.id,
        actor_member_id=member.id,
        reason=reason,
        now=rt.now(),
        actor_label=member.display_name,
    )
    await rt.deliver(uow, actor_member_id=member.id)
    group_lang = community.settings.group_language or member.language
    if not in_group:
        await rt.send(Outgoing(community.telegram_chat_id, rt.texts.get(group_lang, "group-paused", reason=reason)))
    lang = group_lang if in_group else member.language  # in the group, everyone reads it
    return rt.texts.get(lang, "paused", reason=reason, cancelled=len(cancelled)), None


async def resume(rt: Runtime, community: Community, member: Member, reason: str, *, in_group: bool) -> Answer:
    """Raises CommunityNotPaused."""
    await rt.run(
        community_service.resume_community,
        rt.uow(),
        community_id=community.id,
        actor_member_id=member.id,
        now=rt.now(),
        reason=reason,
        actor_label=member.display_name,
    )
    group_lang = community.settings.group_language or member.language
    if not in_group:
        await rt.send(Outgoing(community.telegram_chat_id, rt.texts.get(group_lang, "group-resumed")))
    return rt.texts.get(group_lang if in_group else member.language, "resumed"), None


async def _admin_of(
    update: Update, context: Context, community_id: int | None
) -> tuple[User, Member, Community] | None:
    """The presser as a verified admin of the community, or None after telling them why not."""
    rt = runtime(context)
    user = update.effective_user
    lang = rt.language(user, None, context)
    community = None if community_id is None else await rt.run(directory.community, rt.uow(), community_id)
    if user is None or community is None:
        await answer(update, rt.texts.label(lang, "expired-button"))
        return None
    member = await admin_member(rt, context, community, user)
    if member is None:
        await answer(update, rt.texts.label(lang, "admin-only"), alert=True)
        return None
    await rt.choose(member)  # commands typed next act in this community, whichever process takes them
    if context.user_data is not None:
        context.user_data["language"] = member.language
    return user, member, community


@refusals
async def open_from_link(update: Update, context: Context) -> None:
    """``/start <admin payload>`` in private: the view the group's button promised."""
    rt = runtime(context)
    user = update.effective_user
    if user is None or not context.args:
        return
    lang = rt.language(user, None, context)
    found = deeplinks.read_admin_payload(rt.link_key, context.args[0])
    community = None if found is None else await rt.run(directory.community, rt.uow(), found[1])
    if found is None or community is None:
        await reply(update, context, rt.texts.get(lang, "start-bad-link"))
        return
    if not community.bot_present:
        await reply(update, context, rt.texts.get(lang, "start-bot-gone"))
        return
    member = await admin_member(rt, context, community, user)
    if member is None:  # a member who tapped an admin's button, or a demoted admin: their way in
        joined = await rt.run(directory.member_by_user, rt.uow(), community.id, user.id) is not None
        url = deeplinks.start_url(context.bot.username, deeplinks.make_payload(rt.link_key, community.id))
        button = Button(rt.texts.label(lang, "button-continue" if joined else "button-join"), url=url)
        await reply(update, context, rt.texts.get(lang, "admin-only-menu", community=community.title), ((button,),))
        return
    rt.memberships.forget(user.id)  # the admin may have joined just now
    await rt.choose(member)
    if context.user_data is not None:
        context.user_data["language"] = member.language
    await reply(
        update, context, *await private_view(rt, context, user, member=member, community=community, view=found[0])
    )


@refusals
async def menu_button(update: Update, context: Context) -> None:
    rt = runtime(context)
    chat = update.effective_chat
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    found = await _admin_of(update, context, parse_id(parts[0]) if parts else None)
    if found is None:
        return
    user, member, community = found
    lang = member.language
    view, args = (parts[1], parts[2:]) if len(parts) > 1 else ("", [])
    if chat is None or chat.type != Chat.PRIVATE:  # admin menus live in private chats only
        await answer(update)
        return
    if view == CLOSE:
        await answer(update)
        await _close(update, context, lang)
        return
    if view == DASHBOARD:  # a credential, in a message of its own that the menu does not replace
        await answer(update)
        await reply(update, context, *await login_link(rt, context, user))
        return
    if view == RESUME:
        try:
            await resume(rt, community, member, "", in_group=False)
        except DomainError as error:
            await answer(update, plain(rt.texts.error(lang, error)), alert=True)
        else:
            await answer(update, plain(rt.texts.get(lang, "resumed")))
        fresh = await rt.run(directory.community, rt.uow(), community.id)
        await edit(update, context, *menu_view(rt, lang, fresh or community))
        return
    await answer(update)
    if view == STATS:
        shown = await stats_view(rt, lang, community)
    elif view == AUDIT:
        shown = await audit_view(rt, lang, community, member, parse_id(args[0]) or 0 if args else 0)
    elif view == PAUSE:
        back = back_and_close(rt.texts, lang, back=callback(ADMIN_MENU, community.id), community_id=community.id)
        shown = rt.texts.get(lang, "menu-pause-how"), (back,)
    else:
        shown = menu_view(rt, lang, community)
    await edit(update, context, *shown)


async def _close(update: Update, context: Context, lang: str) -> None:
    """Deletes the menu; a message too old to delete (48 hours) is emptied instead."""
    query = update.callback_query
    message = query.message if query is not None else None
    if not isinstance(message, Message):
        return
    try:
        await message.delete()
    except TelegramError as error:
        log.info("menu_not_deleted", error=str(error))
        await edit(update, context, runtime(context).texts.get(lang, "menu-closed"))


@refusals
async def exchange_in_private(update: Update, context: Context) -> None:
    """/exchange in private: the admin menu of the community the admin acts in; for a member,
    the same as /start."""
    rt = runtime(context)
    user = update.effective_user
    membership = await rt.membership(user, context) if user is not None else None
    admin = None if user is None or membership is None else await admin_member(rt, context, membership[1], user)
    if admin is None or membership is None:
        await start_command(update, context)
        return
    fresh = await rt.run(directory.community, rt.uow(), membership[1].id)
    await reply(update, context, *menu_view(rt, admin.language, fresh or membership[1]))
