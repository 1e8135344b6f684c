"""Operations notices as Telegram messages: alerts and recovery notices (to operators and admins),
and the daily report (a chart with its text as the caption), each in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Final

from tgexchange.bot import directory
from tgexchange.bot.texts import DEFAULT, Raw, Texts, platform_label, short
from tgexchange.services.ports import Notice, UnitOfWork
from tgexchange.services.report import DailyReport

UowFactory = Callable[[], UnitOfWork]
KINDS: Final = frozenset({"anomaly_opened", "anomaly_cleared", "daily_report"})
CAPTION_LIMIT: Final = 1024  # Telegram's limit for a photo's caption
MAX_PROBLEMS: Final = 3


def language_of(uow: UowFactory, notice: Notice) -> tuple[int, str] | None:
    """Who gets it (a Telegram user id) and in which language: a member's own; an operator's
    from their latest membership, else the default."""
    if notice.member_id is not None:
        to = directory.recipient(uow(), notice.member_id)
        return None if to is None else (to.telegram_user_id, to.language)
    if notice.telegram_user_id is None:
        return None
    memberships = directory.memberships(uow(), notice.telegram_user_id)
    return notice.telegram_user_id, memberships[-1][0].language if memberships else DEFAULT


def duration(texts: Texts, language: str, seconds: int) -> str:
    span = timedelta(seconds=max(seconds, 0))
    hours, rest = divmod(int(span.total_seconds()), 3600)
    minutes = rest // 60
    if hours:
        return texts.label(language, "ops-duration-hours", hours=hours, minutes=minutes)
    return texts.label(language, "ops-duration-minutes", minutes=max(minutes, 1))


def alert_text(texts: Texts, uow: UowFactory, notice: Notice, language: str) -> str:
    params = notice.params
    kind = str(params["kind"])
    evidence = params.get("evidence")
    facts = dict(evidence) if isinstance(evidence, dict) else {}
    if "platform" in facts:
        facts["platform"] = platform_label(str(facts["platform"]))
    community_id = params.get("community_id")
    if community_id is not None:
        found = directory.community(uow(), int(str(community_id)))
        where = texts.label(language, "anomaly-where-community", community=found.title if found else f"#{community_id}")
    elif params.get("platform"):
        where = platform_label(str(params["platform"]))
    elif params.get("job"):
        where = texts.label(language, "anomaly-where-job")
    else:
        where = texts.label(language, "anomaly-where-everything")
    what = texts.label(language, f"anomaly-kind-{kind}")
    paused = "yes" if params.get("paused") else "no"
    if notice.kind == "anomaly_cleared":
        lasted = duration(texts, language, int(str(params.get("lasted_s") or 0)))
        return texts.get(language, "notice-anomaly_cleared", what=what, where=where, lasted=lasted, paused=paused)
    detail = Raw(texts.get(language, f"anomaly-detail-{kind}", **facts))
    severity = f"{float(str(params.get('severity', 0))):.2f}"
    return texts.get(
        language, "notice-anomaly_opened", what=what, where=where, detail=detail, severity=severity, paused=paused
    )


def report_caption(texts: Texts, report: DailyReport, language: str, chart_title: str) -> str:
    rate = report.success_rate
    givers = ", ".join(f"{short(g.name, 24)} ({g.verified})" for g in report.top_givers)
    problems = report.problems[:MAX_PROBLEMS]
    caption = texts.get(
        language,
        "report-caption",
        chart=chart_title,
        community=short(report.title, 64),
        day=report.day.isoformat(),
        assigned=report.assigned,
        verified=report.verified,
        rejected=report.rejected,
        expired=report.expired,
        rate=f"{rate:.0%}" if rate is not None else "—",
        asked_in_vain=report.asked_in_vain,
        givers=givers or texts.label(language, "report-no-givers"),
        problems="; ".join(short(p, 120) for p in problems) or texts.label(language, "report-no-problems"),
    )
    return caption if len(caption) <= CAPTION_LIMIT else caption[: CAPTION_LIMIT - 1] + "…"


def chart_labels(texts: Texts, report: DailyReport, language: str) -> tuple[str, str, str]:
    """The chart's title and its two series' names, in the reader's language."""
    first, last = report.days[0].day, report.days[-1].day
    title = texts.label(
        language, "report-chart-title", community=short(report.title, 48), first=f"{first:%d.%m}", last=f"{last:%d.%m}"
    )
    return title, texts.label(language, "report-chart-tasks"), texts.label(language, "report-chart-verified")
