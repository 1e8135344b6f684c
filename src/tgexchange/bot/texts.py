"""Every word the bot says, from the Fluent catalogue in ``locales/<language>/bot.ftl``.

Texts are Telegram HTML. Values passed in are escaped here (``html.escape``), so a member named
``<b>boss</b>`` shows up literally and cannot break or restyle a message; only the catalogue's own
tags reach Telegram. Button labels are plain text and are not escaped (Telegram shows them as is).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping
from datetime import datetime
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_datetime, format_timedelta
from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.resolver import CurrentEnvironment, Pattern, ResolverEnvironment
from fluent.runtime.types import FluentInt, FluentNone, FluentType
from fluent.runtime.utils import native_to_fluent
from fluent.syntax import ast as ftl

from tgexchange.domain.content import Platform
from tgexchange.domain.errors import DomainError, UnsupportedLink
from tgexchange.domain.languages import DEFAULT_LANGUAGE, LANGUAGES

LOCALES = Path(__file__).parent / "locales"
SUPPORTED = LANGUAGES
DEFAULT = DEFAULT_LANGUAGE

Value = str | int | float | Decimal


class Raw(str):
    """Text that is already Telegram HTML from the catalogue (one text placed inside another):
    ``Texts.get`` places it as it is instead of escaping it."""

    __slots__ = ()


MAX_TITLE = 80  # characters of a video's title shown in a message


def short(text: str, limit: int) -> str:
    """The text cut to ``limit`` characters with an ellipsis (titles and quotes stay one glance)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class CatalogueError(Exception):
    """A catalogue file does not parse, or a text is missing or cannot be formatted."""


def language_for(code: str | None) -> str:
    """The supported language closest to a Telegram ``language_code`` ("es-419" → "es")."""
    if code:
        base = code.split("-", 1)[0].split("_", 1)[0].lower()
        if base in SUPPORTED:
            return base
    return DEFAULT


@lru_cache(maxsize=8192)
def _formatted_int(value: int, locale: Locale) -> str:
    return FluentInt.format(FluentInt(value), locale)


class _Int(FluentInt):
    """An integer whose text is remembered per language. Fluent runs Babel's number pattern on
    every count and balance of every message (six in /me: most of formatting it, half of what
    Babel's pattern costs is rounding an int); the text of 12 in English never changes. Plural
    selection still sees the number."""

    def format(self, locale: Locale) -> str:
        if self.options is not self.default_number_format_options:
            return super().format(locale)  # NUMBER() with options in the catalogue
        return _formatted_int(int(self), locale)


class _Bundle(FluentBundle):
    """fluent.runtime 0.4's bundle, except that arguments that are Fluent values already stay as
    they are (its ``format_pattern`` would turn an ``_Int`` back into a plain ``FluentInt``)."""

    def format_pattern(
        self, pattern: Pattern, args: dict[str, Any] | None = None
    ) -> tuple[str | FluentNone, list[Exception]]:
        fluent_args = {
            name: value if isinstance(value, FluentType) else native_to_fluent(value)
            for name, value in (args or {}).items()
        }
        errors: list[Exception] = []
        env = ResolverEnvironment(context=self, current=CurrentEnvironment(args=fluent_args), errors=errors)
        try:
            result = pattern(env)
        except ValueError as error:  # as fluent.runtime does: a message too long or too deep
            errors.append(error)
            result = "{???}"
        return result, errors


def _load(language: str) -> FluentBundle:
    source = (LOCALES / language / "bot.ftl").read_text(encoding="utf-8")
    resource = FluentResource(source)
    broken = [entry for entry in resource.body if isinstance(entry, ftl.Junk)]
    if broken:
        raise CatalogueError(f"{language}/bot.ftl does not parse near: {(broken[0].content or '')[:80]!r}")
    # No bidi isolation marks around values: Telegram renders them and they would break links.
    bundle = _Bundle([language], use_isolating=False)
    bundle.add_resource(resource)
    return bundle


@cache
def _bundles() -> dict[str, FluentBundle]:
    return {language: _load(language) for language in SUPPORTED}


def message_ids(language: str) -> frozenset[str]:
    return frozenset(_bundles()[language]._messages)  # the bundle has no public listing


def _display(value: object) -> Value:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return _Int(value)
    if isinstance(value, float | Decimal):
        return value
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(_display(v)) for v in value)
    return str(value)


def platform_label(value: str) -> str:
    """ "youtube" → "YouTube"; anything else is shown as it came."""
    try:
        return Platform(value).label
    except ValueError:
        return value


def error_key(code: str) -> str:
    return f"error-{code}"


