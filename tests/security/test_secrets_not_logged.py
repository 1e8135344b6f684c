"""Secrets come from the environment and never reach a log line, an error message or a reply.

Known values are set for every secret; the bot (over the real HTTP layer of PTB and httpx, with
Telegram answered by a mock transport, failing too), the webhook, the dashboard's and Mini App's
API and the YouTube reader are run with logs at DEBUG, structlog and the logging module both
captured; then no secret may appear in anything captured."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import structlog
from telegram.request import HTTPXRequest

from tests.botapi import TgUser, Updates
from tests.fakes import RecordingQueue
from tests.settings import settings_of
from tests.world import World
from tgexchange.adapters.platforms.youtube_api import YouTubeApiReader
from tgexchange.bootstrap import Container
from tgexchange.bot.app import build_application, start_bot, stop_bot
from tgexchange.bot.flood import FloodGate
from tgexchange.bot.webhook import SECRET_HEADER, webhook_router
from tgexchange.config import Settings
from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import DomainError
from tgexchange.logs import configure_logging
from tgexchange.web.app import create_app

BOT_TOKEN = "7000000001:AAsecret-BOT-token-0123456789abcdefXYZ"
WEBHOOK_SECRET = "secret-WEBHOOK-value_0123456789"
SECRET_KEY = "secret-SIGNING-key-0123456789abcdef0123456789"
OPERATOR_TOKEN = "secret-OPERATOR-token-0123456789abcdef0123"
YOUTUBE_API_KEY = "AIzaSecret-YOUTUBE-key_0123456789abcdef"
SECRETS = (BOT_TOKEN, WEBHOOK_SECRET, SECRET_KEY, OPERATOR_TOKEN, YOUTUBE_API_KEY)


def settings(directory: Path) -> Settings:
    return settings_of(
        TGEXCHANGE_DATA_DIR=str(directory),
        TELEGRAM_BOT_TOKEN=BOT_TOKEN,
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        SECRET_KEY=SECRET_KEY,
        OPERATOR_TOKEN=OPERATOR_TOKEN,
        YOUTUBE_API_KEY=YOUTUBE_API_KEY,
        PUBLIC_BASE_URL="http://testserver",
    )


def leaked(text: str) -> list[str]:
    """The secrets in ``text``, also the bot token's secret half alone."""
    return [s for s in (*SECRETS, BOT_TOKEN.split(":", 1)[1]) if s in text]


class Logs:
    """The application's logging as `tgexchange` configures it, at DEBUG, as JSON lines: structlog
    writes to ``stream`` (its stderr), the logging module's records go to pytest's caplog."""

    def __init__(self, stream: io.StringIO, caplog: pytest.LogCaptureFixture) -> None:
        self.stream = stream
        self.caplog = caplog

    def text(self) -> str:
        """What was written: every log line, as an operator would read it."""
        assert self.caplog.records or self.stream.getvalue()
        return self.stream.getvalue()


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> Iterator[Logs]:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # else pytest's keep basicConfig from acting
    caplog.set_level(logging.DEBUG)
    configure_logging(level="DEBUG", json=True)
    yield Logs(stream, caplog)
    structlog.reset_defaults()
    for name in ("httpx", "alembic"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def test_settings_show_no_secret_however_they_are_printed(tmp_path: Path) -> None:
    loaded = settings(tmp_path)
    shown = "\n".join([repr(loaded), str(loaded), loaded.model_dump_json(), json.dumps(loaded.model_dump(mode="json"))])
    assert leaked(shown) == []
    assert loaded.telegram_bot_token is not None
    assert loaded.telegram_bot_token.get_secret_value() == BOT_TOKEN


def telegram(request: httpx.Request) -> httpx.Response:
    """Telegram through httpx: getMe and the menus work, sending a message fails (a 502 from a
    proxy, then the connection drops), so that errors are logged."""
    method = request.url.path.rsplit("/", 1)[-1]
    if method == "getMe":
        me = {"id": 7000000001, "is_bot": True, "first_name": "X", "username": "x_bot"}
        return httpx.Response(200, json={"ok": True, "result": me})
    if method == "sendMessage":
        if b"first" in request.content:
            return httpx.Response(502, text=f"Bad Gateway for {request.url}")
        raise httpx.ConnectError(f"connection to {request.url} dropped", request=request)
    return httpx.Response(200, json={"ok": True, "result": True})


async def test_the_bot_and_its_webhook_log_no_token_even_when_telegram_fails(
    world: World, tmp_path: Path, logs: Logs
) -> None:
    container = Container(settings=settings(tmp_path), storage=world.storage, clock=world.clock)
    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(telegram)})
    app = build_application(
        container, token=BOT_TOKEN, queue=RecordingQueue(), request=request, get_updates_request=request,
        polling=False, rate_limit=False, flood=FloodGate(burst=100),
    )  # fmt: skip
    web = create_app(container, extra_routers=[webhook_router(app, WEBHOOK_SECRET)])
    updates, user = Updates(), TgUser(4242, "Eve")
    async with app:
        await start_bot(app)
        await app.process_update(_update(app, updates.private(user, "first")))
        await app.process_update(_update(app, updates.private(user, "/help")))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://testserver")
        async with client:
            wrong = await client.post(
                "/telegram/webhook", json={"update_id": 1}, headers={SECRET_HEADER: "x" + WEBHOOK_SECRET}
            )
            right = await client.post("/telegram/webhook", content=b"{", headers={SECRET_HEADER: WEBHOOK_SECRET})
        await stop_bot(app)
        await asyncio.sleep(0)
    text = logs.text()
    assert (wrong.status_code, right.status_code) == (403, 400)
    assert "handler_failed" in text  # the failures were logged...
    assert "Set Bot API URL: https://api.telegram.org/bot[bot token]" in text  # PTB's DEBUG line
    assert "webhook_forbidden" in text
    assert leaked(text + wrong.text + right.text) == []  # ...without the token or the secret


