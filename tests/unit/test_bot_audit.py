"""The audit trail in words: every kind of entry, in both languages, short and escaped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.botapi import parse_html
from tgexchange.bot.audit import line, sentence, when
from tgexchange.bot.texts import SUPPORTED, Texts
from tgexchange.domain.audit import AuditAction, AuditEntry, SettingChange

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TEXTS = Texts(strict=True)


def entry(action: AuditAction, detail: str | None = None, *, ago: timedelta = timedelta(0)) -> AuditEntry:
    return AuditEntry(community_id=1, action=action, at=NOW - ago, actor_member_id=1, detail=detail)


def said(action: AuditAction, detail: str | None = None, lang: str = "en", **names: str | None) -> str:
    text = sentence(TEXTS, lang, entry(action, detail), actor=names.get("actor", "Ada"), target=names.get("target"))
    return parse_html(text)[0]


@pytest.mark.parametrize(
    ("change", "english", "spanish"),
    [
        (SettingChange("min_words", 8, 12), "Ada set a minimum of 12 words", "Ada fijó el mínimo: 12 palabras"),
        (SettingChange("min_words", 2, 1), "Ada set a minimum of one word", "Ada fijó el mínimo: una palabra"),
        (SettingChange("task_deadline_s", 172800, 194400), "Ada set a 54 h deadline", "Ada fijó un plazo de 54 h"),
        (
            SettingChange("allowed_platforms", ["instagram", "tiktok", "youtube"], ["tiktok", "youtube"]),
            "Ada turned Instagram off",
            "Ada desactivó Instagram",
        ),
        (SettingChange("group_language", None, "es"), "Ada set group posts to Español", "Ada puso el grupo en Español"),
        (
            SettingChange("credits_per_feedback", 10, 11),
            "Ada set 11 credits per feedback",
            "Ada fijó 11 créditos por opinión",
        ),
        (SettingChange("colour", "red", "blue"), "Ada changed the settings", "Ada cambió los ajustes"),  # a future one
    ],
)
def test_a_settings_change_reads_as_a_sentence(change: SettingChange, english: str, spanish: str) -> None:
    assert said(AuditAction.SETTINGS, change.to_detail()) == english
    assert said(AuditAction.SETTINGS, change.to_detail(), "es") == spanish


def test_entries_from_before_the_change_still_read() -> None:
    assert said(AuditAction.SETTINGS, "credits_per_feedback=11") == "Ada set 11 credits per feedback"
    assert said(AuditAction.SETTINGS, "group_language=xx") == "Ada changed the settings"
    assert said(AuditAction.SETTINGS, "task_deadline=2 days, 6:00:00") == "Ada changed the settings"
    assert said(AuditAction.SETTINGS, "allowed_platforms=frozenset({<Platform.TIKTOK: 'tiktok'>})") == (
        "Ada changed the settings"
    )
    assert said(AuditAction.SETTINGS, None) == "Ada changed the settings"


@pytest.mark.parametrize("lang", SUPPORTED)
@pytest.mark.parametrize("action", list(AuditAction))
def test_every_action_has_words_and_values_are_escaped(lang: str, action: AuditAction) -> None:
    text = sentence(TEXTS, lang, entry(action, "<script>"), actor="<b>Eve</b>", target="Bob & co")
    plain, _ = parse_html(text)  # refuses stray tags, as Telegram does
    assert "{" not in plain
    if action is not AuditAction.SETTINGS:
        assert "<b>Eve</b>" in plain


def test_names_and_reasons_are_cut_to_fit_a_phone_line() -> None:
    text = line(
        TEXTS,
        "en",
        entry(AuditAction.WARN, "copy-paste feedback on every single video this week", ago=timedelta(hours=3)),
        actor="Alexandra Konstantinopoulou",
        target="Bob",
        now=NOW,
    )
    assert parse_html(text)[0] == "3 h · Alexandra Kon… warned Bob: copy-paste feedback on…"


def test_when_is_short_and_needs_no_time_zone() -> None:
    assert [when(TEXTS, "en", NOW - ago, NOW) for ago in (timedelta(seconds=5), timedelta(minutes=5))] == [
        "now",
        "5 min",
    ]
    assert when(TEXTS, "es", NOW - timedelta(days=2), NOW) == "2 d"
    assert when(TEXTS, "en", NOW - timedelta(days=20), NOW) == "10 Feb"
    assert when(TEXTS, "es", NOW - timedelta(days=400), NOW) == "26 ene 2025"
