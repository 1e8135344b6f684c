"""The webhook face: a FastAPI router that takes Telegram's POSTs and feeds the same Application
(built with ``polling=False``). Mount it into any FastAPI app; its lifespan starts and stops the
bot with that app."""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import APIRouter, Request, Response
from telegram import Update

from tgexchange.bot.app import ALLOWED_UPDATES, App, start_bot, stop_bot
from tgexchange.bot.guards import is_actionable
from tgexchange.bot.inbox import Inbox, decoder
from tgexchange.bot.ordering import PerSenderUpdateProcessor
from tgexchange.bot.runtime import RUNTIME_KEY, Runtime

log = structlog.get_logger("tgexchange.bot.webhook")

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret
# What Telegram accepts as secret_token in setWebhook.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def webhook_router(
    application: App, secret: str, *, path: str = WEBHOOK_PATH, public_url: str | None = None
) -> APIRouter:
    """POST ``path``: 403 unless the secret-token header matches ``secret`` (nothing is read or
    processed then), 400 for a body that is not an update, 503 when the update cannot be stored
    (Telegram retries), else 200 once the update is stored in the inbox (bot/inbox.py) and queued;
    a redelivered update is answered 200 and nothing else. Updates the bot never acts on (group
    chatter, edits) are answered 200 without a write. With ``public_url``, the lifespan also
    registers the webhook with Telegram (setWebhook with the secret). Raises ValueError for a
    secret Telegram would not accept."""
    if not _SECRET.fullmatch(secret):
        raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    expected = secret.encode()
    inbox = _inbox_for(application)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        async with application:
            await start_bot(application)
            if public_url:
                await application.bot.set_webhook(
                    url=public_url.rstrip("/") + path, secret_token=secret, allowed_updates=ALLOWED_UPDATES
                )
            await application.start()
            if inbox is not None:
                inbox.start(application.update_queue.put, decoder(application.bot))
            try:
                yield
            finally:
                await application.stop()  # finishes the updates in flight
                if inbox is not None:
                    await inbox.stop()
                await stop_bot(application)

    router = APIRouter(lifespan=lifespan)

    @router.post(path, include_in_schema=False)
    async def telegram_update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None or not hmac.compare_digest(given.encode(), expected):
            log.warning("webhook_forbidden", client=request.client.host if request.client else None)
            return Response(status_code=403)
        try:
            body = (await request.body()).decode()
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, application.bot)
        except Exception as error:  # any body that is not an update: JSON, shape or field types
            log.warning("webhook_bad_request", error=repr(error))
            return Response(status_code=400)
        if inbox is not None:
            if not is_actionable(update):
                return Response(status_code=200)  # nothing would be done with it: nothing to keep
            try:
                if not await inbox.accept(update.update_id, body):
                    log.info("update_redelivered", update_id=update.update_id)
                    return Response(status_code=200)
            except Exception:
                # Not stored, so not accepted: Telegram delivers it again later.
                log.exception("webhook_update_not_stored", update_id=update.update_id)
                return Response(status_code=503)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return router


def _inbox_for(application: App) -> Inbox | None:
    """The inbox of a tgexchange Application (one built by build_application); None for another
    (the benchmark's bare bot), which is served as before: queued, not stored."""
    rt = application.bot_data.get(RUNTIME_KEY)
    processor = application.update_processor
    if not isinstance(rt, Runtime):
        return None
    settings = rt.container.settings
    inbox = Inbox(
        rt.container.webhook_inbox,
        run=rt.run,
        now=rt.now,
        lease_s=settings.webhook_lease_s,
        every_s=settings.webhook_recovery_every_s,
    )
    rt.inbox = inbox
    if isinstance(processor, PerSenderUpdateProcessor):
        processor.finished = inbox.finished
    return inbox
