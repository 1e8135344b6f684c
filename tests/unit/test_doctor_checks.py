"""Doctor's checks one by one, on real files and closed ports: what each finds and says to fix."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.conftest import free_port
from tests.settings import settings_of
from tgexchange.cli.doctor import redacted
from tgexchange.cli.doctor_checks import Finding, Probe, Status, check_configuration, check_models, secrets_of
from tgexchange.cli.doctor_network import check_platforms, masked
from tgexchange.cli.doctor_storage import check_queue

PROBE = Probe(timeout_s=2)
KEY = "k" * 40


def summary(found: list[Finding]) -> list[tuple[Status, str]]:
    return [(f.status, f.what) for f in found]


@pytest.mark.parametrize(
    ("env", "status", "start"),
    [
        ({"SECRET_KEY": "short"}, Status.PROBLEM, "SECRET_KEY is shorter than 32"),
        ({"TELEGRAM_WEBHOOK_SECRET": "abc", "TELEGRAM_BOT_TOKEN": "1:x", "PUBLIC_BASE_URL": "https://b.org"},
         Status.WARN, "TELEGRAM_WEBHOOK_SECRET is short"),
        ({"TELEGRAM_WEBHOOK_SECRET": "has spaces in it, and more", "TELEGRAM_BOT_TOKEN": "1:x",
          "PUBLIC_BASE_URL": "https://b.org"}, Status.PROBLEM, "TELEGRAM_WEBHOOK_SECRET must be"),
        ({"PLATFORM_RATE_LIMITS": "youtube=fast"}, Status.PROBLEM, "PLATFORM_RATE_LIMITS item"),
        ({"DATABASE_URL": "postgresql+psycopg://u@db/x", "SECRET_KEY": KEY}, Status.WARN,
         "the database is shared but the job queue is a SQLite file"),
        ({"LOG_LEVEL": "loud"}, Status.PROBLEM, "LOG_LEVEL 'loud' is not a level"),
    ],
)  # fmt: skip
def test_configuration_rules_beyond_each_settings_own_validation(
    env: dict[str, str], status: Status, start: str
) -> None:
    found = check_configuration(settings_of(**env), PROBE)

    assert any(f.status is status and f.what.startswith(start) for f in found), summary(found)


def test_an_empty_token_or_webhook_secret_means_unset_as_it_does_to_serve_and_run() -> None:
    found = check_configuration(settings_of(TELEGRAM_BOT_TOKEN="", TELEGRAM_WEBHOOK_SECRET=""), PROBE)

    assert summary(found) == [(Status.WARN, "TELEGRAM_BOT_TOKEN is unset: there is no bot to run.")]


@pytest.mark.parametrize(
    ("queue_url", "status", "start"),
    [
        ("memory://", Status.WARN, "QUEUE_URL is memory://"),
        ("ftp://queue.example.org/", Status.PROBLEM, "QUEUE_URL scheme 'ftp' is not supported"),
    ],
)
def test_queues_that_cannot_serve_several_processes_are_named(queue_url: str, status: Status, start: str) -> None:
    [found] = check_queue(settings_of(QUEUE_URL=queue_url), PROBE)

    assert found.status is status
    assert found.what.startswith(start)


def test_a_postgresql_queue_that_does_not_answer_is_a_problem() -> None:
    url = f"postgresql://tgx@127.0.0.1:{free_port()}/tgx"

    [found] = check_queue(settings_of(QUEUE_URL=url), PROBE)

    assert found.status is Status.PROBLEM
    assert found.fix == "Start PostgreSQL or fix QUEUE_URL."


def test_a_sqlite_queue_file_is_read_and_garbage_in_it_is_a_problem(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.db", tmp_path / "bad.db"
    sqlite3.connect(good).close()
    bad.write_bytes(b"not a database at all " * 50)

    [readable] = check_queue(settings_of(QUEUE_URL=f"sqlite:///{good}"), PROBE)
    [garbage] = check_queue(settings_of(QUEUE_URL=f"sqlite:///{bad}"), PROBE)

    assert readable.status is Status.OK
    assert garbage.status is Status.PROBLEM
    assert "cannot be read (file is not a database)" in garbage.what


def test_recordings_are_counted_and_a_missing_folder_or_unknown_source_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "youtube").mkdir()
    (tmp_path / "youtube" / "abc.info.json").write_text("{}")
    (tmp_path / "empty").mkdir()

    def one(source: str) -> Finding:
        [found] = check_platforms(settings_of(PLATFORM_SOURCE=source), PROBE)
        return found

    assert (one(f"recorded:{tmp_path}").status, one(f"recorded:{tmp_path}").what.split(" ")[0]) == (Status.OK, "1")
    assert one(f"recorded:{tmp_path / 'empty'}").status is Status.WARN
    assert one(f"recorded:{tmp_path / 'nowhere'}").status is Status.PROBLEM
    assert one("offline").status is Status.PROBLEM


def test_a_missing_spam_model_and_an_unreadable_current_model_pointer_are_problems(tmp_path: Path) -> None:
    (tmp_path / "current.json").write_text("{not json")
    probe = Probe(timeout_s=2, spam_model_dir=tmp_path / "no-spam-model-here")

    found = check_models(settings_of(ML_MODEL_PATH=str(tmp_path)), probe)

    assert [f.status for f in found] == [Status.PROBLEM, Status.WARN, Status.PROBLEM]
    assert found[0].what.startswith("spam model refused: cannot read the model card")
    # No profanity-check arrays there either: the gate would import the package (slower, not wrong).
    assert "tgexchange train arrays" in found[1].fix
    assert "tgexchange train reciprocity" in found[2].fix


def test_secrets_are_blotted_out_of_any_finding_and_a_token_shows_only_its_bot_id() -> None:
    settings = settings_of(
        TELEGRAM_BOT_TOKEN="123456:AAsecret-part",
        DATABASE_URL="postgresql+psycopg://u:p%40ss-word@db/x",
        OPERATOR_TOKEN="o" * 40,
    )
    leaky = Finding("x", Status.PROBLEM, "driver said p@ss-word and p%40ss-word; AAsecret-part; " + "o" * 40, "")

    [clean] = redacted([leaky], secrets_of(settings))

    assert clean.what == "driver said *** and ***; ***; ***"
    assert masked("123456:AAsecret-part") == "123456:***"
    assert masked("not-a-token") == "***"
