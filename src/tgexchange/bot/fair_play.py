"""Fair play in the bot's words: penalties in /me, the appeal notices, the admins' queue of
appeals (rendered here, shared by the handlers in handlers/appeal.py and the notice senders)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from tgexchange.bot import keyboards, steps
from tgexchange.bot.keyboards import Button, Keyboard
from tgexchange.bot.texts import Texts, short
from tgexchange.domain.penalty import Penalty
from tgexchange.services import appeal as appeal_service
from tgexchange.services.appeal import AppealView
from tgexchange.services.ports import Notice, UnitOfWork

APPEAL_DECIDE = "ad"  # ad:<appeal>:<u|r>
APPEAL_QUEUE = "aq"  # aq:<community>
UPHOLD, REJECT = "u", "r"
QUOTE = 300
REASON = 60
KINDS = frozenset({"appeal_opened", "appeal_decided"})


def kind_label(texts: Texts, lang: str, kind: str) -> str:
    return texts.label(lang, "penalty-kind", kind=kind)


def penalty_lines(
    texts: Texts, lang: str, penalties: Sequence[Penalty], *, appealed: set[int], now: datetime
) -> list[str]:
    """/me's lines on the penalties in force, and how to appeal; nothing when there are none."""
    if not penalties:
        return []
    lines = [texts.get(lang, "me-penalties")]
    for penalty in penalties:
        lines.append(
            texts.get(
                lang,
                "me-penalty-item",
                id=penalty.id or 0,
                kind=kind_label(texts, lang, penalty.kind.value),
                reason=short(penalty.reason or "—", REASON),
                has_until=penalty.ends_at is not None,
                until=texts.until(lang, penalty.ends_at, now=now) if penalty.ends_at else "",
                rule=penalty.rule,
                has_tasks=bool(penalty.task_ids),
                tasks=", ".join(f"#{t}" for t in penalty.task_ids),
                appealed=(penalty.id or 0) in appealed,
            )
        )
    if any((p.id or 0) not in appealed for p in penalties):
        lines.append(texts.get(lang, "me-penalties-appeal"))
    return lines


def decide_buttons(texts: Texts, lang: str, appeal_id: int) -> tuple[Button, Button]:
    return (
        Button(
            texts.label(lang, "button-appeal-uphold", appeal=appeal_id),
            callback_data=keyboards.callback(APPEAL_DECIDE, appeal_id, UPHOLD),
        ),
        Button(
            texts.label(lang, "button-appeal-reject", appeal=appeal_id),
            callback_data=keyboards.callback(APPEAL_DECIDE, appeal_id, REJECT),
        ),
    )


def queue_view(
    texts: Texts, lang: str, community_title: str, views: Sequence[AppealView], menu: Keyboard
) -> tuple[str, Keyboard]:
    """The admins' queue: one line and two buttons per appeal, then ``menu`` (the admin menu)."""
    if not views:
        return texts.get(lang, "appeals-empty", community=community_title), menu
    lines = [texts.get(lang, "appeals-title", community=community_title, count=len(views))]
    rows: list[tuple[Button, ...]] = []
    for view in views:
        appeal_id = view.appeal.id or 0
        lines.append(
            texts.get(
                lang,
                "appeals-item",
                appeal=appeal_id,
                name=view.member_name,
                kind=kind_label(texts, lang, view.penalty.kind.value),
                reason=short(view.penalty.reason or "—", REASON),
                text=short(view.appeal.text, QUOTE),
            )
        )
        rows.append(decide_buttons(texts, lang, appeal_id))
    return "\n".join(lines), (*rows, *menu)


def render_notice(
    texts: Texts, uow: Callable[[], UnitOfWork], notice: Notice, *, lang: str, community: str
) -> tuple[str, Keyboard] | None:
    """An appeal told to an admin (with its two buttons) or its decision told to the member."""
    appeal_id = int(str(notice.params.get("appeal_id") or 0))
    try:
        view = appeal_service.find_appeal_view(uow(), appeal_id=appeal_id)
    except Exception:  # the appeal is gone: nothing to tell
        return None
    kind = kind_label(texts, lang, view.penalty.kind.value)
    if notice.kind == "appeal_opened":
        text = texts.get(
            lang,
            "notice-appeal_opened",
            community=community,
            name=view.member_name,
            kind=kind,
            penalty=view.penalty.id or 0,
            reason=short(view.penalty.reason or "—", REASON),
            text=short(view.appeal.text, QUOTE),
        )
        return text, (decide_buttons(texts, lang, appeal_id),)
    upheld = bool(notice.params.get("upheld"))
    text = texts.get(lang, "notice-appeal_decided", community=community, kind=kind, upheld=upheld)
    return text, steps.after(texts, lang, "notice-appeal_decided")