def _update(app: object, payload: dict[str, object]) -> object:
    from telegram import Update

    return Update.de_json(payload, app.bot)  # type: ignore[attr-defined]


async def test_the_web_api_logs_and_answers_no_operator_token_or_signing_key(
    world: World, tmp_path: Path, logs: Logs
) -> None:
    container = Container(settings=settings(tmp_path), storage=world.storage, clock=world.clock)
    web = create_app(container)
    replies: list[str] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://testserver") as client:
        for token in (OPERATOR_TOKEN, OPERATOR_TOKEN[:-1], OPERATOR_TOKEN + "0", ""):
            headers = {"Authorization": f"Bearer {token}"}
            for path in ("/exchange/dashboard/summary", "/exchange/dashboard/appeals", "/exchange/dashboard"):
                replies.append((await client.get(path, headers=headers)).text)
            replies.append(
                (await client.post("/exchange/dashboard/kill-switch", json={"action": "resume"}, headers=headers)).text
            )
        replies.append((await client.get("/app/api/me", headers={"Authorization": f"tma user=1&hash={'0' * 64}"})).text)
    text = logs.text() + "\n".join(replies)
    assert "csrf" in text.lower()  # the answers above were read (a refusal named the token it wants)
    assert leaked(text) == []


def test_the_youtube_reader_logs_and_raises_no_api_key(
    logs: Logs,
) -> None:
    def youtube(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Goog-Api-Key"] == YOUTUBE_API_KEY  # sent, in a header
        if "videos" in request.url.path:
            raise httpx.ConnectError(f"no route to host for key {YOUTUBE_API_KEY}", request=request)
        return httpx.Response(400, json={"error": {"message": f"API key {YOUTUBE_API_KEY} not valid"}})

    reader = YouTubeApiReader(YOUTUBE_API_KEY, httpx.Client(transport=httpx.MockTransport(youtube)))
    ref = ContentRef(Platform.YOUTUBE, ContentKind.VIDEO, "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    errors: list[str] = []
    for read in (lambda: reader.read_content(ref), lambda: reader.read_comments(ref, limit=10)):
        with pytest.raises(DomainError) as raised:
            read()
        errors.append(f"{raised.value} {raised.value.message} {raised.value.params}")
    structlog.get_logger("tgexchange.test").error("read_failed", errors=errors)
    text = logs.text() + "\n".join(errors)
    assert "read_failed" in text
    assert "videos" in text
    assert leaked(text) == []  # ...without the key
