"""`tgexchange doctor` as an operator runs it, against real SQLite files, a Bot API stand-in on
loopback (a tiny HTTP server), a real Redis when one is given, and servers that are down or never
answer. No test reaches the internet: the platform pages are pointed at loopback too."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from tests.botapi import BOT_ID, BOT_USERNAME, TOKEN
from tests.e2e.conftest import free_port
from tests.e2e.test_cli_help import logging_left_as_found  # noqa: F401 - an autouse fixture, used by name
from tests.settings import settings_of
from tgexchange.adapters.db.migrate import alembic_config, upgrade
from tgexchange.bootstrap import build_storage
from tgexchange.cli import app
from tgexchange.cli.doctor_checks import Finding, Status
from tgexchange.config import Settings
from tgexchange.ml.artifact import ARTIFACT_DIR, ARTIFACT_NAME

SECRET_PART = TOKEN.partition(":")[2]
BAD_TOKEN = f"{BOT_ID}:AAwrong-token-for-offline-tests"
WEBHOOK_SECRET = "webhook-secret-for-doctor-tests-0123456789"
SECRET_KEY = "session-secret-key-for-doctor-tests-0123456789"
NETWORK_CHECKS = ("--check", "database", "--check", "queue", "--check", "telegram", "--check", "platforms")
EVERY_SETTING = [str(f.validation_alias) for f in Settings.model_fields.values()]


@dataclass
class FakeBotApi:
    """Answers getMe for TOKEN (401 for any other token), getWebhookInfo with ``webhook``, and
    HEAD / with 200 (a platform's home page)."""

    url: str = ""
    webhook: dict[str, Any] = field(default_factory=lambda: {"url": "", "pending_update_count": 0})
    calls: list[str] = field(default_factory=list)

    def answer(self, path: str) -> tuple[int, dict[str, Any]]:
        token, _, method = path.removeprefix("/bot").partition("/")
        self.calls.append(method)
        if token != TOKEN:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": BOT_ID, "is_bot": True, "username": BOT_USERNAME}}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": self.webhook}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    fake = FakeBotApi()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            code, body = fake.answer(self.path)
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_HEAD(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A port that takes connections and never says a word: a server that hangs."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as sock:
        yield int(sock.getsockname()[1])


def migrated(data_dir: Path, revision: str = "head") -> None:
    storage = build_storage(f"sqlite:///{(data_dir / 'tgexchange.db').resolve()}", migrate=False)
    upgrade(storage.engine, revision)
    storage.dispose()


def models_to_break(tmp_path: Path) -> Path:
    """A migrated data folder, and a copy of the shipped model files a test may damage."""
    migrated(tmp_path / "data")
    spam = tmp_path / "spam"
    shutil.copytree(ARTIFACT_DIR, spam)
    return spam


def doctor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str, **env: str) -> Result:
    """Runs doctor with only the given settings (no .env, nothing from the developer's shell)."""
    monkeypatch.chdir(tmp_path)
    environment: dict[str, str | None] = dict.fromkeys(EVERY_SETTING)
    environment.update({"TGEXCHANGE_DATA_DIR": str(tmp_path / "data"), "NO_COLOR": "1", "COLUMNS": "200"})
    environment.update(env)
    return CliRunner().invoke(app, ["doctor", *args], env=environment)


def platforms_at(api: FakeBotApi) -> list[str]:
    return ["--platform-url", f"{api.url}/youtube", "--platform-url", f"{api.url}/tiktok"]


def findings(result: Result) -> list[dict[str, str]]:
    payload = json.loads(result.stdout)
    assert isinstance(payload["findings"], list)
    return payload["findings"]


def test_a_migrated_embedded_install_is_healthy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    migrated(tmp_path / "data")

    result = doctor(tmp_path, monkeypatch, *platforms_at(bot_api))

    assert result.exit_code == 0, result.output
    assert "✓ database" in result.output
    assert "migrations at head" in result.output
    assert "healthy" in result.output.splitlines()[-1]
    assert "127.0.0.1" in result.output
    assert "reachable (200)" in result.output
    assert "Traceback" not in result.output


def test_a_database_that_does_not_answer_is_a_problem_with_its_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    url = f"postgresql+psycopg://tgx:db-pass%40word-9876@127.0.0.1:{free_port()}/tgx"

    result = doctor(tmp_path, monkeypatch, "--check", "database", DATABASE_URL=url, SECRET_KEY=SECRET_KEY)

    assert result.exit_code == 1, result.output
    assert "DATABASE_URL: cannot connect on 127.0.0.1" in result.output
    assert "Start PostgreSQL or fix DATABASE_URL." in result.output
    assert "word-9876" not in result.output
    assert "Traceback" not in result.output


