"""The bot's catalogue: complete in both languages for every refusal, notice and reason."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import pytest
from fluent.runtime import FluentResource

from tests.world import World
from tgexchange.bot.texts import SUPPORTED, Texts, _Bundle, _display, error_key, language_for, message_ids, plain
from tgexchange.domain import errors
from tgexchange.domain.content import Platform
from tgexchange.domain.events import Event, SubmissionCancelled
from tgexchange.domain.quality import QualityRule
from tgexchange.domain.task import RejectionReason
from tgexchange.services.notifications import notices_for

T = datetime(2026, 3, 2, tzinfo=UTC)


def all_subclasses(cls: type[Any]) -> Iterator[type[Any]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def notice_kinds(world: World) -> set[str]:
    """Every kind services/notifications.py emits: one event of each kind through notices_for."""
    community = world.community()
    world.member(community, admin=True)
    values: dict[str, Any] = {
        "occurred_at": T, "assigned_at": T, "task_id": 1, "submission_id": 1, "community_id": community.id,
        "giver_id": 1, "owner_id": 2, "platform": Platform.TIKTOK, "credits": 1, "reason": "too_short",
        "feedback_text": "x", "refunded": 0, "looking_until": T, "member_id": 1, "action": "warn", "warnings": 1,
        "penalty_id": 1, "until": T, "appeal_id": 1, "upheld": True, "kind": "warn",
    }  # fmt: skip
    events: list[Event] = []
    for cls in all_subclasses(Event):
        if cls.__subclasses__():
            continue
        events.append(cls(**{f.name: values[f.name] for f in fields(cls)}))
    assert any(isinstance(e, SubmissionCancelled) for e in events)
    with world.uow() as uow:
        return {notice.kind for notice in notices_for(events, uow)}


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_domain_error_code_has_a_friendly_text(language: str) -> None:
    classes: list[type[errors.DomainError]] = [errors.DomainError, *all_subclasses(errors.DomainError)]
    codes = {cls.code for cls in classes}
    assert len(codes) > 30
    missing = {code for code in codes if error_key(code) not in message_ids(language)}
    assert missing == set()


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_notice_kind_has_a_text(language: str, world: World) -> None:
    kinds = notice_kinds(world)
    assert "confirm_feedback" in kinds
    assert "dispute_opened" in kinds
    assert "held_comment" in kinds
    assert {f"notice-{kind}" for kind in kinds} <= message_ids(language)


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_rejection_reason_and_link_refusal_has_a_text(language: str) -> None:
    reasons = {rule.value for rule in QualityRule} | {reason.value for reason in RejectionReason}
    assert {f"reason-{reason}" for reason in reasons} <= message_ids(language)
    assert {f"link-why-{why}" for why in errors.UnsupportedLink.REASONS} <= message_ids(language)
    assert "link-accepted" in message_ids(language)


@pytest.mark.parametrize("language", SUPPORTED)
@pytest.mark.parametrize("reason", sorted(errors.UnsupportedLink.REASONS))
def test_every_link_refusal_says_why_with_its_facts_then_what_is_accepted(language: str, reason: str) -> None:
    texts = Texts(strict=True)
    facts: dict[str, object] = {"maximum": 2048} if reason == "too_long" else {}

    text = texts.error(language, errors.UnsupportedLink(reason, **facts))

    assert text.startswith(texts.get(language, f"link-why-{reason}", **facts))
    assert text.endswith(texts.get(language, "link-accepted"))
    assert "{" not in text


def sample_of(cls: type[errors.DomainError]) -> errors.DomainError:
    """An instance built from the constructor's own signature, with ordinary values."""
    if cls is errors.UnsupportedLink:
        return errors.UnsupportedLink(sorted(errors.UnsupportedLink.REASONS)[0])
    by_annotation = {"int": 5, "str": "x", "object": 7, "float": 1.5, "bool": True, "datetime": T}
    args: list[object] = []
    for parameter in inspect.signature(cls).parameters.values():
        if parameter.kind in {parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD}:
            continue
        if parameter.default is not parameter.empty:
            continue
        annotation = str(parameter.annotation)
        if annotation.startswith(("list", "Sequence", "Iterable")):
            args.append([])
            continue
        kind = annotation.split("|", maxsplit=1)[0].strip()
        assert kind in by_annotation, f"{cls.__name__}: no sample for {parameter.name}: {annotation}"
        args.append(by_annotation[kind])
    return cls(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize("cls", [errors.DomainError, *all_subclasses(errors.DomainError)], ids=lambda cls: cls.__name__)
def test_every_domain_error_formats_in_both_languages(cls: type[errors.DomainError]) -> None:
    error = sample_of(cls)
    for language in SUPPORTED:
        text = Texts(strict=True).error(language, error)
        assert text.strip()
        assert "{" not in text


def test_a_not_found_refusal_formats_although_it_carries_a_key() -> None:
    # NotFound errors carry a value named "key", which once collided with Texts.get's own "key".
    assert errors.TaskNotFound(5).params["key"] == 5
    assert Texts(strict=True).error("en", errors.TaskNotFound(5)) == "I could not find that task."


def test_both_languages_have_exactly_the_same_texts() -> None:
    assert message_ids("en") == message_ids("es")


def test_every_refusal_renders_in_both_languages_without_gaps() -> None:
    texts = Texts(strict=True)
    samples: list[errors.DomainError] = [
        errors.InsufficientCredits(30, 7),
        errors.PlatformNotAllowed("tiktok", ["youtube", "instagram"]),
        errors.NoChannelLinked(None),
        errors.CommunityPaused(1, None),
        errors.TooManyOpenTasks(3, 3),
        errors.TextTooLong(5000, 4000),
        errors.PlatformUnavailable("youtube", "HTTP 503"),
        errors.UnsupportedLink("story"),
        errors.ProofNotFound("TGX-ABC123"),
    ]
    for language in SUPPORTED:
        for error in samples:
            text = texts.error(language, error)
            assert "{" not in text
            assert text.strip()
    assert "You need <b>30</b> credits but have <b>7</b>" in texts.error("en", samples[0])
    assert "YouTube, Instagram" in texts.error("es", samples[1])
    assert "HTTP 503" not in texts.error("en", samples[6])  # internal detail stays in the logs


def test_values_are_escaped_but_the_catalogues_tags_are_kept() -> None:
    text = Texts(strict=True).get("en", "balance", balance=5, community="<script>&")
    assert text == "💰 You have <b>5</b> credits in <b>&lt;script&gt;&amp;</b>."
    assert plain(text) == "💰 You have 5 credits in <script>&."


def test_a_missing_text_is_an_error_when_strict_and_english_otherwise() -> None:
    with pytest.raises(Exception, match="no-such-text"):
        Texts(strict=True).get("es", "no-such-text")
    assert Texts().get("es", "no-such-text") == "no-such-text"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("es", "es"), ("es-419", "es"), ("ES_mx", "es"), ("en-GB", "en"), ("de", "en"), (None, "en"), ("", "en")],
)
def test_the_language_follows_telegrams_language_code(code: str | None, expected: str) -> None:
    assert language_for(code) == expected


