"""The audit trail in words: one short sentence per admin action, in the reader's language.

Settings changes are stored by name with their old and new value (``domain.audit.SettingChange``),
so "Ada turned Instagram off" can be written in any language. Entries written before that keep
their free text: a plain ``min_words=12`` still reads as a sentence, anything else as "changed
the settings" (their detail was a Python repr, meaningless to an admin).
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

from babel.dates import format_datetime

from tgexchange.bot.texts import SUPPORTED, Texts, platform_label, short
from tgexchange.domain.audit import AuditAction, AuditEntry, SettingChange

# A line should fit a phone's width (about 40 characters): names and reasons are cut short.
NAME = 14
REASON = 24
RELATIVE_FOR = timedelta(days=7)  # older entries show their date
_UNITS = (("d", 86_400), ("h", 3_600), ("min", 60))
_OLD_SETTING = re.compile(r"(\w+)=(-?[0-9]+|None|[a-z]{2})")
_OLD_NUMBERS = frozenset(
    {
        "credits_per_feedback",
        "min_words",
        "max_open_tasks_per_member",
        "welcome_credits",
        "max_feedback_per_submission",
        "default_feedback_per_submission",
    }
)


def when(texts: Texts, lang: str, at: datetime, now: datetime) -> str:
    """How long ago, as briefly as a phone line needs ("now", "5 min", "3 h", "2 d"), then the
    date: free of time zones."""
    age = now - at
    if age >= RELATIVE_FOR:
        return format_datetime(at, "d MMM yyyy" if age >= timedelta(days=300) else "d MMM", tzinfo=None, locale=lang)
    seconds = max(0, int(age.total_seconds()))
    unit, n = next(((u, seconds // size) for u, size in _UNITS if seconds >= size), ("now", 0))
    return texts.label(lang, "audit-ago", unit=unit, n=n)


def line(texts: Texts, lang: str, entry: AuditEntry, *, actor: str | None, target: str | None, now: datetime) -> str:
    """One entry as a line of Telegram HTML: when, then who did what."""
    return f"<i>{html.escape(when(texts, lang, entry.at, now))}</i> · {sentence(texts, lang, entry, actor=actor, target=target)}"


def sentence(texts: Texts, lang: str, entry: AuditEntry, *, actor: str | None, target: str | None) -> str:
    """``actor``/``target`` are display names (None: unknown). Returns Telegram HTML."""
    who = short(actor or entry.actor_label or texts.label(lang, "audit-someone"), NAME)
    if entry.action is AuditAction.SETTINGS:
        return "; ".join(_settings(texts, lang, entry.detail, who))
    reason = short(entry.detail or "", REASON)
    return texts.get(
        lang,
        f"audit-{entry.action.value}",
        actor=who,
        target=short(target or "?", NAME),
        reason=reason,
        has_reason=bool(reason),
    )


def _settings(texts: Texts, lang: str, detail: str | None, who: str) -> list[str]:
    change = SettingChange.from_detail(detail)
    changes = [change] if change is not None else _old_changes(detail)
    said = [part for c in changes for part in _setting(texts, lang, c, who)]
    return said or [texts.get(lang, "audit-settings", actor=who)]


def _setting(texts: Texts, lang: str, change: SettingChange, who: str) -> list[str]:  # noqa: PLR0911 - one way out per kind of setting
    """Empty when the change cannot be told (a setting this version does not know)."""
    if change.name == "allowed_platforms":
        if not isinstance(change.before, list) or not isinstance(change.after, list):
            return []
        on = [p for p in change.after if p not in change.before]
        off = [p for p in change.before if p not in change.after]
        return [texts.get(lang, "audit-platform-on", actor=who, platform=platform_label(str(p))) for p in on] + [
            texts.get(lang, "audit-platform-off", actor=who, platform=platform_label(str(p))) for p in off
        ]
    if change.name == "group_language":
        if change.after is not None and change.after not in SUPPORTED:
            return []
        shown = texts.label(lang, f"settings-group-language-{change.after or 'auto'}")
        return [texts.get(lang, "audit-set-group_language", actor=who, value=shown)]
    key = f"audit-set-{change.name}"
    if change.name == "penalty_ladder" and isinstance(change.after, list):
        steps = " → ".join(texts.label(lang, "penalty-kind", kind=str(step)) for step in change.after)
        return [texts.get(lang, key, actor=who, value=steps)]
    if not isinstance(change.after, int) or not texts.has(lang, key):
        return []
    value: object = change.after // 3600 if change.name == "task_deadline_s" else change.after
    if isinstance(change.after, bool):  # a setting switched on or off
        value = "yes" if change.after else "no"
    return [texts.get(lang, key, actor=who, value=value)]


def _old_changes(detail: str | None) -> list[SettingChange]:
    """``name=value, ...`` as written before changes were structured, when every part is a plain
    number or language; otherwise nothing (the caller says "changed the settings")."""
    parts = (detail or "").split(", ")
    found = [_OLD_SETTING.fullmatch(part) for part in parts]
    if not detail or not all(found):
        return []
    changes = []
    for match in found:
        assert match is not None
        name, value = match.group(1), match.group(2)
        if name in _OLD_NUMBERS and value.lstrip("-").isdigit():
            changes.append(SettingChange(name, None, int(value)))
        elif name == "group_language":
            changes.append(SettingChange(name, None, None if value == "None" else value))
        else:
            return []
    return changes
