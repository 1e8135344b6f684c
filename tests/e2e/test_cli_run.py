"""``tgexchange run`` as an operator runs it: a real process, polling a Bot API on loopback."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.botapi import BOT_ID, BOT_USERNAME, TOKEN, TgUser, Updates

CLI = [sys.executable, "-m", "tgexchange.cli"]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "TGEXCHANGE_DATA_DIR": str(tmp_path), "NO_COLOR": "1", **extra}
    for name in ("DATABASE_URL", "QUEUE_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_WEBHOOK_SECRET"):
        if name not in extra:
            env.pop(name, None)
    return env


def test_run_without_a_token_exits_with_a_pointer_to_the_demo(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CLI, "run"], capture_output=True, text=True, env=env_for(tmp_path), timeout=60, check=False
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "tgexchange demo" in result.stderr
    assert "BotFather" in result.stderr


class StandInBotApi:
    """The few Bot API methods a polling bot uses, on a loopback port; the first getUpdates
    brings one /help message, then long polls come back empty."""

    def __init__(self) -> None:
        self.methods: list[str] = []
        self.sent: list[dict[str, Any]] = []
        self.pending = [Updates().private(TgUser(1001, "Alice"), "/help")]
        self.delays: dict[str, float] = {}  # seconds a method takes to answer

    async def endpoint(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        self.methods.append(method)
        await asyncio.sleep(self.delays.get(method, 0.0))
        body = await request.body()
        params: dict[str, Any] = {}
        if body:
            try:
                params = json.loads(body)
            except ValueError:
                params = dict(await request.form())
        result: Any = True
        if method == "getMe":
            result = {"id": BOT_ID, "is_bot": True, "first_name": "Exchange", "username": BOT_USERNAME}
        elif method == "getUpdates":
            result, self.pending = self.pending, []
            if not result:
                await asyncio.sleep(0.05)  # a short long poll
        elif method == "sendMessage":
            self.sent.append(params)
            result = {
                "message_id": len(self.sent),
                "date": 1_772_452_800,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": "ok",
            }
        return JSONResponse({"ok": True, "result": result})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def stand_in() -> Iterator[tuple[StandInBotApi, int]]:
    api = StandInBotApi()
    app = Starlette(routes=[Route("/bot{token}/{method}", api.endpoint, methods=["GET", "POST"])])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    yield api, port
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.slow
def test_run_polls_answers_and_stops_cleanly_on_sigterm(tmp_path: Path, stand_in: tuple[StandInBotApi, int]) -> None:
    api, port = stand_in
    env = env_for(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot")
    web = free_port()
    process = subprocess.Popen(
        [*CLI, "run", "--threads", "1", "--port", str(web)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not api.sent or api.methods.count("getUpdates") < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, f"no answer; methods: {api.methods}"
            time.sleep(0.05)
        # The dashboard runs in the same process, on the bot's event loop.
        assert httpx.get(f"http://127.0.0.1:{web}/healthz", timeout=10).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{web}/exchange/dashboard/overview", timeout=10).status_code == 401
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    (tmp_path / "stderr.txt").write_text(stderr)
    assert process.returncode == 0, stderr
    assert "How the exchange works" in api.sent[0]["text"]
    assert "setMyCommands" in api.methods
    assert "Traceback" not in stderr
    with pytest.raises(httpx.ConnectError):  # the dashboard stopped with the bot
        httpx.get(f"http://127.0.0.1:{web}/healthz", timeout=5)


def test_run_refuses_a_busy_dashboard_port_before_starting(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = env_for(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot")
        result = subprocess.run(
            [*CLI, "run", "--port", str(port)], capture_output=True, text=True, env=env, timeout=60, check=False
        )
    assert result.returncode == 2
    assert f"cannot serve the dashboard on 127.0.0.1:{port}" in result.stderr
    assert "--no-dashboard" in result.stderr


@pytest.mark.slow
def test_a_sigterm_while_polling_starts_still_stops_everything_and_exits_0(
    tmp_path: Path, stand_in: tuple[StandInBotApi, int]
) -> None:
    api, port = stand_in
    api.delays["deleteWebhook"] = 3.0  # Telegram slow to answer while polling starts
    web = free_port()
    env = env_for(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot")
    process = subprocess.Popen(
        [*CLI, "run", "--threads", "1", "--port", str(web)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while "deleteWebhook" not in api.methods:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # The dashboard already answers (a served request once kept a worker thread alive).
        assert httpx.get(f"http://127.0.0.1:{web}/healthz", timeout=10).status_code == 200
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


@pytest.mark.slow
def test_serve_takes_telegrams_webhook_when_a_secret_is_set(
    tmp_path: Path, stand_in: tuple[StandInBotApi, int]
) -> None:
    api, port = stand_in
    web = free_port()
    env = env_for(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
        TELEGRAM_WEBHOOK_SECRET="s3cret_for-tests",
    )
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(web)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    hook = f"http://127.0.0.1:{web}/telegram/webhook"
    update = Updates(ids=itertools.count(777)).private(TgUser(1002, "Bea"), "/help")
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "serve never became ready"
            try:
                if httpx.get(f"http://127.0.0.1:{web}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert httpx.post(hook, json=update, timeout=10).status_code == 403
        wrong = httpx.post(hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}, timeout=10)
        assert wrong.status_code == 403
        time.sleep(0.3)
        assert api.sent == []  # nothing was processed
        right = httpx.post(
            hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret_for-tests"}, timeout=10
        )
        assert right.status_code == 200
        while not api.sent:
            assert time.monotonic() < deadline, f"no answer; methods: {api.methods}"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "How the exchange works" in api.sent[0]["text"]
    assert "setWebhook" not in api.methods  # PUBLIC_BASE_URL is not https: registering is left to the operator
    assert "Traceback" not in stderr


def test_a_worker_starts_with_its_defaults_and_stops_gracefully(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*CLI, "worker"], env=env_for(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        started = ""
        while "Ctrl-C" not in started:  # the banner (wrapped to the terminal), once it runs
            line = process.stderr.readline()
            assert line, started
            started += line
        time.sleep(1.0)  # Huey installs its signal handlers just after the banner
        process.send_signal(signal.SIGINT)  # Huey's graceful stop
        _, rest = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, rest
    assert "2 thread(s)" in started  # WORKER_THREADS' default
