"""The webhook route in front of the same Application: Telegram's secret header or nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.botapi import TOKEN, BotApi, TgUser, Updates
from tests.e2e.bot.conftest import container_for
from tests.fakes import RecordingQueue
from tests.world import World
from tgexchange.bootstrap import Container
from tgexchange.bot.app import build_application
from tgexchange.bot.flood import FloodGate
from tgexchange.bot.webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_router

SECRET = "s3cret-Token_for-tests"


class Served:
    def __init__(self, client: httpx.AsyncClient, api: BotApi, container: Container) -> None:
        self.client = client
        self.api = api
        self.container = container

    async def wait_for(self, chat_id: int, timeout_s: float = 5.0) -> None:
        async with asyncio.timeout(timeout_s):
            while not self.api.sent(chat_id):  # noqa: ASYNC110 - the recorded transport has no event to wait on
                await asyncio.sleep(0.01)


async def serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app as a server runs it: lifespan first (the bot starts), requests, lifespan end."""
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client,
    ):
        yield client


@pytest.fixture
async def served(world: World, tmp_path: Path) -> AsyncIterator[Served]:
    container = container_for(world, tmp_path)
    api = BotApi()
    application = build_application(
        container,
        token=TOKEN,
        queue=RecordingQueue(),
        request=api,
        polling=False,
        rate_limit=False,
        flood=FloodGate(burst=100),
    )
    app = FastAPI()
    app.include_router(webhook_router(application, SECRET))
    async for client in serve(app):
        yield Served(client, api, container)
    container.storage.dispose()


async def test_a_genuine_update_is_processed(served: Served) -> None:
    user = TgUser(1001, "Alice")
    response = await served.client.post(
        WEBHOOK_PATH, json=Updates().private(user, "/help"), headers={SECRET_HEADER: SECRET}
    )
    assert response.status_code == 200
    await served.wait_for(user.id)
    assert "How the exchange works" in served.api.sent(user.id)[0].text


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}, {SECRET_HEADER: ""}])
async def test_a_missing_or_wrong_secret_is_forbidden_and_nothing_is_processed(
    served: Served, headers: dict[str, str]
) -> None:
    user = TgUser(1001, "Alice")
    response = await served.client.post(WEBHOOK_PATH, json=Updates().private(user, "/help"), headers=headers)
    assert response.status_code == 403
    await asyncio.sleep(0.1)
    assert served.api.sent(user.id) == []
    assert served.container.update_log.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2, 3]",
        b'{"message": {}}',
        b'{"update_id": "one"}',
        b'{"update_id": 1, "message": {"chat": 5}}',
    ],
)
async def test_a_malformed_body_is_a_bad_request(served: Served, body: bytes) -> None:
    response = await served.client.post(
        WEBHOOK_PATH, content=body, headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert served.container.update_log.count() == 0


def test_a_secret_telegram_would_refuse_is_refused_up_front(world: World, tmp_path: Path) -> None:
    application = build_application(
        container_for(world, tmp_path), token=TOKEN, queue=RecordingQueue(), request=BotApi(), polling=False
    )
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        webhook_router(application, "has spaces")


async def test_with_a_public_url_the_webhook_is_registered_with_the_secret(world: World, tmp_path: Path) -> None:
    api = BotApi()
    application = build_application(
        container_for(world, tmp_path),
        token=TOKEN,
        queue=RecordingQueue(),
        request=api,
        polling=False,
        rate_limit=False,
    )
    app = FastAPI()
    app.include_router(webhook_router(application, SECRET, public_url="https://bot.example/"))
    async for _ in serve(app):
        assert api.sent(method="setWebhook")
    (call,) = api.sent(method="setWebhook")
    assert call.params["url"] == "https://bot.example/telegram/webhook"
    assert call.params["secret_token"] == SECRET