class Texts:
    """``strict`` raises CatalogueError for a missing text or a formatting error (tests use it);
    otherwise the English text, then the key itself, stands in and the problem is logged."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self._bundles = _bundles()

    def has(self, language: str, key: str) -> bool:
        return self._bundles[language].has_message(key)

    def _format(self, language: str, key: str, args: Mapping[str, Value]) -> str:
        bundle = self._bundles.get(language) or self._bundles[DEFAULT]
        if not bundle.has_message(key):
            if self.strict:
                raise CatalogueError(f"no text {key!r} in {language}")
            bundle = self._bundles[DEFAULT]
            if not bundle.has_message(key):
                return key
        message = bundle.get_message(key)
        if message.value is None:
            raise CatalogueError(f"text {key!r} has no value")
        text, errors = bundle.format_pattern(message.value, dict(args))
        if errors and self.strict:
            raise CatalogueError(f"{language}:{key}: {errors}")
        return str(text)

    def get(self, language: str, key: str, /, **params: object) -> str:
        """The HTML text ``key`` with ``params`` escaped. Positional-only, so that a value may be
        called ``key`` or ``language`` (a NotFound refusal carries a ``key``)."""
        args = {
            name: value
            if isinstance(value, Raw)
            else html.escape(shown, quote=True)
            if isinstance(shown := _display(value), str)
            else shown
            for name, value in params.items()
        }
        return self._format(language, key, args)

    def label(self, language: str, key: str, /, **params: object) -> str:
        """A button label: plain text, not escaped."""
        return self._format(language, key, {name: _display(value) for name, value in params.items()})

    def error(self, language: str, error: DomainError, *, allowed: Collection[Platform] | None = None) -> str:
        """The friendly text for a refusal, chosen by its stable ``code``. For a refused link,
        ``allowed`` (the community's platforms) narrows what it says to send instead."""
        if isinstance(error, UnsupportedLink):
            # "why" and "accepted" are catalogue texts (already HTML), so they are not escaped again.
            why = self.get(language, f"link-why-{error.reason}", **error.params)
            accepted = self.link_forms(language, allowed) if allowed else self.get(language, "link-accepted")
            return self._format(language, error_key(error.code), {"why": why, "accepted": accepted})
        params = {
            name: value for name, value in error.params.items() if name != "detail" or error.code == "invalid_settings"
        }
        if isinstance(params.get("platform"), str):
            params["platform"] = platform_label(str(params["platform"]))
        named = params.get("allowed")
        if isinstance(named, list):
            params["allowed"] = [platform_label(str(p)) for p in named]
        params["has_reason"] = bool(params.get("reason"))
        params["has_platform"] = bool(params.get("platform"))
        key = error_key(error.code)
        if not self.has(language, key):
            if self.strict:
                raise CatalogueError(f"no text for error code {error.code!r} in {language}")
            key = error_key(DomainError.code)
        return self.get(language, key, **params)

    def link_forms(self, language: str, allowed: Collection[Platform]) -> Raw:
        """ "Send me a link to one YouTube video or Short or one TikTok video …", naming only the
        platforms a community takes, in the catalogue's order of platforms."""
        # The parts are catalogue texts (HTML already): joined as they are, not escaped again.
        forms = [self.get(language, f"link-form-{p.value}") for p in Platform if p in allowed]
        joined = (
            forms[0]
            if len(forms) == 1
            else self._format(language, "link-forms-or", {"first": ", ".join(forms[:-1]), "last": forms[-1]})
        )
        return Raw(self._format(language, "link-send-content", {"forms": joined}))

    def reason(self, language: str, reason: str | None) -> str:
        """Why feedback was refused (a quality rule or a verification outcome)."""
        key = f"reason-{reason}"
        return self.get(language, key if reason and self.has(language, key) else "reason-rejected")

    def cancel_reason(self, language: str, reason: str | None) -> str:
        key = f"cancel-reason-{reason}"
        return self.get(language, key if reason and self.has(language, key) else "cancel-reason-other")

    def when(self, language: str, moment: datetime) -> str:
        """A date and time members read at a glance, in UTC (Telegram tells us no time zone)."""
        return f"{format_datetime(moment, 'd MMM, HH:mm', tzinfo=None, locale=language)} UTC"

    def until(self, language: str, moment: datetime, *, now: datetime) -> str:
        """A moment ahead as the day and hour, with how far that is in the member's terms:
        "Thu 07:08 UTC (in 2 days)"; it reads after "until", "by" or "due"."""
        ahead = format_timedelta(moment - now, add_direction=True, threshold=1.5, locale=language)
        clock = format_datetime(moment, "EEE HH:mm", tzinfo=None, locale=language)
        return f"{clock} UTC ({ahead})"


_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """An HTML text as plain text, for places Telegram shows without formatting (button toasts)."""
    return html.unescape(_TAG.sub("", text))
