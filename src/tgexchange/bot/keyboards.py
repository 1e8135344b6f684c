"""Inline keyboards, described once and rendered for PTB (the bot process) or as Bot API JSON (the
worker's notifier), so both send the same buttons.

Callback data is ``<action>:<id>[:<arg>]``, well under Telegram's 64 bytes. It comes back from the
member's client and is never trusted: every handler re-checks who may do what in the use case.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from tgexchange.bot.texts import Texts
from tgexchange.domain.content import Platform


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None
    web_app: str | None = None  # a Mini App's https URL, opened inside Telegram (private chats only)


Keyboard = tuple[tuple[Button, ...], ...]

# Callback actions.
TASK_DONE = "td"
TASK_SKIP = "ts"
SUBMISSION_WITHDRAW = "sw"
SUBMISSION_WITHDRAW_YES = "sy"
SUBMISSION_KEEP = "sk"
OWNER_REVIEW = "or"
DISPUTE = "dp"
ADMIN_RESOLVE = "ar"
LANGUAGE = "lg"
COMMUNITY = "cm"
LINK_PLATFORM = "lp"
SETTINGS = "st"
ANONYMOUS_ADMIN = "aa"
CANCEL = "cx"
SUBMIT_COUNT = "sb"
MOST_COUNT_BUTTONS = 5
ADMIN_MENU = "am"
CLOSE = "x"  # ADMIN_MENU's argument that closes any admin menu
RATE = "rt"


def callback(action: str, *parts: object) -> str:
    return ":".join([action, *(str(p) for p in parts)])


def parse_callback(data: str | None) -> tuple[str, list[str]]:
    """(action, parts); ("", []) for missing data."""
    if not data:
        return "", []
    action, *parts = data.split(":")
    return action, parts


def to_markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return _markup(keyboard)


class _Markup(InlineKeyboardMarkup):
    """A markup whose Bot API form is worked out once: PTB serializes the reply_markup of every
    message it sends (``to_dict``, ~0.016 ms for two buttons here), and these never change."""

    __slots__ = ("_as_dict",)
    _as_dict: dict[str, Any]

    def __init__(self, rows: list[list[InlineKeyboardButton]]) -> None:
        super().__init__(rows)
        # Frozen by now (PTB's objects are): this one private field is set on the side, once.
        object.__setattr__(self, "_as_dict", super().to_dict())

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive=False)
        # A new outer dict per call, as PTB's gives; the rows inside are only ever read (dumped).
        return dict(self._as_dict)


# PTB's objects are frozen, so one markup serves every answer with the same buttons (most carry
# the next steps: a handful of keyboards per language).
@lru_cache(maxsize=1024)
def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup:
    return _Markup([[_ptb_button(b) for b in row] for row in keyboard])


def _ptb_button(b: Button) -> InlineKeyboardButton:
    if b.web_app:
        return InlineKeyboardButton(b.text, web_app=WebAppInfo(b.web_app))
    if b.url:
        return InlineKeyboardButton(b.text, url=b.url)
    return InlineKeyboardButton(b.text, callback_data=b.callback_data)


def _json_button(b: Button) -> dict[str, Any]:
    if b.web_app:
        return {"text": b.text, "web_app": {"url": b.web_app}}
    if b.url:
        return {"text": b.text, "url": b.url}
    return {"text": b.text, "callback_data": b.callback_data}


def to_json(keyboard: Keyboard | None) -> dict[str, Any] | None:
    """The Bot API's InlineKeyboardMarkup object."""
    if not keyboard:
        return None
    return {"inline_keyboard": [[_json_button(b) for b in row] for row in keyboard]}


def task_card(texts: Texts, language: str, *, task_id: int, url: str) -> Keyboard:
    return (
        (Button(texts.label(language, "button-open"), url=url),),
        (
            Button(texts.label(language, "button-done"), callback_data=callback(TASK_DONE, task_id)),
            Button(texts.label(language, "button-skip"), callback_data=callback(TASK_SKIP, task_id)),
        ),
    )


