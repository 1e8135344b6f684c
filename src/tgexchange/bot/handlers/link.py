"""Linking a member's own channel: the bot gives a one-time code, the member posts it from their
channel (a comment on one of their videos, or the caption of their post where comments are not
public) and sends the link; the bot reads public data to confirm.

While a code waits, a link on the code's platform is taken as the proof; a link on another
platform is what it would be otherwise (asking for feedback), so a member who changes their mind
never meets the code's errors. /cancel, or the [Cancel] button under the code, ends the wait.
"""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import keyboards, steps
from tgexchange.bot.commands import args_text
from tgexchange.bot.keyboards import parse_callback, platforms
from tgexchange.bot.membership import require_membership
from tgexchange.bot.progress import Progress
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.domain.content import ContentRef, Platform
from tgexchange.domain.errors import DomainError
from tgexchange.domain.links import find_link
from tgexchange.domain.member import Member
from tgexchange.services import channel as channel_service


@refusals
async def link_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, community = membership
    text = args_text(context)
    if text and find_link(text):
        await confirm_proof(update, context, member, rt.pasted(find_link(text) or text))
        return
    allowed = community.settings.allowed_platforms
    chosen = next((p for p in Platform if text.lower() in {p.value, p.label.lower()}), None) if text else None
    if chosen is None and len(allowed) == 1:
        chosen = next(iter(allowed))
    if chosen is None:
        await reply(update, context, rt.texts.get(member.language, "link-choose-platform"), platforms(allowed))
        return
    await _start(update, context, member, chosen)


@refusals
async def choose_platform(update: Update, context: Context) -> None:
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    await answer(update)
    membership = await require_membership(update, context)
    if membership is None or not parts or parts[0] not in {p.value for p in Platform}:
        return
    await _start(update, context, membership[0], Platform(parts[0]))


async def _start(update: Update, context: Context, member: Member, platform: Platform) -> None:
    rt = runtime(context)
    proof = await rt.run(
        channel_service.start_channel_proof, rt.uow(), member_id=member.id, platform=platform, now=rt.now()
    )
    key = "link-code-youtube" if platform.has_public_comments else "link-code-caption"
    text = rt.texts.get(member.language, key, code=proof.code, platform=platform.label)
    await reply(update, context, text, keyboards.cancel(rt.texts, member.language))


async def confirm_proof(update: Update, context: Context, member: Member, link: ContentRef | str) -> None:
    """Looks for the code where the link points (``Runtime.pasted``'s answer), telling the member
    while it does."""
    rt = runtime(context)
    lang = member.language
    progress = await Progress.start(update, context, rt.texts.get(lang, "link-checking"))
    try:
        ref = await rt.read_link(link)
        channel = await rt.run_slow(
            channel_service.confirm_channel_proof,
            rt.uow(),
            rt.container.content_reader,
            rt.container.comment_reader,
            member_id=member.id,
            ref=ref,
            now=rt.now(),
            update_id=update.update_id,
        )
    except DomainError as error:
        await progress.refuse(error)
        return
    text = rt.texts.get(
        lang, "link-linked", channel=channel.name or channel.channel_id, platform=channel.platform.label
    )
    await progress.finish(text, steps.after(rt.texts, lang, "link-linked"))