def test_dates_are_written_for_the_reader() -> None:
    texts = Texts()
    assert texts.when("en", T) == "2 Mar, 00:00 UTC"
    assert texts.when("es", T) == "2 mar, 00:00 UTC"


def test_numbers_are_written_the_way_each_language_writes_them_every_time() -> None:
    texts = Texts(strict=True)
    # Twice each: the second time the remembered text is used, and it must be the same.
    for _ in range(2):
        assert "<b>12,345</b>" in texts.get("en", "balance", balance=12345, community="X")
        assert "<b>12.345</b>" in texts.get("es", "balance", balance=12345, community="X")
        assert "<b>-3</b>" in texts.get("en", "balance", balance=-3, community="X")


def test_remembered_numbers_still_choose_the_plural_form() -> None:
    texts = Texts(strict=True)
    assert texts.get("en", "reliability-new", decided=0, verified=0) == "new"
    assert texts.get("en", "reliability-new", decided=3, verified=2) == "new, 2/3 ✅"


def test_a_number_with_options_in_the_catalogue_is_not_taken_from_what_was_remembered() -> None:
    bundle = _Bundle(["en"], use_isolating=False)
    bundle.add_resource(FluentResource("plain = { $n }\nbare = { NUMBER($n, useGrouping: 0) }\n"))
    for key, expected in (("plain", "12,345"), ("bare", "12345"), ("plain", "12,345")):
        pattern = bundle.get_message(key).value
        assert pattern is not None
        text, errors = bundle.format_pattern(pattern, {"n": _display(12345)})
        assert (text, errors) == (expected, [])


@pytest.mark.parametrize(
    ("language", "by_admin", "by_rule"),
    [("en", "· given by an admin", "· rule near_copy"), ("es", "· puesta por un admin", "· regla near_copy")],
)
def test_a_penalty_says_who_gave_it_in_words(language: str, by_admin: str, by_rule: str) -> None:
    texts = Texts(strict=True)
    common = {"id": 1, "kind": "warn", "reason": "r", "has_until": False, "until": "", "has_tasks": False}
    admin = plain(texts.get(language, "me-penalty-item", rule="admin", tasks="", appealed=False, **common))
    automatic = plain(texts.get(language, "me-penalty-item", rule="near_copy", tasks="", appealed=False, **common))
    assert admin.endswith(by_admin)
    assert automatic.endswith(by_rule)
