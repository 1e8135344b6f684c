"""The dashboard's message pages (no session, logged out, a link that cannot be used), styled like
the dashboard, and what they tell a person to do next: ask the bot for a new link only where a
bot runs; without one (the demo), run the command that prints links."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from tgexchange.config import Settings
from tgexchange.web.templates import render

WITH_BOT = "Send /dashboard to the bot in a private chat for a new login link (it works once, for 10 minutes)."
WITHOUT_BOT = (
    "This server runs without a Telegram bot (TELEGRAM_BOT_TOKEN is not set), so no bot hands out links here. "
    "In the demo, run `tgexchange demo` again: it prints a new login link (it works once, for 10 minutes)."
)


def how_to_log_in(settings: Settings) -> str:
    token = settings.telegram_bot_token
    return WITH_BOT if token is not None and token.get_secret_value().strip() else WITHOUT_BOT


def message_page(request: Request, settings: Settings, *, title: str, message: str, status_code: int) -> HTMLResponse:
    from tgexchange.web.page import asset_url  # page imports the dashboard's routes, which import this

    context = {
        "title": title,
        "message": message,
        "next_step": how_to_log_in(settings),
        "css_url": asset_url("dashboard.css"),
    }
    return render(request, "message.html", context, status_code=status_code)
