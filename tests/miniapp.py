"""Opening the Mini App as Telegram would: init data signed with the test bot's token (or forged),
and the page's address with Telegram's launch parameters in its fragment."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from tests.botapi import TOKEN, BotApi
from tests.e2e.bot.conftest import BotHarness, build_harness_app
from tests.fakes import FakeQualityGate, RecordingQueue
from tests.settings import settings_of
from tests.world import World
from tgexchange.bootstrap import Container, bootstrap
from tgexchange.bot.app import start_bot, stop_bot
from tgexchange.config import Settings
from tgexchange.web.initdata import sign, user_fields

# Telegram's default light theme, as an Android client passes it (tgWebAppThemeParams).
LIGHT_THEME = {
    "bg_color": "#ffffff",
    "secondary_bg_color": "#f0f0f0",
    "section_bg_color": "#ffffff",
    "text_color": "#222222",
    "hint_color": "#a8a8a8",
    "link_color": "#2678b6",
    "button_color": "#50a8eb",
    "button_text_color": "#ffffff",
    "header_bg_color": "#527da3",
    "accent_text_color": "#1c93e3",
    "destructive_text_color": "#cc2929",
}
DARK_THEME = {
    "bg_color": "#212d3b",
    "secondary_bg_color": "#151e27",
    "section_bg_color": "#1d2733",
    "text_color": "#ffffff",
    "hint_color": "#7d8b99",
    "link_color": "#5eabe1",
    "button_color": "#50a8eb",
    "button_text_color": "#ffffff",
    "header_bg_color": "#242d39",
    "section_separator_color": "#0d1218",
    "destructive_text_color": "#ee686f",
}


def init_data(
    telegram_user_id: int,
    *,
    now: datetime,
    first_name: str = "Ana",
    language: str | None = "en",
    token: str = TOKEN,
) -> str:
    return sign(
        user_fields(telegram_user_id, first_name=first_name, auth_date=now, language_code=language), bot_token=token
    )


def tma(data: str) -> dict[str, str]:
    return {"Authorization": f"tma {data}"}


def app_address(base_url: str, data: str, *, theme: dict[str, str] | None = None, query: str = "") -> str:
    """``/app`` as Telegram opens it: init data, version, platform and theme in the fragment."""
    fragment = f"tgWebAppData={quote(data, safe='')}&tgWebAppVersion=8.0&tgWebAppPlatform=android"
    if theme is not None:
        fragment += f"&tgWebAppThemeParams={quote(json.dumps(theme), safe='')}"
    return f"{base_url}/app{query}#{fragment}"


def app_settings(data_dir: Path, *, public_base_url: str, database_url: str | None = None) -> Settings:
    env: dict[str, str | None] = {
        "TGEXCHANGE_DATA_DIR": str(data_dir),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": public_base_url,
        "SECRET_KEY": None,
    }
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return settings_of(**env)


def app_container(world: World, data_dir: Path, *, public_base_url: str = "http://testserver") -> Container:
    return Container(
        settings=app_settings(data_dir, public_base_url=public_base_url), storage=world.storage, clock=world.clock
    )


@asynccontextmanager
async def bot_with_app(world: World, data_dir: Path, *, public_base_url: str) -> AsyncIterator[BotHarness]:
    """The bot harness (tests/e2e/bot) on a container whose settings have the bot's token and
    ``public_base_url``, so that the same container can also serve the Mini App."""
    url = world.storage.engine.url.render_as_string(hide_password=False)
    settings = app_settings(data_dir, public_base_url=public_base_url, database_url=url)
    gate = FakeQualityGate()
    container = bootstrap(settings, clock=world.clock, readers=(world.platform, world.platform), quality_gate=gate)
    api, queue = BotApi(), RecordingQueue()
    app = build_harness_app(container, api, queue)
    async with app:
        await start_bot(app)
        harness = BotHarness(app, api, world, container, queue)
        harness.gate = gate
        yield harness
        await stop_bot(app)
    container.storage.dispose()
