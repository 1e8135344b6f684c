"""Notices (services/notifications.py) rendered as Telegram messages in the member's language:
the text, and the next step as buttons. Shared by both senders (``send.py``), so a notice reads
the same whichever process sends it. Synchronous: it reads storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog

from tgexchange.bot import directory, fair_play, keyboards, operations, rating, rings, steps
from tgexchange.bot.keyboards import Button, Keyboard
from tgexchange.bot.texts import MAX_TITLE, Raw, Texts, short
from tgexchange.services.ports import Notice, UnitOfWork
from tgexchange.services.report import DailyReport

log = structlog.get_logger("tgexchange.bot.notifications")

MAX_QUOTE = 1500

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class Outgoing:
    chat_id: int
    text: str
    keyboard: Keyboard | None = None
    photo: bytes | None = None
    """A PNG sent with ``text`` as its caption (sendPhoto) instead of a text message."""


def render_notice(texts: Texts, uow: UowFactory, notice: Notice, *, now: datetime) -> list[Outgoing]:  # noqa: PLR0911 - one way out per kind of notice
    """The messages a notice becomes: one to the member (with the next step as buttons), plus a
    note in the group for a completed submission. Empty when the member (or what the notice is
    about) no longer exists. ``now`` places deadlines in the member's terms ("in 2 days")."""
    if notice.kind in operations.KINDS:
        return _operations_notice(texts, uow, notice)
    if notice.member_id is None:
        return []
    to = directory.recipient(uow(), notice.member_id)
    if to is None:
        return []
    lang = to.language
    params = notice.params
    kind = notice.kind
    key = f"notice-{kind}"
    if kind == "penalty":
        return [Outgoing(to.telegram_user_id, *_penalty(texts, lang, to, params, now=now))]
    if kind in rings.KINDS:
        shown = rings.render_notice(
            texts, lang, community_id=to.community_id, community_title=to.community_title, params=params
        )
        return [Outgoing(to.telegram_user_id, *shown)]
    if kind in fair_play.KINDS:
        told = fair_play.render_notice(texts, uow, notice, lang=lang, community=to.community_title)
        return [] if told is None else [Outgoing(to.telegram_user_id, *told)]
    if kind in {"submission_completed", "feedback_received"}:
        return _submission_notice(texts, uow, notice, to)
    view = directory.task_view(uow(), int(str(params["task_id"])))
    if view is None:
        return []
    found = _task_notice(texts, uow, notice, view, lang=lang, community=to.community_title, now=now)
    if found is None:
        log.warning("notice_kind_unknown", kind=kind, member_id=notice.member_id)
        return []
    extra, keyboard = found
    title = short(view.submission.title, MAX_TITLE)
    text = texts.get(lang, key, title=title, **extra)
    return [Outgoing(to.telegram_user_id, text, keyboard)]


def _operations_notice(texts: Texts, uow: UowFactory, notice: Notice) -> list[Outgoing]:
    """Alerts, recovery notices and daily reports (bot/operations.py)."""
    found = operations.language_of(uow, notice)
    if found is None:
        return []
    chat_id, lang = found
    if notice.kind != "daily_report":
        return [Outgoing(chat_id, operations.alert_text(texts, uow, notice, lang))]
    from tgexchange.adapters.report_chart import render_report_chart

    report = DailyReport.from_params(notice.params)
    title, tasks, verified = operations.chart_labels(texts, report, lang)
    chart = render_report_chart(report, title=title, series=(tasks, verified))
    return [Outgoing(chat_id, operations.report_caption(texts, report, lang, chart.title), photo=chart.png)]


def _submission_notice(texts: Texts, uow: UowFactory, notice: Notice, to: directory.Recipient) -> list[Outgoing]:
    """Feedback received, or all of it: to the owner, and a completion also to the group."""
    submission = directory.submission(uow(), int(str(notice.params["submission_id"])))
    if submission is None:
        return []
    lang, key = to.language, f"notice-{notice.kind}"
    title = short(submission.title, MAX_TITLE)
    count = int(str(notice.params.get("count", 1)))
    # The owner may rate each verified feedback (issue 19 §1): its buttons come first.
    keyboard = rating.rate_buttons(texts, lang, uow(), submission.id) + steps.after(texts, lang, key)
    messages = [Outgoing(to.telegram_user_id, texts.get(lang, key, title=title, count=count), keyboard)]
    if notice.kind == "submission_completed" and to.bot_present:
        note = texts.get(to.group_language or lang, "group-submission-completed", owner=to.display_name, title=title)
        messages.append(Outgoing(to.chat_id, note))
    return messages