def test_a_database_two_migrations_behind_says_so_and_how_to_catch_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    from alembic.script import ScriptDirectory

    revisions = [r.revision for r in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()]
    migrated(tmp_path / "data", revisions[2])

    result = doctor(tmp_path, monkeypatch, "--json", "--check", "database")

    assert result.exit_code == 1, result.output
    database = [f for f in findings(result) if f["check"] == "database"]
    assert [f["status"] for f in database] == ["problem"]
    assert database[0]["what"].startswith(f"2 migrations behind (at {revisions[2]}, code at {revisions[0]})")
    assert "tgexchange migrate" in database[0]["fix"]


def test_a_good_token_is_named_and_never_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    migrated(tmp_path / "data")

    result = doctor(tmp_path, monkeypatch, "--check", "telegram", TELEGRAM_BOT_TOKEN=TOKEN,
                    TELEGRAM_API_BASE_URL=f"{bot_api.url}/bot")  # fmt: skip

    assert result.exit_code == 0, result.output
    assert f"is @{BOT_USERNAME} (id {BOT_ID})" in result.output
    assert "no webhook registered: long polling can run" in result.output
    assert f"{BOT_ID}:***" in result.output
    assert SECRET_PART not in result.output
    assert bot_api.calls == ["getMe", "getWebhookInfo"]


def test_a_token_telegram_rejects_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    migrated(tmp_path / "data")

    result = doctor(tmp_path, monkeypatch, "--check", "telegram", TELEGRAM_BOT_TOKEN=BAD_TOKEN,
                    TELEGRAM_API_BASE_URL=f"{bot_api.url}/bot")  # fmt: skip

    assert result.exit_code == 1, result.output
    assert "token rejected by Telegram (401 Unauthorized)" in result.output
    assert "@BotFather" in result.output
    assert BAD_TOKEN.partition(":")[2] not in result.output


def test_a_webhook_registered_elsewhere_is_a_problem_and_its_last_error_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    migrated(tmp_path / "data")
    settings = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": f"{bot_api.url}/bot",
                "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET, "PUBLIC_BASE_URL": "https://bot.example.org"}  # fmt: skip
    bot_api.webhook = {"url": "https://old.example.org/telegram/webhook", "pending_update_count": 17,
                       "last_error_date": 1_780_000_000, "last_error_message": "Wrong response from the webhook: 502 Bad Gateway"}  # fmt: skip

    elsewhere = doctor(tmp_path, monkeypatch, "--json", "--check", "telegram", **settings)
    bot_api.webhook = {"url": "https://bot.example.org/telegram/webhook", "pending_update_count": 0}
    right = doctor(tmp_path, monkeypatch, "--json", "--check", "telegram", **settings)

    assert elsewhere.exit_code == 1, elsewhere.output
    telegram = {f["status"]: f for f in findings(elsewhere) if f["check"] == "telegram" and f["status"] != "ok"}
    assert (
        "registered at https://old.example.org/telegram/webhook, not https://bot.example.org/telegram/webhook"
        in telegram["problem"]["what"]
    )
    assert "502 Bad Gateway" in telegram["warn"]["what"]
    assert right.exit_code == 0, right.output
    assert "webhook registered at https://bot.example.org/telegram/webhook" in right.stdout
    for output in (elsewhere.output, right.output):
        assert WEBHOOK_SECRET not in output
        assert SECRET_PART not in output


def test_a_webhook_left_registered_while_polling_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    migrated(tmp_path / "data")
    bot_api.webhook = {"url": "https://bot.example.org/telegram/webhook", "pending_update_count": 3}

    result = doctor(tmp_path, monkeypatch, "--check", "telegram", TELEGRAM_BOT_TOKEN=TOKEN,
                    TELEGRAM_API_BASE_URL=f"{bot_api.url}/bot")  # fmt: skip

    assert result.exit_code == 1, result.output
    assert "this configuration polls" in result.output


