"""Admin commands: the kill switch, sanctions, and the settings, stats and audit views.

The group is shared with moderation bots (Rose, Combot, Group Help) whose commands are
``/ban``, ``/warn``, ``/settings``...: a bare ``/ban`` there is theirs, and would ban the person
from the whole group. So the exchange's commands are namespaced (``/exchange_ban``, COMMANDS), and
the old generic names (GENERIC) act only when addressed to this bot (``/ban@<bot>``) or in its
private chat; app.py routes them so.

Sanctions, a pause and a resume are answered where they were asked (in the group, for everyone
to see). Settings, stats and the audit are for the admin: in the group they get one line and a
button that opens them in private (menu.py), at most once a minute per person; a second ask
within the minute is answered in private when the admin started the bot, else with a reaction.

Telegram decides who is an admin: every admin action asks getChatMember (cached briefly) and the
answer is mirrored into the member's role, which the use cases check again. An admin posting
anonymously (as the group) is asked to tap a button, which tells the bot who they are.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from telegram import Chat, Message, Update, User

from tgexchange.bot import directory
from tgexchange.bot.admins import admin_member
from tgexchange.bot.commands import command_of, parse_id
from tgexchange.bot.handlers.menu import VIEWS, admin_url, pause, pointer, private_view, resume
from tgexchange.bot.handlers.start import ensure_community
from tgexchange.bot.keyboards import ADMIN_MENU, ANONYMOUS_ADMIN, Button, Keyboard, callback, parse_callback
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import Answer, answer, edit, reply, reply_in_group_once, said_in_group
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
from tgexchange.domain.penalty import PenaltyAction
from tgexchange.services import penalty as penalty_service

ACTIONS = ("settings", "pause", "resume", "warn", "penalize", "ban", "unban", "stats", "audit")
PREFIX = "exchange_"
COMMANDS = tuple(PREFIX + action for action in ACTIONS)  # act wherever they are sent
GENERIC = ACTIONS  # the same without the prefix: only as /ban@<bot> in groups, or in private
REASON_REQUIRED = frozenset({"warn", "penalize", "ban"})  # the member is told why
ANONYMOUS_ADMIN_BOT_ID = 1087968824  # "GroupAnonymousBot", the sender Telegram shows for them
PENDING_TTL_S = 300.0


@dataclass(frozen=True, slots=True)
class Request:
    action: str  # one of ACTIONS, or "menu" (/exchange)
    args: tuple[str, ...]
    target_user_id: int | None


def action_of(message: Message) -> str:
    """ "/exchange_ban@bot x" and "/ban@bot x" → "ban"."""
    return command_of(message).removeprefix(PREFIX)


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


@refusals
async def admin_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    chat, message = update.effective_chat, update.message
    if chat is None or message is None:
        return
    request = Request(action_of(message), tuple(context.args or ()), _target_of(message))
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
                await ask_anonymous_admin(update, context, request)
            return  # a channel posting in the group is nobody's admin
        user = message.from_user
        if user is None:
            return
    await as_admin(update, context, community, user, request)


async def as_admin(update: Update, context: Context, community: Community, user: User, request: Request) -> None:
    """Carries out the request if Telegram says the user is an admin of the community's group."""
    rt = runtime(context)
    in_group = update.effective_chat is not None and update.effective_chat.type != Chat.PRIVATE
    pressed = update.callback_query is not None  # an anonymous admin's "I'm the admin"
    member = await admin_member(rt, context, community, user)
    if member is None:
        lang = rt.language(user, None, context)
        refusal = rt.texts.get(lang, "admin-only")
        privately = said_in_group(update, context, lang, community.title) + "\n" + refusal
        await reply_in_group_once(update, context, refusal, None, privately=lambda: _same((privately, None)))
        return
    if request.action in VIEWS:
        letter = VIEWS[request.action]
        if not in_group:
            await reply(
                update, context, *await private_view(rt, context, user, member=member, community=community, view=letter)
            )
            return
        shown = pointer(
            rt,
            member.language,
            bot_username=context.bot.username,
            community=community,
            action=request.action,
            name=user.first_name,
        )
        if pressed:
            await edit(update, context, *shown)
        else:
            await reply_in_group_once(
                update,
                context,
                *shown,
                privately=lambda: private_view(rt, context, user, member=member, community=community, view=letter),
            )
        return
    text, keyboard = await _act(rt, context, community, member, request, in_group=in_group)
    if pressed:
        await edit(update, context, text, keyboard)
    else:
        await reply(update, context, text, keyboard)


