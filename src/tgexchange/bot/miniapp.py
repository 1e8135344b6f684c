"""Ways into the Mini App from the bot: the chat's menu button, and an [Open app] button under
messages that would rather be looked at (``/me``; ``/dashboard`` should put ``app_button(rt,
lang, admin=True)`` above its login link).

Telegram opens Mini Apps from https addresses only, so without an https PUBLIC_BASE_URL there
is no app: no button, and the default menu. The one-time dashboard link stays for browsers
outside Telegram."""

from __future__ import annotations

from urllib.parse import urlsplit

from telegram import Bot, MenuButtonDefault, MenuButtonWebApp, WebAppInfo

from tgexchange.bot.keyboards import Button, Keyboard
from tgexchange.bot.runtime import Runtime
from tgexchange.bot.texts import DEFAULT
from tgexchange.config import Settings

APP_PATH = "/app"


def app_url(settings: Settings, *, admin: bool = False) -> str | None:
    """The Mini App's address, or None when it cannot be opened from Telegram (not https)."""
    base = settings.public_base_url.strip().rstrip("/")
    if urlsplit(base).scheme != "https":
        return None
    return f"{base}{APP_PATH}" + ("?tab=admin" if admin else "")


def app_button(rt: Runtime, lang: str, *, admin: bool = False) -> Button | None:
    """[📊 Open app] (a ``web_app`` button: private chats only), or None without an app.
    ``admin`` opens the admin view first."""
    url = app_url(rt.container.settings, admin=admin)
    if url is None:
        return None
    return Button(rt.texts.label(lang, "button-open-app"), web_app=url)


def with_app_button(rt: Runtime, lang: str, keyboard: Keyboard) -> Keyboard:
    """``keyboard`` with [Open app] on a row of its own above it, when there is an app."""
    button = app_button(rt, lang)
    return keyboard if button is None else ((button,), *keyboard)


async def set_menu_button(bot: Bot, rt: Runtime) -> None:
    """The menu button of every private chat opens the app (or is Telegram's default again when
    there is no app, so a button left from an earlier https address does not lead nowhere). One
    label for everyone: the Bot API sets the default menu button without a language."""
    url = app_url(rt.container.settings)
    if url is None:
        await bot.set_chat_menu_button(menu_button=MenuButtonDefault())
        return
    await bot.set_chat_menu_button(
        menu_button=MenuButtonWebApp(rt.texts.label(DEFAULT, "menu-button-app"), WebAppInfo(url))
    )
