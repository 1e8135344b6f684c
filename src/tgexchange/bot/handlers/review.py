"""Where comments are not public (TikTok, Instagram): the owner confirms, the giver may dispute a
denial, and an admin of the community settles the dispute."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import directory
from tgexchange.bot.handlers.task import close_card
from tgexchange.bot.keyboards import parse_callback
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer
from tgexchange.bot.runtime import Context, runtime
from tgexchange.domain.errors import NotAnAdmin, NotYourTask, TaskNotFound
from tgexchange.domain.member import Member
from tgexchange.services import community as community_service
from tgexchange.services import review


async def _task_and_member(update: Update, context: Context) -> tuple[directory.TaskView, Member, list[str]]:
    rt = runtime(context)
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    user = update.effective_user
    if user is None or not parts or not parts[0].isdigit():
        raise TaskNotFound(parts[0] if parts else None)
    view = await rt.run(directory.task_view, rt.uow(), int(parts[0]))
    if view is None:
        raise TaskNotFound(parts[0])
    member = await rt.run(directory.member_by_user, rt.uow(), view.task.community_id, user.id)
    if member is None:
        raise NotYourTask(view.task.id)
    if context.user_data is not None:
        context.user_data["language"] = member.language
    return view, member, parts[1:]


@refusals
async def owner_review(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    view, member, rest = await _task_and_member(update, context)
    confirmed = rest[:1] == ["1"]
    uow = rt.uow()
    await rt.run(
        review.answer_owner_review,
        uow,
        owner_member_id=member.id,
        task_id=view.task.id,
        confirmed=confirmed,
        now=rt.now(),
    )
    await close_card(
        update, context, view, rt.texts.get(member.language, "review-confirmed" if confirmed else "review-denied")
    )
    await rt.deliver(uow, actor_member_id=member.id)


@refusals
async def dispute(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    view, member, _ = await _task_and_member(update, context)
    uow = rt.uow()
    await rt.run(review.dispute_denial, uow, giver_member_id=member.id, task_id=view.task.id, now=rt.now())
    await close_card(update, context, view, rt.texts.get(member.language, "review-disputed"))
    await rt.deliver(uow, actor_member_id=member.id)


@refusals
async def admin_resolve(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update)
    view, member, rest = await _task_and_member(update, context)
    community = await rt.run(directory.community, rt.uow(), view.task.community_id)
    user = update.effective_user
    assert community is not None
    assert user is not None
    # The admin list this notice went to may be stale: Telegram decides who is an admin now.
    told = await rt.admins.is_admin(context.bot, community.telegram_chat_id, user.id)
    is_admin = told if told is not None else member.is_admin  # a failed call changes no role
    if is_admin != member.is_admin:
        member = await rt.run(community_service.set_admin, rt.uow(), member_id=member.id, is_admin=is_admin)
        rt.memberships.forget(user.id)
    if not is_admin:
        raise NotAnAdmin(member.id)
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