def owner_review(texts: Texts, language: str, *, task_id: int, url: str) -> Keyboard:
    """Open first: the owner looks before answering."""
    return (
        (Button(texts.label(language, "button-open"), url=url),),
        (
            Button(texts.label(language, "button-confirm"), callback_data=callback(OWNER_REVIEW, task_id, 1)),
            Button(texts.label(language, "button-not-there"), callback_data=callback(OWNER_REVIEW, task_id, 0)),
        ),
    )


def held_review(texts: Texts, language: str, *, task_id: int, url: str) -> Keyboard:
    """A comment YouTube may hold for the owner's review: the same answers as ``owner_review``
    (the same handler decides by the task's stage), worded for the held comments."""
    return (
        (Button(texts.label(language, "button-open"), url=url),),
        (
            Button(texts.label(language, "button-held-yes"), callback_data=callback(OWNER_REVIEW, task_id, 1)),
            Button(texts.label(language, "button-held-no"), callback_data=callback(OWNER_REVIEW, task_id, 0)),
        ),
    )


def dispute(texts: Texts, language: str, *, task_id: int) -> Keyboard:
    return ((Button(texts.label(language, "button-dispute"), callback_data=callback(DISPUTE, task_id)),),)


def admin_resolve(texts: Texts, language: str, *, task_id: int, url: str | None) -> Keyboard:
    rows: list[tuple[Button, ...]] = []
    if url:
        rows.append((Button(texts.label(language, "button-open"), url=url),))
    rows.append(
        (
            Button(texts.label(language, "button-verify"), callback_data=callback(ADMIN_RESOLVE, task_id, 1)),
            Button(texts.label(language, "button-reject"), callback_data=callback(ADMIN_RESOLVE, task_id, 0)),
        )
    )
    return tuple(rows)


def languages() -> Keyboard:
    # Each language's name in itself, so anyone can find theirs.
    return (
        (
            Button("English", callback_data=callback(LANGUAGE, "en")),
            Button("Español", callback_data=callback(LANGUAGE, "es")),
        ),
    )


def platforms(allowed: frozenset[Platform]) -> Keyboard:
    return (tuple(Button(p.label, callback_data=callback(LINK_PLATFORM, p.value)) for p in Platform if p in allowed),)


def withdraw(texts: Texts, language: str, *, submission_id: int) -> Keyboard:
    return (
        (
            Button(
                texts.label(language, "button-withdraw-yes"),
                callback_data=callback(SUBMISSION_WITHDRAW_YES, submission_id),
            ),
            Button(texts.label(language, "button-keep"), callback_data=callback(SUBMISSION_KEEP, submission_id)),
        ),
    )


def cancel(texts: Texts, language: str) -> Keyboard:
    return ((Button(texts.label(language, "button-cancel"), callback_data=callback(CANCEL)),),)


def feedback_counts(texts: Texts, language: str, *, most: int, price: int) -> Keyboard:
    """[1 · 10] [2 · 20] [3 · 30]…: how many members to pay for, up to what the member can afford
    (at most five choices, evenly spread when more are affordable), then [Cancel]."""
    if most <= MOST_COUNT_BUTTONS:
        counts = list(range(1, most + 1))
    else:
        counts = sorted({round(1 + i * (most - 1) / (MOST_COUNT_BUTTONS - 1)) for i in range(MOST_COUNT_BUTTONS)})
    row = tuple(
        Button(
            texts.label(language, "button-feedback-count", count=n, credits=n * price),
            callback_data=callback(SUBMIT_COUNT, n),
        )
        for n in counts
    )
    return (row[:3], row[3:], *cancel(texts, language)) if len(row) > 3 else (row, *cancel(texts, language))


def add_to_group(texts: Texts, language: str, *, bot_username: str) -> Keyboard:
    url = f"https://t.me/{bot_username}?startgroup=true"
    return ((Button(texts.label(language, "button-add-to-group"), url=url),),)


def back_and_close(texts: Texts, language: str, *, back: str, community_id: int) -> tuple[Button, ...]:
    """The last row of every private admin menu: [⬅ Back] to ``back`` (callback data), [✖ Close]."""
    return (
        Button(texts.label(language, "button-back"), callback_data=back),
        Button(texts.label(language, "button-close-menu"), callback_data=callback(ADMIN_MENU, community_id, CLOSE)),
    )