def test_webhook_mode_needs_https_and_shared_processes_need_one_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    result = doctor(tmp_path, monkeypatch, "--json", "--check", "configuration", "--check", "queue",
                    TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
                    QUEUE_URL=f"redis://127.0.0.1:{free_port()}/0")  # fmt: skip

    found = [(f["check"], f["status"], f["what"].split(":")[0]) for f in findings(result)]
    assert ("configuration", "problem", "SECRET_KEY is unset") in found
    assert ("configuration", "problem", "TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_BOT_TOKEN is not") in found
    assert ("configuration", "problem", "PUBLIC_BASE_URL is http") in found
    assert (
        "configuration",
        "warn",
        "the queue is shared but the database is a SQLite file only this machine can open.",
    ) in found
    assert ("queue", "problem", "QUEUE_URL") in found
    assert "Start Redis or fix QUEUE_URL." in result.stdout


@pytest.mark.redis
def test_a_redis_queue_that_answers_is_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    url = os.environ.get("TGEXCHANGE_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TGEXCHANGE_TEST_REDIS_URL must point at a Redis server in CI")
        pytest.skip("set TGEXCHANGE_TEST_REDIS_URL to run Redis tests")
    migrated(tmp_path / "data")

    result = doctor(tmp_path, monkeypatch, "--json", "--check", "queue", QUEUE_URL=url)

    queue = [f for f in findings(result) if f["check"] == "queue"]
    assert [f["status"] for f in queue] == ["ok"]
    assert queue[0]["what"].startswith("Redis answers PING")


def test_garbage_in_either_model_file_is_a_problem_with_the_train_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    spam = models_to_break(tmp_path)
    (spam / f"{ARTIFACT_NAME}.skops").write_bytes(b"PK\x03\x04 not a model at all")
    models = tmp_path / "models"
    models.mkdir()
    (models / "current.json").write_text(json.dumps({"version": "v1"}))
    (models / "v1.json").write_text(json.dumps({"sha256": "0" * 64}))
    (models / "v1.skops").write_bytes(b"\x00garbage")

    result = doctor(tmp_path, monkeypatch, "--json", "--check", "models", "--spam-model-dir", str(spam),
                    ML_MODEL_PATH=str(models))  # fmt: skip

    assert result.exit_code == 1, result.output
    problems = {f["fix"].split("`")[1]: f["what"] for f in findings(result) if f["status"] == "problem"}
    assert set(problems) == {"tgexchange train spam", "tgexchange train reciprocity"}
    assert "does not match the sha256" in problems["tgexchange train spam"]
    assert "does not match its card's sha256" in problems["tgexchange train reciprocity"]
    refused = next(f["fix"] for f in findings(result) if f["what"].startswith("reciprocity model refused"))
    assert refused.startswith("A running worker retrains it after its next hourly scoring")


def test_profanity_check_arrays_that_changed_are_a_problem_and_their_absence_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot_api: FakeBotApi
) -> None:
    spam = models_to_break(tmp_path)
    arrays = spam / "toxicity.npz"
    arrays.write_bytes(arrays.read_bytes()[:-1])
    result = doctor(tmp_path, monkeypatch, "--json", "--check", "models", "--spam-model-dir", str(spam))
    assert result.exit_code == 1, result.output
    problems = [f for f in findings(result) if f["status"] == "problem"]
    assert [f["fix"].split("`")[1] for f in problems] == ["tgexchange train arrays"]
    assert "toxicity.npz does not match the sha256" in problems[0]["what"]
    (spam / "toxicity.json").unlink()
    absent = doctor(tmp_path, monkeypatch, "--json", "--check", "models", "--spam-model-dir", str(spam))
    assert absent.exit_code == 0, absent.output
    assert [f["status"] for f in findings(absent) if "profanity-check" in f["what"]] == ["warn"]


def test_settings_that_do_not_load_are_named_one_by_one_without_their_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = doctor(tmp_path, monkeypatch, WATCHDOG_ERROR_RATE="3", OPERATOR_TOKEN="short-token-xyz")

    assert result.exit_code == 1, result.output
    assert "✗ configuration  WATCHDOG_ERROR_RATE: Input should be less than 1" in result.output
    assert "✗ configuration  OPERATOR_TOKEN: must be at least 32 characters" in result.output
    assert "short-token-xyz" not in result.output
    assert "Traceback" not in result.output


def test_a_log_level_every_other_command_refuses_is_a_problem_doctor_still_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = doctor(tmp_path, monkeypatch, "--check", "configuration", LOG_LEVEL="chatty")

    assert result.exit_code == 1, result.output
    assert "LOG_LEVEL 'chatty' is not a level" in result.output


