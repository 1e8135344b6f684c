"""Fuzzing the bot with varied real updates (tests/fuzzing/updates.py), a fixed slice: the long
run is bench/fuzz.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzzing import run
from tests.fuzzing.updates import BotUnderFuzz, check_sent, updates
from tests.world import World
from tgexchange.domain.community import CommunitySettings


def test_no_update_makes_a_handler_fail_or_leak(world: World, tmp_path: Path) -> None:
    with BotUnderFuzz(world, tmp_path) as bot:
        assert bot.cast is not None
        tally = run("updates", updates(bot.cast), bot.feed, cases=250)
    labels = set(tally.outcomes)
    # Every kind of update reached the handlers, and most got an answer.
    assert {"message: answered", "callback_query: answered", "not an update"} <= labels, tally.outcomes
    assert any(label.startswith(("chat_member", "my_chat_member")) for label in labels), tally.outcomes


def test_the_settings_menu_keeps_valid_settings_whatever_is_pressed(world: World, tmp_path: Path) -> None:
    with BotUnderFuzz(world, tmp_path) as bot:
        cast = bot.cast
        assert cast is not None
        from tests.fuzzing.updates import callback_data

        presses = callback_data(cast).filter(lambda data: data.startswith("st:"))
        from tests.botapi import Call, Updates

        maker = Updates()

        def press(data: str) -> str:
            chat = {"id": cast.admin.id, "type": "private", "first_name": cast.admin.first_name}
            message = {"message_id": 1, "date": maker.date, "text": "Settings", "chat": chat}
            sent = Call("sendMessage", {"chat_id": cast.admin.id, "text": "Settings"}, message)
            label = bot.feed((maker.press(cast.admin, sent, data), True))
            stored = bot.stored_settings()
            assert CommunitySettings.from_json(stored.to_json()) == stored
            return label

        tally = run("bot settings", presses, press, cases=120)
    assert tally.outcomes["callback_query: answered"] >= 100


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("sendMessage", {"text": "x" * 4097}),
        ("sendMessage", {"text": "<b>open", "parse_mode": "HTML"}),
        ("sendMessage", {"text": "Sorry: ValueError('boom')"}),
        ("answerCallbackQuery", {"text": "y" * 201}),
        ("editMessageText", {"text": "  "}),
    ],
)
def test_the_check_refuses_what_telegram_or_a_member_should_not_get(method: str, params: dict[str, object]) -> None:
    with pytest.raises(Exception, match=r".+"):
        check_sent(method, params, "cause")
