"""The web face over a World: the app, an HTTP client through ASGI, and a live uvicorn server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.settings import settings_of
from tests.world import World
from tgexchange.bootstrap import Container
from tgexchange.config import Settings
from tgexchange.domain.community import Community
from tgexchange.services import community as community_service
from tgexchange.services import dashboard as dashboard_service
from tgexchange.web.app import create_app

OPERATOR_TOKEN = "operator-token-for-tests-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Dashboard:
    world: World
    settings: Settings
    container: Container
    app: FastAPI

    @property
    def base_url(self) -> str:
        return self.settings.public_base_url

    def admin(self, *communities: Community, telegram_user_id: int = 900_001, name: str = "Admin") -> int:
        """Makes the Telegram user an admin of the communities; returns their Telegram id."""
        for community in communities:
            community_service.join_community(
                self.world.uow(),
                community_id=community.id,
                telegram_user_id=telegram_user_id,
                display_name=name,
                now=self.world.now,
                is_admin=True,
            )
        return telegram_user_id

    def login_url(self, telegram_user_id: int) -> str:
        return dashboard_service.issue_login_link(
            self.world.uow(), telegram_user_id=telegram_user_id, now=self.world.now, base_url=self.base_url
        ).url


def make_dashboard(world: World, data_dir: Path, *, public_base_url: str = "http://testserver") -> Dashboard:
    settings = settings_of(
        TGEXCHANGE_DATA_DIR=str(data_dir),
        OPERATOR_TOKEN=OPERATOR_TOKEN,
        PUBLIC_BASE_URL=public_base_url,
        SECRET_KEY=None,
    )
    container = Container(settings=settings, storage=world.storage, clock=world.clock)
    return Dashboard(world, settings, container, create_app(container))


@pytest.fixture
def dashboard(world: World, tmp_path: Path) -> Dashboard:
    return make_dashboard(world, tmp_path / "data")


@pytest.fixture
async def client(dashboard: Dashboard) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=dashboard.app)
    async with httpx.AsyncClient(transport=transport, base_url=dashboard.base_url) as http:
        yield http


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[str]:
    """Runs the app under uvicorn on loopback in a thread; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_dashboard(world: World, tmp_path: Path) -> Iterator[Dashboard]:
    """The dashboard served over real HTTP, its PUBLIC_BASE_URL being the server's address."""
    port = free_port()
    live = make_dashboard(world, tmp_path / "data", public_base_url=f"http://127.0.0.1:{port}")
    with serving(live.app, port):
        yield live
