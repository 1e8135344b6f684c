"""A member's own numbers: balance, stats and history, and the community's leaderboard."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot.membership import require_membership
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import reply
from tgexchange.bot.runtime import Context, runtime
from tgexchange.services import stats as stats_service

LEADERBOARD_SIZE = 10


def percent(share: float) -> int:
    return round(share * 100)


@refusals
async def balance(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, community = membership
    credits = await rt.run(stats_service.member_balance, rt.container.storage.member_reader, member_id=member.id)
    await reply(update, context, rt.texts.get(member.language, "balance", balance=credits, community=community.title))


@refusals
async def me(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, community = membership
    lang = member.language
    report = await rt.run(stats_service.member_report, rt.container.storage.member_reader, member_id=member.id)
    stats = report.stats
    lines = [
        rt.texts.get(
            lang,
            "me",
            name=member.display_name,
            community=community.title,
            balance=report.balance,
            verified=stats.verified,
            rejected=stats.rejected,
            expired=stats.expired,
            skipped=stats.skipped,
            received=stats.feedback_received,
            reliability=percent(stats.reliability),
        )
    ]
    if report.channels:
        channels = ", ".join(f"{c.name or c.channel_id} ({c.platform.label})" for c in report.channels)
        lines.append(rt.texts.get(lang, "me-channels", channels=channels))
    else:
        lines.append(rt.texts.get(lang, "me-no-channels"))
    if report.recent_tasks:
        lines.append("")
        lines.append(rt.texts.get(lang, "me-history"))
        lines.extend(
            rt.texts.get(
                lang,
                "me-history-item",
                status=rt.texts.label(lang, f"task-status-{task.status.value}"),
                task=str(task.id),
                when=rt.texts.when(lang, task.decided_at or task.assigned_at),
            )
            for task in report.recent_tasks
        )
    await reply(update, context, "\n".join(lines))


@refusals
async def leaderboard(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, community = membership
    lang = member.language
    rows = await rt.run(stats_service.leaderboard, rt.uow(), community_id=community.id, limit=LEADERBOARD_SIZE)
    rows = [row for row in rows if row.verified > 0]
    if not rows:
        await reply(update, context, rt.texts.get(lang, "leaderboard-empty"))
        return
    lines = [rt.texts.get(lang, "leaderboard-title", community=community.title)]
    lines.extend(
        rt.texts.get(
            lang,
            "leaderboard-item",
            rank=rank,
            name=row.display_name,
            verified=row.verified,
            reliability=percent(row.reliability),
        )
        for rank, row in enumerate(rows, start=1)
    )
    await reply(update, context, "\n".join(lines))
