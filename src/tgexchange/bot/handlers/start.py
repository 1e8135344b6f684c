"""Joining a community from its deep link, switching between communities, help and language, in the
private chat (in groups, /start and /help are answered by group.exchange_command)."""

from __future__ import annotations

from telegram import Chat, ChatMember, Update

from tgexchange.bot import deeplinks, directory, keyboards, steps
from tgexchange.bot.commands import parse_id
from tgexchange.bot.keyboards import COMMUNITY, Button, Keyboard, callback, languages, parse_callback
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, edit, reply
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.bot.texts import SUPPORTED
from tgexchange.domain.community import Community
from tgexchange.domain.health import AdmissionClosed
from tgexchange.domain.member import Member
from tgexchange.services import community as community_service
from tgexchange.services import stats as stats_service
from tgexchange.services.joining import Joiner

_IN_GROUP = frozenset({ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED})


def join_keyboard(rt: Runtime, lang: str, bot_username: str, community_id: int) -> Keyboard:
    url = deeplinks.start_url(bot_username, deeplinks.make_payload(rt.link_key, community_id))
    return ((Button(rt.texts.label(lang, "button-join"), url=url),),)


async def next_steps(rt: Runtime, lang: str, member: Member) -> Keyboard:
    """What the member does next: link a channel first, until they have."""
    standing = await rt.run(stats_service.member_standing, rt.container.storage.member_reader, member_id=member.id)
    return steps.buttons(rt.texts, lang, *steps.first_steps(linked=bool(standing.linked)))


@refusals
async def start(update: Update, context: Context) -> None:
    rt = runtime(context)
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if context.args:
        await _join(update, context, context.args[0])
        return
    found = await rt.all_memberships(user.id)
    if not found:
        lang = rt.language(user, None, context)
        text = rt.texts.get(lang, "start-no-community", name=user.full_name)
        await reply(update, context, text, keyboards.add_to_group(rt.texts, lang, bot_username=context.bot.username))
        return
    membership = await rt.membership(user, context)
    assert membership is not None
    member, community = membership
    lang = member.language
    standing = await rt.run(stats_service.member_standing, rt.container.storage.member_reader, member_id=member.id)
    text = rt.texts.get(
        lang, "start-welcome-back", community=community.title, name=member.display_name, balance=standing.balance
    )
    keyboard = steps.buttons(rt.texts, lang, *steps.first_steps(linked=bool(standing.linked)))
    if len(found) > 1:
        text += "\n\n" + rt.texts.get(lang, "start-choose-community")
        keyboard = tuple(
            (Button(("✅ " if c.id == community.id else "") + c.title, callback_data=callback(COMMUNITY, c.id)),)
            for _, c in found
        )
    await reply(update, context, text, keyboard)


async def ensure_community(rt: Runtime, chat: Chat) -> Community:
    """The group's community; registered now if the bot missed being added (a lost update, or a
    database restored from before)."""
    community = await rt.run(directory.community_by_chat, rt.uow(), chat.id)
    if community is None or not community.bot_present:
        community = await rt.run(
            community_service.register_community,
            rt.uow(),
            telegram_chat_id=chat.id,
            title=chat.title or str(chat.id),
            now=rt.now(),
        )
    return community


async def _join(update: Update, context: Context, payload: str) -> None:
    rt = runtime(context)
    user = update.effective_user
    assert user is not None
    lang = rt.language(user, None, context)
    community_id = deeplinks.read_payload(rt.link_key, payload)
    community = None if community_id is None else await rt.community(community_id)
    if community is None:
        await reply(update, context, rt.texts.get(lang, "start-bad-link"))
        return
    if not community.bot_present:
        await reply(update, context, rt.texts.get(lang, "start-bot-gone"))
        return
    status = await rt.admins.status(context.bot, community.telegram_chat_id, user.id)
    if status is None:
        await reply(update, context, rt.texts.get(lang, "start-bot-gone"))
        return
    if status not in _IN_GROUP:
        await reply(update, context, rt.texts.get(lang, "start-not-in-group"))
        return
    joiner = Joiner(
        user.id,
        user.full_name,
        username=user.username,
        language=lang,
        is_admin=status in {ChatMember.ADMINISTRATOR, ChatMember.OWNER},
    )
    try:
        joined = await rt.joins.join(community.id, joiner)
    except AdmissionClosed as refused:  # the admission cap: when to come back, in their terms
        when = rt.texts.until(lang, refused.reopens_at, now=rt.now())
        text = rt.texts.get(lang, "admission-closed", community=community.title, when=when)
        await reply(update, context, text, steps.after(rt.texts, lang, "admission-closed"))
        return
    rt.memberships.forget(user.id)
    member, community = joined.member, joined.community
    if not joined.is_new:  # a newcomer's community is the one joined last: nothing to write
        await rt.choose(member)
    if context.user_data is not None:
        context.user_data["language"] = member.language
    lang = member.language
    if joined.is_new:
        text = rt.texts.get(
            lang,
            "start-welcome-new",
            community=community.title,
            name=member.display_name,
            credits=joined.welcome_credits,
        )
        await reply(update, context, text, steps.after(rt.texts, lang, "start-welcome-new"))
        return
    standing = await rt.run(stats_service.member_standing, rt.container.storage.member_reader, member_id=member.id)
    text = rt.texts.get(
        lang, "start-welcome-back", community=community.title, name=member.display_name, balance=standing.balance
    )
    await reply(update, context, text, steps.buttons(rt.texts, lang, *steps.first_steps(linked=bool(standing.linked))))


@refusals
async def switch_community(update: Update, context: Context) -> None:
    rt = runtime(context)
    user = update.effective_user
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    await answer(update)
    chosen = parse_id(parts[0]) if parts else None
    if user is None or chosen is None:
        return
    found = await rt.all_memberships(user.id)
    for member, community in found:
        if community.id == chosen:
            await rt.choose(member)
            if context.user_data is not None:
                context.user_data["language"] = member.language
            text = rt.texts.get(member.language, "start-switched", community=community.title)
            await edit(update, context, text, await next_steps(rt, member.language, member))
            return
    await edit(update, context, rt.texts.get(rt.language(user, None, context), "expired-button"))


@refusals
async def help_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    user = update.effective_user
    lang = rt.language(user, None, context)
    text = rt.texts.get(lang, "help")
    if user is not None and any(member.is_admin for member, _ in await rt.all_memberships(user.id)):
        text += "\n\n" + rt.texts.get(lang, "admin-help")  # the admins' commands, for admins only
    await reply(update, context, text, steps.buttons(rt.texts, lang, steps.Step.TASK, steps.Step.SUBMIT))


@refusals
async def language_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    lang = rt.language(update.effective_user, None, context)
    await reply(update, context, rt.texts.get(lang, "language-choose"), languages())


@refusals
async def choose_language(update: Update, context: Context) -> None:
    rt = runtime(context)
    user = update.effective_user
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    await answer(update)
    if user is None or not parts or parts[0] not in SUPPORTED:
        return
    lang = parts[0]
    if context.user_data is not None:
        context.user_data["language"] = lang
    for member, _ in await rt.all_memberships(user.id):
        await rt.run(community_service.set_language, rt.uow(), member_id=member.id, language=lang)
    rt.memberships.set_language(user.id, lang)
    await edit(update, context, rt.texts.get(lang, "language-set"), steps.after(rt.texts, lang, "language-set"))
