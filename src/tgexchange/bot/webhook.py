"""The webhook face: a FastAPI router that takes Telegram's POSTs and feeds the same Application
(built with ``polling=False``). Mount it into any FastAPI app; its lifespan starts and stops the
bot with that app."""

from __future__ import annotations

import hmac
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import APIRouter, Request, Response
from telegram import Update

from tgexchange.bot.app import ALLOWED_UPDATES, App, start_bot, stop_bot

log = structlog.get_logger("tgexchange.bot.webhook")

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret
# What Telegram accepts as secret_token in setWebhook.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def webhook_router(
    application: App, secret: str, *, path: str = WEBHOOK_PATH, public_url: str | None = None
) -> APIRouter:
    """POST ``path``: 403 unless the secret-token header matches ``secret`` (nothing is read or
    processed then), 400 for a body that is not an update, else 200 once the update is queued.
    With ``public_url``, the lifespan also registers the webhook with Telegram (setWebhook with the
    secret). Raises ValueError for a secret Telegram would not accept."""
    if not _SECRET.fullmatch(secret):
        raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    expected = secret.encode()

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        async with application:
            await start_bot(application)
            if public_url:
                await application.bot.set_webhook(
                    url=public_url.rstrip("/") + path, secret_token=secret, allowed_updates=ALLOWED_UPDATES
                )
            await application.start()
            try:
                yield
            finally:
                await application.stop()  # finishes the updates in flight
                await stop_bot(application)

    router = APIRouter(lifespan=lifespan)

    @router.post(path, include_in_schema=False)
    async def telegram_update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None or not hmac.compare_digest(given.encode(), expected):
            log.warning("webhook_forbidden", client=request.client.host if request.client else None)
            return Response(status_code=403)
        try:
            data = await request.json()
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, application.bot)
        except Exception as error:  # any body that is not an update: JSON, shape or field types
            log.warning("webhook_bad_request", error=repr(error))
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return router