def test_everything_down_or_hanging_is_reported_in_bounded_time_without_a_traceback(
    tmp_path: Path, blackhole: int
) -> None:
    """A real process: servers that take the connection and never answer, the worst case for
    timeouts. The model files (seconds of loading on a busy machine, the same whatever is down)
    are left out, so that the time measured is the network's."""
    env = {k: v for k, v in os.environ.items() if k not in EVERY_SETTING}
    env.update({
        "TGEXCHANGE_DATA_DIR": str(tmp_path / "data"), "NO_COLOR": "1",
        "DATABASE_URL": f"postgresql+psycopg://tgx@127.0.0.1:{blackhole}/tgx", "SECRET_KEY": SECRET_KEY,
        "QUEUE_URL": f"redis://127.0.0.1:{blackhole}/0",
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{blackhole}/bot",
    })  # fmt: skip
    hanging = f"http://127.0.0.1:{blackhole}/"
    started = time.monotonic()

    done = subprocess.run(
        [sys.executable, "-m", "tgexchange.cli", "doctor", "--json", "--platform-url", hanging, *NETWORK_CHECKS],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )  # fmt: skip

    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    statuses = {(f["check"], f["status"]) for f in json.loads(done.stdout)["findings"]}
    assert {("database", "problem"), ("queue", "problem"), ("telegram", "problem"), ("platforms", "warn")} <= statuses
    assert elapsed < 15, elapsed
    assert SECRET_PART not in done.stdout + done.stderr


def test_only_the_checks_asked_for_run_and_an_unknown_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrated(tmp_path / "data")

    one = doctor(tmp_path, monkeypatch, "--json", "--check", "database")
    unknown = doctor(tmp_path, monkeypatch, "--check", "kidneys")

    assert one.exit_code == 0, one.output
    assert {f["check"] for f in findings(one)} == {"database"}
    assert unknown.exit_code == 2
    assert "unknown check kidneys" in unknown.output


def test_a_check_that_raises_or_hangs_becomes_one_problem_line_and_doctor_moves_on() -> None:
    from tgexchange.cli.doctor import examine
    from tgexchange.cli.doctor_checks import Probe

    def raising(_settings: Settings, _probe: Probe) -> list[Finding]:
        raise RuntimeError("the disk is on fire\nsecond line")

    def hanging(_settings: Settings, _probe: Probe) -> list[Finding]:
        threading.Event().wait(30)
        return []

    def fine(_settings: Settings, _probe: Probe) -> list[Finding]:
        return [Finding("fine", Status.OK, "all good")]

    started = time.monotonic()
    found = examine(
        settings_of(), Probe(), checks=(("raising", raising), ("hanging", hanging), ("fine", fine)), deadline_s=0.5
    )

    assert time.monotonic() - started < 5
    assert [(f.check, f.status) for f in found] == [
        ("raising", Status.PROBLEM), ("hanging", Status.PROBLEM), ("fine", Status.OK),
    ]  # fmt: skip
    assert found[0].what == "check raising failed: RuntimeError: the disk is on fire"
    assert found[1].what == "check hanging did not finish within 0.5 s."


def test_a_database_from_a_newer_release_or_not_a_database_at_all_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrated(tmp_path / "data")
    database = tmp_path / "data" / "tgexchange.db"
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    connection.close()
    newer = doctor(tmp_path, monkeypatch, "--check", "database")
    database.write_bytes(b"this is not a database file, not even close" * 100)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    garbage = doctor(tmp_path, monkeypatch, "--check", "database")

    assert newer.exit_code == 1, newer.output
    assert "at revision 0099_from_the_future, which this release does not know" in newer.output
    assert garbage.exit_code == 1, garbage.output
    assert "cannot be read (file is not a database)" in garbage.output
    assert "Traceback" not in newer.output + garbage.output


@pytest.mark.postgres
def test_a_migrated_postgresql_database_and_queue_are_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    queue = postgres_url.replace("postgresql+psycopg://", "postgresql://", 1)

    result = doctor(tmp_path, monkeypatch, "--json", "--check", "configuration", "--check", "database",
                    "--check", "queue", DATABASE_URL=postgres_url, QUEUE_URL=queue, SECRET_KEY=SECRET_KEY)  # fmt: skip

    assert result.exit_code == 0, result.output
    found = {f["check"]: f for f in findings(result) if f["status"] == "ok"}
    assert found["database"]["what"].startswith("connected, migrations at head")
    assert found["queue"]["what"].startswith("PostgreSQL answers")
