"""Admin commands in the group: the kill switch, penalties, stats and the audit trail (the
settings menu is in settings.py).

Telegram decides who is an admin: every admin action asks getChatMember (cached briefly) and the
answer is mirrored into the member's role, which the use cases check again. An admin posting
anonymously (as the group) is asked to tap a button, which tells the bot who they are.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Chat, Message, Update, User

from tgexchange.bot import directory
from tgexchange.bot.admins import admin_member
from tgexchange.bot.commands import command_of, parse_id
from tgexchange.bot.flood import may_answer_in_group
from tgexchange.bot.handlers.settings import settings_menu
from tgexchange.bot.handlers.start import ensure_community
from tgexchange.bot.keyboards import ANONYMOUS_ADMIN, Button, Keyboard, callback, parse_callback
from tgexchange.bot.notifications import Outgoing
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, edit, reply
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.bot.texts import short
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
from tgexchange.domain.penalty import PenaltyAction
from tgexchange.services import community as community_service
from tgexchange.services import penalty as penalty_service
from tgexchange.services import stats as stats_service

COMMANDS = ("settings", "pause", "resume", "warn", "ban", "unban", "stats", "audit")
ANONYMOUS_ADMIN_BOT_ID = 1087968824  # "GroupAnonymousBot", the sender Telegram shows for them
PENDING_TTL_S = 300.0
AUDIT_SIZE = 15
AUDIT_NAME = 40
AUDIT_DETAIL = 120
MAX_MESSAGE = 4000  # Telegram's limit is 4096 characters after entities are parsed


@dataclass(frozen=True, slots=True)
class Request:
    command: str
    args: tuple[str, ...]
    target_user_id: int | None


def _target_of(message: Message) -> int | None:
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.sender_chat is not None:
        return None
    if replied.forum_topic_created is not None or (
        message.is_topic_message and replied.message_id == message.message_thread_id
    ):
        # In a forum topic every message "replies" to the topic's first message: that is where
        # it was posted, not whom it is about (its sender merely opened the topic).
        return None
    return replied.from_user.id


async def _settings(rt: Runtime, lang: str, community: Community) -> Reply:
    return settings_menu(rt, lang, community)


@refusals
async def admin_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    chat, message = update.effective_chat, update.message
    if chat is None or message is None:
        return
    request = Request(command_of(message), tuple(context.args or ()), _target_of(message))
    if chat.type == Chat.PRIVATE:
        user = update.effective_user
        membership = await rt.membership(user, context) if user else None
        if user is None or membership is None:
            await reply(update, context, rt.texts.get(rt.language(user, None, context), "admin-group-only"))
            return
        community = membership[1]
    else:
        community = await ensure_community(rt, chat)
        if message.sender_chat is not None:
            if message.sender_chat.id == chat.id:
                await _ask_anonymous_admin(update, context, request)
            return  # a channel posting in the group is nobody's admin
        user = message.from_user
        if user is None:
            return
    await _as_admin(update, context, community, user, request)


async def _as_admin(update: Update, context: Context, community: Community, user: User, request: Request) -> None:
    rt = runtime(context)
    member = await admin_member(rt, context, community, user)
    if member is None:
        in_group = update.effective_chat is not None and update.effective_chat.type != Chat.PRIVATE
        if not in_group or may_answer_in_group(context.chat_data, user.id):  # never a flood of refusals
            await reply(update, context, rt.texts.get(rt.language(user, None, context), "admin-only"))
        return
    text, keyboard = await run_admin(update, context, community, member, request)
    if update.callback_query is not None:
        await edit(update, context, text, keyboard)
    else:
        await reply(update, context, text, keyboard)


Reply = tuple[str, Keyboard | None]


async def run_admin(update: Update, context: Context, community: Community, member: Member, request: Request) -> Reply:
    """Carries out the request for a verified admin; the text (and buttons) to answer with."""
    rt = runtime(context)
    in_group = update.effective_chat is not None and update.effective_chat.type != Chat.PRIVATE
    actions: dict[str, Callable[[], Coroutine[Any, Any, Reply]]] = {
        "settings": lambda: _settings(rt, member.language, community),
        "pause": lambda: _pause(rt, community, member, request, in_group=in_group),
        "resume": lambda: _resume(rt, community, member, request, in_group=in_group),
        "warn": lambda: _sanction(rt, community, member, request),
        "ban": lambda: _sanction(rt, community, member, request),
        "unban": lambda: _sanction(rt, community, member, request),
        "stats": lambda: _stats(rt, member.language, community),
    }
    action = actions.get(request.command)
    return await (action() if action else _audit(rt, member.language, member))


async def _pause(rt: Runtime, community: Community, member: Member, request: Request, *, in_group: bool) -> Reply:
    lang = member.language
    reason = " ".join(request.args).strip()
    if not reason:
        return rt.texts.get(lang, "pause-usage"), None
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
    if not in_group:  # the group hears it too; in the group itself the answer already says it
        group_lang = community.settings.group_language or lang
        await rt.send(Outgoing(community.telegram_chat_id, rt.texts.get(group_lang, "group-paused", reason=reason)))
    return rt.texts.get(lang, "paused", cancelled=len(cancelled)), None


async def _resume(rt: Runtime, community: Community, member: Member, request: Request, *, in_group: bool) -> Reply:
    lang = member.language
    await rt.run(
        community_service.resume_community,
        rt.uow(),
        community_id=community.id,
        actor_member_id=member.id,
        now=rt.now(),
        reason=" ".join(request.args),
        actor_label=member.display_name,
    )
    if not in_group:
        group_lang = community.settings.group_language or lang
        await rt.send(Outgoing(community.telegram_chat_id, rt.texts.get(group_lang, "group-resumed")))
    return rt.texts.get(lang, "resumed"), None


async def _sanction(rt: Runtime, community: Community, member: Member, request: Request) -> Reply:
    lang = member.language
    args = list(request.args)
    target: Member | None = None
    if request.target_user_id is not None:
        target = await rt.run(directory.member_by_user, rt.uow(), community.id, request.target_user_id)
    elif args and args[0].startswith("@") and len(args[0]) > 1:
        target = await rt.run(directory.member_by_username, rt.uow(), community.id, args.pop(0))
    elif args and (user_id := parse_id(args[0])) is not None:
        args.pop(0)
        target = await rt.run(directory.member_by_user, rt.uow(), community.id, user_id)
    else:
        return rt.texts.get(lang, "sanction-usage", command=request.command), None
    if target is None:
        return rt.texts.get(lang, "sanction-unknown-target"), None
    uow = rt.uow()
    changed = await rt.run(
        penalty_service.apply_penalty,
        uow,
        action=PenaltyAction(request.command),
        actor_member_id=member.id,
        target_member_id=target.id,
        reason=" ".join(args),
        now=rt.now(),
    )
    await rt.deliver(uow, actor_member_id=member.id)
    key = {"warn": "warned", "ban": "banned", "unban": "unbanned"}[request.command]
    return rt.texts.get(lang, key, name=changed.display_name, warnings=changed.warnings), None


async def _stats(rt: Runtime, lang: str, community: Community) -> Reply:
    counted = await rt.run(directory.community_stats, rt.uow(), community.id)
    balanced = await rt.run(stats_service.is_ledger_balanced, rt.uow(), community_id=community.id)
    fresh = await rt.run(directory.community, rt.uow(), community.id)
    text = rt.texts.get(
        lang,
        "stats",
        community=community.title,
        paused=bool(fresh and fresh.is_paused),
        members=counted.members,
        verified=counted.verified,
        open=counted.open_tasks,
        balanced=balanced,
    )
    return text, None


async def _audit(rt: Runtime, lang: str, member: Member) -> Reply:
    entries = await rt.run(community_service.recent_audit, rt.uow(), actor_member_id=member.id, limit=AUDIT_SIZE)
    if not entries:
        return rt.texts.get(lang, "audit-empty"), None
    ids = {i for e in entries for i in (e.actor_member_id, e.target_member_id) if i is not None}
    names = await rt.run(directory.names, rt.uow(), ids)
    lines = [rt.texts.get(lang, "audit-title")]
    for entry in entries:
        actor = names.get(entry.actor_member_id or 0) or entry.actor_label or rt.texts.label(lang, "audit-anonymous")
        target = f" → {short(names.get(entry.target_member_id, '?'), AUDIT_NAME)}" if entry.target_member_id else ""
        detail = f" — {short(entry.detail, AUDIT_DETAIL)}" if entry.detail else ""
        line = rt.texts.get(
            lang,
            "audit-item",
            when=rt.texts.when(lang, entry.at),
            actor=short(actor, AUDIT_NAME),
            action=rt.texts.label(lang, f"audit-action-{entry.action.value}"),
            target=target,
            detail=detail,
        )
        if sum(len(x) + 1 for x in lines) + len(line) > MAX_MESSAGE:
            break  # Telegram refuses longer messages; the newest entries come first
        lines.append(line)
    return "\n".join(lines), None


async def _ask_anonymous_admin(update: Update, context: Context, request: Request) -> None:
    rt = runtime(context)
    pending = context.chat_data.setdefault("anonymous_admin", {}) if context.chat_data is not None else {}
    now = time.monotonic()
    for nonce in [n for n, (_, at) in pending.items() if now - at > PENDING_TTL_S]:
        del pending[nonce]
    nonce = secrets.token_urlsafe(6)
    pending[nonce] = (request, now)
    lang = rt.language(None, None, context)
    button = Button(rt.texts.label(lang, "button-i-am-admin"), callback_data=callback(ANONYMOUS_ADMIN, nonce))
    await reply(update, context, rt.texts.get(lang, "admin-anonymous"), ((button,),))


@refusals
async def anonymous_admin_button(update: Update, context: Context) -> None:
    rt = runtime(context)
    user, chat = update.effective_user, update.effective_chat
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    pending = context.chat_data.get("anonymous_admin", {}) if context.chat_data is not None else {}
    found = pending.get(parts[0]) if parts else None
    if user is None or chat is None or found is None or time.monotonic() - found[1] > PENDING_TTL_S:
        await answer(update)
        await edit(update, context, rt.texts.get(rt.language(user, None, context), "admin-anonymous-expired"))
        return
    community = await ensure_community(rt, chat)
    if not await rt.admins.is_admin(context.bot, chat.id, user.id):  # None (not asked): not yet
        # Anyone in the group can tap; only an admin's tap counts, and the request stays open.
        await answer(update, rt.texts.label(rt.language(user, None, context), "admin-only"), alert=True)
        return
    del pending[parts[0]]
    await answer(update)
    await _as_admin(update, context, community, user, found[0])
