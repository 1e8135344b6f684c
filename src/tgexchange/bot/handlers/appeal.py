"""Appeals in the bot: ``/exchange_appeal`` (a member, in private: once per penalty, with a text),
``/exchange_appeals`` (an admin, in private: the queue), and the [Lift]/[Keep] buttons under each
appeal, which decide it and tell the member in their language. Namespaced: moderation bots in
the group never react to them."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import directory, fair_play, steps
from tgexchange.bot.admin_gate import admin_of_button, admin_of_command
from tgexchange.bot.admins import admin_member
from tgexchange.bot.commands import parse_id
from tgexchange.bot.keyboards import ADMIN_MENU, Button, Keyboard, callback, parse_callback
from tgexchange.bot.membership import require_membership
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, edit, reply
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.domain.community import Community
from tgexchange.domain.penalty import AppealAlreadyDecided, AppealNotFound
from tgexchange.services import appeal as appeal_service

APPEAL_COMMAND = "exchange_appeal"
QUEUE_COMMAND = "exchange_appeals"


@refusals
async def appeal_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, community = membership
    lang = member.language
    args = list(context.args or [])
    penalty_id = parse_id(args[0].lstrip("#")) if args else None
    if penalty_id is not None:
        args.pop(0)
    text = " ".join(args).strip()
    if not text:
        await reply(update, context, rt.texts.get(lang, "appeal-usage"), steps.after(rt.texts, lang, "appeal-usage"))
        return
    uow = rt.uow()
    _, penalty = await rt.run(
        appeal_service.file_appeal, uow, member_id=member.id, text=text, now=rt.now(), penalty_id=penalty_id
    )
    await rt.deliver(uow, actor_member_id=member.id)  # the admins are told, with the buttons to decide
    said = rt.texts.get(
        lang,
        "appeal-filed",
        kind=fair_play.kind_label(rt.texts, lang, penalty.kind.value),
        penalty=penalty.id or 0,
        community=community.title,
    )
    await reply(update, context, said, steps.after(rt.texts, lang, "appeal-filed"))


def _menu(rt: Runtime, lang: str, community: Community) -> Keyboard:
    return ((Button(rt.texts.label(lang, "button-admin-menu"), callback_data=callback(ADMIN_MENU, community.id)),),)


@refusals
async def appeals_command(update: Update, context: Context) -> None:
    """The admin's queue, in private (in the group it would show members' appeals to everyone)."""
    found = await admin_of_command(update, context)
    if found is None:
        return
    admin, community = found
    await reply(update, context, *await _queue(runtime(context), admin.id, admin.language, community))


async def _queue(rt: Runtime, admin_id: int, lang: str, community: Community) -> tuple[str, Keyboard]:
    views = await rt.run(appeal_service.admin_queue, rt.uow(), actor_member_id=admin_id)
    return fair_play.queue_view(rt.texts, lang, community.title, views, _menu(rt, lang, community))


@refusals
async def decide_button(update: Update, context: Context) -> None:
    """[Lift #n] / [Keep #n]: Telegram is asked again whether the presser is an admin of the
    appeal's community; the decision is told to the member, and the admin sees the queue again."""
    rt = runtime(context)
    user = update.effective_user
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    appeal_id = parse_id(parts[0]) if parts else None
    if user is None or appeal_id is None or len(parts) < 2 or parts[1] not in {fair_play.UPHOLD, fair_play.REJECT}:
        await answer(update, rt.texts.label(rt.language(user, None, context), "expired-button"))
        return
    view = await rt.run(appeal_service.find_appeal_view, rt.uow(), appeal_id=appeal_id)
    community = await rt.run(directory.community, rt.uow(), view.appeal.community_id)
    if community is None:
        raise AppealNotFound(appeal_id)
    admin = await admin_member(rt, context, community, user)
    if admin is None:
        await answer(update, rt.texts.label(rt.language(user, None, context), "admin-only"), alert=True)
        return
    upheld = parts[1] == fair_play.UPHOLD
    uow = rt.uow()
    lang = admin.language
    try:
        await rt.run(
            appeal_service.decide_appeal,
            uow,
            appeal_id=appeal_id,
            upheld=upheld,
            now=rt.now(),
            actor_member_id=admin.id,
        )
    except AppealAlreadyDecided as error:  # another admin (or this one, on an older message) was first
        await answer(update)
        text, keyboard = await _queue(rt, admin.id, lang, community)
        await edit(update, context, f"{rt.texts.error(lang, error)}\n\n{text}", keyboard)
        return
    await rt.deliver(uow, actor_member_id=admin.id)  # the member is told, in their language
    rt.memberships.clear()  # a lifted ban changes what the member may do
    await answer(update)
    done = rt.texts.get(
        lang,
        "appeal-decided-admin",
        appeal=appeal_id,
        name=view.member_name,
        kind=fair_play.kind_label(rt.texts, lang, view.penalty.kind.value),
        upheld=upheld,
    )
    text, keyboard = await _queue(rt, admin.id, lang, community)
    await edit(update, context, f"{done}\n\n{text}", keyboard)


@refusals
async def queue_button(update: Update, context: Context) -> None:
    """[📨 Appeals] in the admin menu: the queue, once Telegram confirms the presser is an admin."""
    found = await admin_of_button(update, context)
    if found is None:
        return
    admin, community = found
    await answer(update)
    await edit(update, context, *await _queue(runtime(context), admin.id, admin.language, community))