def _task_notice(
    texts: Texts,
    uow: UowFactory,
    notice: Notice,
    view: directory.TaskView,
    *,
    lang: str,
    community: str,
    now: datetime,
) -> tuple[dict[str, object], Keyboard | None] | None:
    """What a notice about a task says besides its title, and its buttons; None for an unknown kind."""
    kind, params, task = notice.kind, notice.params, view.task
    keyboard: Keyboard | None = steps.after(texts, lang, f"notice-{kind}") or None
    extra: dict[str, object] = {}
    if kind == "task_verified":
        extra["credits"] = int(str(params.get("credits", task.credits)))
    elif kind == "task_rejected":
        extra["reason"] = Raw(texts.reason(lang, str(params.get("reason") or "")))
    elif kind == "task_cancelled":
        extra["reason"] = Raw(texts.cancel_reason(lang, str(params.get("reason") or "")))
    elif kind == "feedback_not_found_yet":
        extra["until"] = texts.until(lang, datetime.fromisoformat(str(params["until"])), now=now)
        extra["channel"] = directory.channel_name(uow(), task.giver_id, task.platform) or view.giver_name
    elif kind == "confirm_feedback":
        extra["giver"] = view.giver_name
        extra["text"] = short(str(params.get("text") or task.feedback_text or ""), MAX_QUOTE)
        extra["until"] = texts.until(lang, task.review_until or now, now=now)
        keyboard = keyboards.owner_review(texts, lang, task_id=task.id, url=view.submission.url)
    elif kind == "held_comment":
        extra["giver"] = view.giver_name
        extra["channel"] = directory.channel_name(uow(), task.giver_id, task.platform) or view.giver_name
        extra["until"] = texts.until(lang, datetime.fromisoformat(str(params["until"])), now=now)
        keyboard = keyboards.held_review(texts, lang, task_id=task.id, url=view.submission.url)
    elif kind == "feedback_denied":
        extra["until"] = texts.until(lang, task.review_until or now, now=now)
        keyboard = keyboards.dispute(texts, lang, task_id=task.id)
    elif kind == "dispute_opened":
        extra.update(
            community=community,
            giver=view.giver_name,
            owner=view.owner_name,
            url=view.submission.url,
            text=short(task.feedback_text or "", MAX_QUOTE),
        )
        keyboard = keyboards.admin_resolve(texts, lang, task_id=task.id, url=view.submission.url)
    elif kind != "task_expired":
        return None
    return extra, keyboard


def _penalty(
    texts: Texts, lang: str, to: directory.Recipient, params: dict[str, object], *, now: datetime
) -> tuple[str, Keyboard | None]:
    """A warning, a cooldown, a ban or its end, told to the member with the admins' reason and,
    for a penalty, how to appeal it; the next step is /me (the penalty and why), or a task for
    someone let back in."""
    action, reason = str(params.get("action") or ""), str(params.get("reason") or "")
    until = params.get("until")
    text = texts.get(
        lang,
        "notice-penalty",
        action=action,
        community=to.community_title,
        reason=reason,
        has_reason=bool(reason),
        warnings=int(str(params.get("warnings") or 0)),
        until=texts.until(lang, datetime.fromisoformat(until), now=now) if isinstance(until, str) else "",
    )
    if action != "unban":
        if params.get("penalty_id"):
            text += "\n" + texts.get(lang, "penalty-appeal-hint", penalty=int(str(params["penalty_id"])))
        return text, steps.buttons(texts, lang, steps.Step.ME)
    return text, ((Button(texts.label(lang, "button-get-task"), callback_data=keyboards.callback("go", "task")),),)
