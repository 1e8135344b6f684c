"""The ways into the Mini App from the bot: the menu button and [Open app] under /me, only where
Telegram can open the app (an https PUBLIC_BASE_URL)."""

from __future__ import annotations

import json
from pathlib import Path

from telegram import InlineKeyboardMarkup

from tests.e2e.bot.conftest import BotHarness
from tests.miniapp import bot_with_app
from tests.world import World
from tgexchange.bot.app import runtime_of
from tgexchange.bot.keyboards import Button, to_json, to_markup
from tgexchange.bot.miniapp import app_button
from tgexchange.domain.community import Community


def as_json(value: object) -> object:
    """A parameter as the Bot API receives it (PTB may hand over a JSON string or an object)."""
    return json.loads(value if isinstance(value, str) else json.dumps(value))


def web_app_buttons(buttons: list[dict[str, object]]) -> list[dict[str, object]]:
    return [b for b in buttons if "web_app" in b]


async def test_over_https_the_menu_button_opens_the_app_and_me_offers_it(world: World, tmp_path: Path) -> None:
    community = world.community()
    async with bot_with_app(world, tmp_path, public_base_url="https://tgx.example/") as bot:
        [menu] = bot.api.sent(method="setChatMenuButton")
        _, user = await bot.member(community, "Ana", language="es")

        answer = await bot.say(user, "/me")

    assert as_json(menu.params["menu_button"]) == {
        "type": "web_app",
        "text": "📊 App",
        "web_app": {"url": "https://tgx.example/app"},
    }
    assert "chat_id" not in menu.params  # every private chat
    assert web_app_buttons(answer.buttons) == [
        {"text": "📊 Abrir la app", "web_app": {"url": "https://tgx.example/app"}}
    ]
    assert answer.buttons[0] == web_app_buttons(answer.buttons)[0]  # on top, the next steps below it
    assert any(str(b.get("callback_data", "")).startswith("go:") for b in answer.buttons)


async def test_without_https_there_is_no_app_button_and_the_default_menu(bot: BotHarness, community: Community) -> None:
    _, user = await bot.member(community, "Ana")

    answer = await bot.say(user, "/me")

    [menu] = bot.api.sent(method="setChatMenuButton")
    assert as_json(menu.params["menu_button"]) == {"type": "default"}
    assert web_app_buttons(answer.buttons) == []
    assert app_button(runtime_of(bot.app), "en") is None


async def test_the_admin_button_for_dashboard_opens_the_admin_view(world: World, tmp_path: Path) -> None:
    async with bot_with_app(world, tmp_path, public_base_url="https://tgx.example") as bot:
        button = app_button(runtime_of(bot.app), "en", admin=True)

    assert button == Button("📊 Open app", web_app="https://tgx.example/app?tab=admin")


def test_a_web_app_button_is_rendered_for_ptb_and_as_bot_api_json() -> None:
    keyboard = ((Button("App", web_app="https://tgx.example/app"),), (Button("Go", callback_data="go:task"),))

    markup = to_markup(keyboard)

    assert isinstance(markup, InlineKeyboardMarkup)
    assert markup.to_dict() == to_json(keyboard)
    assert to_json(keyboard) == {
        "inline_keyboard": [
            [{"text": "App", "web_app": {"url": "https://tgx.example/app"}}],
            [{"text": "Go", "callback_data": "go:task"}],
        ]
    }