async def _act(
    rt: Runtime, context: Context, community: Community, member: Member, request: Request, *, in_group: bool
) -> Answer:
    """Pause, resume or a sanction; the answer, which ends with the admin menu's button once done."""
    reason = " ".join(request.args).strip()
    if request.action == "pause":
        if not reason:
            return rt.texts.get(member.language, "pause-usage"), None
        text, _ = await pause(rt, community, member, reason, in_group=in_group)
    elif request.action == "resume":
        text, _ = await resume(rt, community, member, reason, in_group=in_group)
    else:
        text, done = await _sanction(rt, community, member, request, in_group=in_group)
        if not done:
            return text, None
    return text, _to_menu(rt, context, community, member, in_group=in_group, paused=request.action == "pause")


def _to_menu(
    rt: Runtime, context: Context, community: Community, member: Member, *, in_group: bool, paused: bool
) -> Keyboard:
    """In the group, a button that opens the admin menu in private; in private, the menu itself
    (and [Resume] after a pause)."""
    lang = member.language
    label = rt.texts.label(lang, "button-admin-menu")
    if in_group:
        return ((Button(label, url=admin_url(rt, context.bot.username, community.id, VIEWS["menu"])),),)
    row = [Button(label, callback_data=callback(ADMIN_MENU, community.id))]
    if paused:
        row.insert(
            0, Button(rt.texts.label(lang, "button-resume"), callback_data=callback(ADMIN_MENU, community.id, "r"))
        )
    return (tuple(row),)


async def _sanction(
    rt: Runtime, community: Community, member: Member, request: Request, *, in_group: bool
) -> tuple[str, bool]:
    """(the answer, whether the sanction was applied)."""
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
        return rt.texts.get(lang, "sanction-usage", command=request.action), False
    if target is None:
        return rt.texts.get(lang, "sanction-unknown-target"), False
    # "#12" names a task as evidence; the rest is the reason the member reads.
    evidence = [task_id for word in args if word.startswith("#") and (task_id := parse_id(word[1:])) is not None]
    reason = " ".join(word for word in args if not (word.startswith("#") and parse_id(word[1:]) is not None)).strip()
    if not reason and request.action in REASON_REQUIRED:
        return rt.texts.get(lang, "sanction-needs-reason", name=target.display_name, command=request.action), False
    uow = rt.uow()
    said = (community.settings.group_language or lang) if in_group else lang  # in the group, everyone reads it
    if request.action == "penalize":
        changed, step = await rt.run(
            penalty_service.penalize,
            uow,
            actor_member_id=member.id,
            target_member_id=target.id,
            reason=reason,
            now=rt.now(),
            task_ids=evidence,
        )
        await rt.deliver(uow, actor_member_id=member.id)
        hours = community.settings.penalty_cooldown_hours
        return rt.texts.get(
            said, "penalized", kind=step.value, name=changed.display_name, reason=reason, hours=hours
        ), True
    changed = await rt.run(
        penalty_service.apply_penalty,
        uow,
        action=PenaltyAction(request.action),
        actor_member_id=member.id,
        target_member_id=target.id,
        reason=reason,
        now=rt.now(),
        task_ids=evidence,
    )
    await rt.deliver(uow, actor_member_id=member.id)  # the member is told, with the reason
    key = {"warn": "warned", "ban": "banned", "unban": "unbanned"}[request.action]
    return rt.texts.get(said, key, name=changed.display_name, warnings=changed.warnings, reason=reason), True


async def _same(shown: Answer) -> Answer:
    return shown


async def ask_anonymous_admin(update: Update, context: Context, request: Request) -> None:
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
    await as_admin(update, context, community, user, found[0])
