"""Rings in the bot's words: the admins' list of groups flagged as mostly serving each other, with
the evidence the detection stored (domain/ring.py) in plain words, the [Clear #n]/[Confirm #n]
buttons, and the notice that a run flagged groups. Rendered here, shared by handlers/ring.py and
the notice senders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from babel.dates import format_timedelta

from tgexchange.bot import keyboards
from tgexchange.bot.keyboards import ADMIN_MENU, Button, Keyboard, callback
from tgexchange.bot.texts import Texts
from tgexchange.domain.ring import Ring, RingStatus
from tgexchange.services.ring import RINGS_FLAGGED

RING_DECIDE = "rg"  # rg:<ring>:<c|k>
RING_LIST = "rl"  # rl:<community>
CLEAR, CONFIRM = "c", "k"
VERDICTS = {CLEAR: RingStatus.CLEARED, CONFIRM: RingStatus.CONFIRMED}
KINDS = frozenset({RINGS_FLAGGED})
SHOWN = 5  # groups in one message: each takes five lines and a row of buttons on a phone
DASHBOARD = "d"  # menu.py's view letter for a dashboard login link


def names_of(ring: Ring, names: Mapping[int, str]) -> str:
    return ", ".join(names.get(m, f"#{m}") for m in ring.member_ids)


def _percent(value: object, digits: int = 0) -> float | int | None:
    if not isinstance(value, int | float):
        return None
    shown = round(float(value) * 100, digits)
    return int(shown) if digits == 0 else shown


def _duration(lang: str, hours: object) -> str | None:
    """ "6 minutes", "2 hours", in the admin's language; a wait under a minute reads as one."""
    if not isinstance(hours, int | float):
        return None
    return format_timedelta(timedelta(hours=max(float(hours), 1 / 60)), locale=lang)


def evidence_lines(texts: Texts, lang: str, evidence: Mapping[str, Any]) -> list[str]:
    """What the detection saw, one line each: the share of their exchanges inside the group
    against what matching alone would give, how soon they took each other's content, how alike
    their feedback reads. A measure the detection could not take (no texts) is left out."""
    lines = [
        texts.get(
            lang,
            "rings-share",
            share=_percent(evidence.get("internal_share")) or 0,
            inside=int(evidence.get("internal_exchanges") or 0),
            expected=_percent(evidence.get("expected_share"), 1) or 0,
        )
    ]
    timing = evidence.get("timing") or {}
    inside, usual = _duration(lang, timing.get("inside_median_h")), _duration(lang, timing.get("community_median_h"))
    if inside is not None and usual is not None:
        lines.append(texts.get(lang, "rings-timing", inside=inside, usual=usual))
    similarity = evidence.get("text_similarity") or {}
    across, outsiders = _percent(similarity.get("across_members")), _percent(similarity.get("with_outsiders"))
    if across is not None:
        lines.append(
            texts.get(lang, "rings-texts", across=across, outsiders=outsiders or 0, has_outsiders=outsiders is not None)
        )
    return lines


def decide_buttons(texts: Texts, lang: str, ring_id: int) -> tuple[Button, Button]:
    return (
        Button(
            texts.label(lang, "button-ring-clear", ring=ring_id), callback_data=callback(RING_DECIDE, ring_id, CLEAR)
        ),
        Button(
            texts.label(lang, "button-ring-confirm", ring=ring_id),
            callback_data=callback(RING_DECIDE, ring_id, CONFIRM),
        ),
    )


def list_view(
    texts: Texts,
    lang: str,
    *,
    community_id: int,
    community_title: str,
    rings: Sequence[Ring],
    names: Mapping[int, str],
) -> tuple[str, Keyboard]:
    """The flagged groups (newest first, at most SHOWN, each with its evidence and two buttons),
    how many are confirmed, then [Admin menu]; [Dashboard] too when more are flagged than shown."""
    flagged = [r for r in rings if r.status is RingStatus.FLAGGED]
    confirmed = sum(1 for r in rings if r.status is RingStatus.CONFIRMED)
    menu = (Button(texts.label(lang, "button-admin-menu"), callback_data=callback(ADMIN_MENU, community_id)),)
    if not flagged:
        return texts.get(lang, "rings-empty", community=community_title, confirmed=confirmed), (menu,)
    lines = [
        texts.get(lang, "rings-title", community=community_title, flagged=len(flagged), confirmed=confirmed),
        texts.get(lang, "rings-explain"),
    ]
    rows: list[tuple[Button, ...]] = []
    for ring in flagged[:SHOWN]:
        lines.append("")
        lines.append(
            texts.get(
                lang, "rings-item", ring=ring.id, names=names_of(ring, names), when=texts.when(lang, ring.flagged_at)
            )
        )
        lines.extend(evidence_lines(texts, lang, ring.evidence))
        rows.append(decide_buttons(texts, lang, ring.id))
    if len(flagged) > SHOWN:
        lines.append("")
        lines.append(texts.get(lang, "rings-more", count=len(flagged) - SHOWN))
        dashboard = callback(ADMIN_MENU, community_id, DASHBOARD)
        rows.append((Button(texts.label(lang, "button-dashboard"), callback_data=dashboard),))
    return "\n".join(lines), (*rows, menu)


def list_button(texts: Texts, lang: str, community_id: int) -> Button:
    return Button(texts.label(lang, "button-rings"), callback_data=keyboards.callback(RING_LIST, community_id))


def render_notice(
    texts: Texts, lang: str, *, community_id: int, community_title: str, params: Mapping[str, object]
) -> tuple[str, Keyboard]:
    """A run flagged groups in the admin's community: how many, and [🕸 Rings] to the list."""
    count = int(str(params.get("count") or 1))
    text = texts.get(lang, "notice-rings_flagged", community=community_title, count=count)
    return text, ((list_button(texts, lang, community_id),),)
