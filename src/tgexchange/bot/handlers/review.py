"""Where comments are not public (TikTok, Instagram): the owner confirms, the giver may dispute a
denial, and an admin of the community settles the dispute. On YouTube the owner answers, with the
same buttons, whether a comment not found is held for their review."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import directory
from tgexchange.bot.admins import admin_member
from tgexchange.bot.handlers.task import close_card
from tgexchange.bot.pressed import pressed_task
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer
from tgexchange.bot.runtime import Context, runtime
from tgexchange.domain.errors import NotAnAdmin
from tgexchange.domain.task import TaskStatus
from tgexchange.services import review


@refusals
async def owner_review(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    pressed = await pressed_task(update, context)
    view, member, rest = pressed.view, pressed.member, pressed.args
    confirmed = rest[:1] == ["1"]
    uow = rt.uow()
    answered = await rt.run(
        review.answer_owner_review,
        uow,
        owner_member_id=member.id,
        task_id=view.task.id,
        confirmed=confirmed,
        now=rt.now(),
    )
    lang = member.language
    if confirmed:
        line, key = rt.texts.get(lang, "review-confirmed"), "review-confirmed"
    elif answered.status is TaskStatus.REJECTED:  # a held comment the owner does not see
        line, key = rt.texts.get(lang, "review-held-denied", giver=view.giver_name), "review-held-denied"
    else:
        until = rt.texts.until(lang, answered.review_until or rt.now(), now=rt.now())
        line, key = rt.texts.get(lang, "review-denied", giver=view.giver_name, until=until), "review-denied"
    await close_card(update, context, view, line, after=key)
    await rt.deliver(uow, actor_member_id=member.id)


@refusals
async def dispute(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    pressed = await pressed_task(update, context)
    view, member = pressed.view, pressed.member
    uow = rt.uow()
    await rt.run(review.dispute_denial, uow, giver_member_id=member.id, task_id=view.task.id, now=rt.now())
    await close_card(update, context, view, rt.texts.get(member.language, "review-disputed"), after="review-disputed")
    await rt.deliver(uow, actor_member_id=member.id)


@refusals
async def admin_resolve(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    pressed = await pressed_task(update, context)
    view, member, rest = pressed.view, pressed.member, pressed.args
    community = await rt.run(directory.community, rt.uow(), view.task.community_id)
    user = update.effective_user
    assert community is not None
    assert user is not None
    # The admin list this notice went to may be stale: Telegram decides who is an admin now.
    admin = await admin_member(rt, context, community, user, join=False)
    if admin is None:
        raise NotAnAdmin(member.id)
    member = admin
    verified = rest[:1] == ["1"]
    uow = rt.uow()
    await rt.run(
        review.resolve_dispute,
        uow,
        admin_member_id=member.id,
        task_id=view.task.id,
        verified=verified,
        now=rt.now(),
    )
    key = "review-resolved-verified" if verified else "review-resolved-rejected"
    await close_card(update, context, view, rt.texts.get(member.language, key))
    await rt.deliver(uow, actor_member_id=member.id)
