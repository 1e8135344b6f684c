"""A member's own numbers: balance, stats and history, and the community's leaderboard."""

from __future__ import annotations

from telegram import Update

from tgexchange.bot import fair_play, steps
from tgexchange.bot.membership import require_membership
from tgexchange.bot.miniapp import with_app_button
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import reply
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.bot.texts import Texts
from tgexchange.domain.rating import PUBLISH_EVERY, RatingSummary, Statement
from tgexchange.domain.reliability import ENOUGH_HISTORY
from tgexchange.services import health as health_service
from tgexchange.services import stats as stats_service

LEADERBOARD_SIZE = 10


def reliability_text(texts: Texts, lang: str, *, reliability: float, verified: int, decided: int) -> str:
    """ "83%" once there is enough history; until then "new, 1/1 ✅" (a percentage of one task
    would puzzle)."""
    if decided < ENOUGH_HISTORY:
        return texts.label(lang, "reliability-new", verified=verified, decided=decided)
    return texts.label(lang, "reliability-percent", percent=round(reliability * 100))


@refusals
async def balance(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, community = membership
    standing = await rt.run(stats_service.member_standing, rt.container.storage.member_reader, member_id=member.id)
    lang = member.language
    text = rt.texts.get(lang, "balance", balance=standing.balance, community=community.title)
    await reply(update, context, text, steps.buttons(rt.texts, lang, *steps.first_steps(linked=bool(standing.linked))))


@refusals
async def me(update: Update, context: Context) -> None:
    rt = runtime(context)
    membership = await require_membership(update, context)
    if membership is None:
        return
    member, community = membership
    lang = member.language
    # One snapshot on one connection for the member's numbers and their fair play alike: /me is
    # among the most frequent updates (bench/bot.py's mix).
    report = await rt.run(
        stats_service.member_report, rt.container.storage.member_reader, member_id=member.id, fair_play=True
    )
    stats = report.stats
    assert report.fair_play is not None  # asked for above
    record = health_service.fair_play_record_of(
        report.fair_play, stats=stats, now=rt.now(), threshold=community.settings.health_threshold_pct / 100
    )
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
            reliability=reliability_text(
                rt.texts, lang, reliability=stats.reliability, verified=stats.verified, decided=stats.decided
            ),
        )
    ]
    lines.extend(_ratings_lines(rt, lang, record.ratings, record.ratings_to_go))
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
    lines.append(_health_line(rt, lang, record, decided=stats.decided))
    lines.extend(fair_play.penalty_lines(rt.texts, lang, record.penalties, appealed=record.appealed, now=rt.now()))
    linked = bool(report.channels)
    keyboard = with_app_button(rt, lang, steps.buttons(rt.texts, lang, *steps.first_steps(linked=linked)))
    await reply(update, context, "\n".join(lines), keyboard)


def _health_line(rt: Runtime, lang: str, record: health_service.FairPlayRecord, *, decided: int) -> str:
    """A member with nothing decided yet is new, not "69%": the score then is only the priors of
    its parts, and a number reads like a mark they already earned."""
    low = record.health < record.threshold
    if decided == 0 and not low and not record.penalties and not record.ratings.ratings:
        return rt.texts.get(lang, "me-health-new")
    return rt.texts.get(lang, "me-health", percent=round(record.health * 100), low=low)


def _ratings_lines(rt: Runtime, lang: str, summary: RatingSummary, to_go: int) -> list[str]:
    """What the member may see of the ratings their feedback got: the average as of their latest
    5th, 10th, … rating, and how many more until it is refreshed (nothing before any rating)."""
    if summary.ratings:
        shown = {s.value: f"{summary.average(s) or 0:.1f}" for s in Statement}
        return [rt.texts.get(lang, "me-ratings", count=summary.ratings, to_go=to_go, **shown)]
    if to_go < PUBLISH_EVERY:
        return [rt.texts.get(lang, "me-ratings-soon", to_go=to_go)]
    return []


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
        await reply(
            update, context, rt.texts.get(lang, "leaderboard-empty"), steps.after(rt.texts, lang, "leaderboard-empty")
        )
        return
    lines = [rt.texts.get(lang, "leaderboard-title", community=community.title)]
    lines.extend(
        rt.texts.get(
            lang,
            "leaderboard-item",
            rank=rank,
            name=row.display_name,
            verified=row.verified,
            reliability=reliability_text(
                rt.texts, lang, reliability=row.reliability, verified=row.verified, decided=row.decided
            ),
        )
        for rank, row in enumerate(rows, start=1)
    )
    await reply(update, context, "\n".join(lines), steps.buttons(rt.texts, lang, steps.Step.TASK, steps.Step.ME))
