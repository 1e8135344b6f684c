"""Notices (services/notifications.py) rendered into Telegram messages, in the member's language.

Shared by both notifiers (bot/notifier.py) so that a notice reads and looks the same whether the
bot process or a separate worker sends it. Synchronous: it reads storage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog

from tgexchange.bot import directory, keyboards
from tgexchange.bot.keyboards import Keyboard
from tgexchange.bot.texts import Texts
from tgexchange.services.ports import Notice, UnitOfWork

log = structlog.get_logger("tgexchange.bot.notices")

MAX_TITLE = 80
MAX_QUOTE = 1500

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class Outgoing:
    chat_id: int
    text: str
    keyboard: Keyboard | None = None


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_notice(texts: Texts, uow: UowFactory, notice: Notice) -> list[Outgoing]:
    """The messages a notice becomes: one to the member, plus a note in the group for a completed
    submission. Empty when the member (or what the notice is about) no longer exists."""
    to = directory.recipient(uow(), notice.member_id)
    if to is None:
        return []
    lang = to.language
    params = notice.params
    kind = notice.kind
    if kind in {"submission_completed", "feedback_received"}:
        submission = directory.submission(uow(), int(str(params["submission_id"])))
        if submission is None:
            return []
        title = short(submission.title, MAX_TITLE)
        messages = [Outgoing(to.telegram_user_id, texts.get(lang, f"notice-{kind}", title=title))]
        if kind == "submission_completed" and to.bot_present:
            note = texts.get(
                to.group_language or lang, "group-submission-completed", owner=to.display_name, title=title
            )
            messages.append(Outgoing(to.chat_id, note))
        return messages
    view = directory.task_view(uow(), int(str(params["task_id"])))
    if view is None:
        return []
    title = short(view.submission.title, MAX_TITLE)
    task_id = view.task.id
    keyboard: Keyboard | None = None
    extra: dict[str, object] = {}
    if kind == "task_verified":
        extra["credits"] = int(str(params.get("credits", view.task.credits)))
    elif kind == "task_rejected":
        extra["reason"] = texts.reason(lang, str(params.get("reason") or ""))
    elif kind == "task_cancelled":
        extra["reason"] = texts.cancel_reason(lang, str(params.get("reason") or ""))
    elif kind == "confirm_feedback":
        extra["giver"] = view.giver_name
        extra["text"] = short(str(params.get("text") or view.task.feedback_text or ""), MAX_QUOTE)
        keyboard = keyboards.owner_review(texts, lang, task_id=task_id)
    elif kind == "feedback_denied":
        keyboard = keyboards.dispute(texts, lang, task_id=task_id)
    elif kind == "dispute_opened":
        extra.update(
            community=to.community_title,
            giver=view.giver_name,
            owner=view.owner_name,
            url=view.submission.url,
            text=short(view.task.feedback_text or "", MAX_QUOTE),
        )
        keyboard = keyboards.admin_resolve(texts, lang, task_id=task_id, url=view.submission.url)
    elif kind not in {"task_expired"}:
        log.warning("notice_kind_unknown", kind=kind, member_id=notice.member_id)
        return []
    text = texts.get(lang, f"notice-{kind}", title=title, **extra)
    return [Outgoing(to.telegram_user_id, text, keyboard)]
