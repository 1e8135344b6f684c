"""Rings in the bot, for admins: ``/exchange_rings`` (in private: the groups flagged as mostly
serving each other, with the evidence), [🕸 Rings] in the admin menu and under the notice of a
run, and the [Clear #n]/[Confirm #n] buttons under each group. In the group the command is not
answered (registered for private chats only), as /exchange_appeals: the list names members.
Namespaced: moderation bots in the group never react to it."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import directory, rings
from tgexchange.bot.admin_gate import admin_of_button, admin_of_command
from tgexchange.bot.admins import admin_member
from tgexchange.bot.commands import parse_id
from tgexchange.bot.keyboards import Keyboard, parse_callback
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, edit, reply
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.domain.community import Community
from tgexchange.domain.ring import Ring, RingAlreadyDecided, RingNotFound
from tgexchange.services import ring as ring_service

RINGS_COMMAND = "exchange_rings"


async def _listing(rt: Runtime, admin_id: int, lang: str, community: Community) -> tuple[str, Keyboard]:
    store = rt.container.storage.rings
    found = await rt.run(ring_service.rings_for_admin, rt.uow(), store, actor_member_id=admin_id)
    names = await rt.run(directory.names, rt.uow(), {m for ring in found for m in ring.member_ids})
    return rings.list_view(
        rt.texts, lang, community_id=community.id, community_title=community.title, rings=found, names=names
    )


@refusals
async def rings_command(update: Update, context: Context) -> None:
    """The admin's list, in private, once Telegram confirms they are an admin."""
    found = await admin_of_command(update, context)
    if found is None:
        return
    admin, community = found
    await reply(update, context, *await _listing(runtime(context), admin.id, admin.language, community))


@refusals
async def list_button(update: Update, context: Context) -> None:
    """[🕸 Rings] in the admin menu or under the notice: the list, once Telegram confirms the
    presser is an admin of that community."""
    found = await admin_of_button(update, context)
    if found is None:
        return
    admin, community = found
    await answer(update)
    await edit(update, context, *await _listing(runtime(context), admin.id, admin.language, community))


@refusals
async def decide_button(update: Update, context: Context) -> None:
    """[Clear #n] / [Confirm #n]: Telegram is asked again whether the presser is an admin of the
    group's community; the admin sees what was done and the list again."""
    rt = runtime(context)
    user = update.effective_user
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    ring_id = parse_id(parts[0]) if parts else None
    if user is None or ring_id is None or len(parts) < 2 or parts[1] not in rings.VERDICTS:
        await answer(update, rt.texts.label(rt.language(user, None, context), "expired-button"))
        return
    store = rt.container.storage.rings
    ring = await rt.run(ring_service.get_ring, store, ring_id)
    community = await rt.run(directory.community, rt.uow(), ring.community_id)
    if community is None:
        raise RingNotFound(ring_id)
    admin = await admin_member(rt, context, community, user)
    if admin is None:
        await answer(update, rt.texts.label(rt.language(user, None, context), "admin-only"), alert=True)
        return
    lang = admin.language
    try:
        decided: Ring = await rt.run(
            ring_service.decide_ring_as_admin,
            rt.uow(),
            store,
            actor_member_id=admin.id,
            ring_id=ring_id,
            verdict=rings.VERDICTS[parts[1]],
            now=rt.now(),
        )
    except RingAlreadyDecided as error:  # another admin (or this one, on an older message) was first
        await answer(update)
        text, keyboard = await _listing(rt, admin.id, lang, community)
        await edit(update, context, f"{rt.texts.error(lang, error)}\n\n{text}", keyboard)
        return
    await answer(update)
    names = await rt.run(directory.names, rt.uow(), decided.member_ids)
    done = rt.texts.get(
        lang, "ring-decided-admin", ring=ring_id, names=rings.names_of(decided, names), status=decided.status.value
    )
    text, keyboard = await _listing(rt, admin.id, lang, community)
    await edit(update, context, f"{done}\n\n{text}", keyboard)
