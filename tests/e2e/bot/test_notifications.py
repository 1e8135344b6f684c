"""TelegramNotifier: what a separate worker process sends through the Bot API, over httpx."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fakes import FakeQualityGate
from tests.world import World
from tgexchange.bot.notifications import Outgoing, SendPacer, TelegramNotifier
from tgexchange.domain.content import Platform
from tgexchange.services.ports import DeliveryOutcome, Notice
from tgexchange.services.task import mark_task_done
from tgexchange.services.verification import verify_submission


class Telegram:
    """An httpx MockTransport that answers like the Bot API, or as told."""

    def __init__(self, *answers: tuple[int, dict[str, Any]]) -> None:
        self.requests: list[dict[str, Any]] = []
        self.urls: list[str] = []
        self.answers = list(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        self.requests.append(json.loads(request.content))
        if self.answers:
            status, body = self.answers.pop(0)
            return httpx.Response(status, json=body)
        return httpx.Response(200, json={"ok": True, "result": {"message_id": 1}})


def notifier(world: World, telegram: Telegram, sleeps: list[float]) -> TelegramNotifier:
    return TelegramNotifier(
        token="123:abc",
        base_url="http://api.test/bot",
        uow=world.uow,
        client=httpx.Client(transport=httpx.MockTransport(telegram)),
        pacer=SendPacer(per_s=1_000_000, private_interval_s=0, group_interval_s=0, sleep=sleeps.append),
        sleep=sleeps.append,
    )


def test_an_owner_is_asked_to_confirm_with_buttons_in_their_language(world: World) -> None:
    community = world.community()
    owner = world.member(community, "Olga", link=Platform.TIKTOK)
    giver = world.member(community, "Gus", link=Platform.TIKTOK)
    with world.uow() as uow:
        stored = uow.members.find(owner.id)
        assert stored is not None
        stored.language = "es"
        uow.commit()
    submission = world.submission(owner, platform=Platform.TIKTOK)
    task = world.task(giver)
    mark_task_done(world.uow(), member_id=giver.id, task_id=task.id, now=world.now, feedback_text="a " * 20)
    verify_submission(world.uow(), world.platform, FakeQualityGate(), submission_id=submission.id, now=world.now)
    telegram, sleeps = Telegram(), list[float]()
    outcome = notifier(world, telegram, sleeps).deliver(
        Notice(owner.id, "confirm_feedback", {"task_id": task.id, "submission_id": submission.id, "text": "<b>hi</b>"})
    )
    assert outcome is DeliveryOutcome.SENT
    (sent,) = telegram.requests
    assert telegram.urls == ["http://api.test/bot123:abc/sendMessage"]
    assert sent["chat_id"] == owner.telegram_user_id
    assert sent["parse_mode"] == "HTML"
    assert "dice que comentó en tu" in sent["text"]
    assert "&lt;b&gt;hi&lt;/b&gt;" in sent["text"]
    opens, answers = sent["reply_markup"]["inline_keyboard"]
    assert opens == [{"text": "Abrir ▶️", "url": submission.url}]  # look first, then answer
    assert [b["callback_data"] for b in answers] == [f"or:{task.id}:1", f"or:{task.id}:0"]
    assert [b["text"] for b in answers] == ["Sí, está ✅", "No lo encuentro ❌"]
    assert "¿ves el comentario publicado? Si no respondes antes de" in sent["text"]


def test_a_rate_limited_send_waits_as_told_and_retries(world: World) -> None:
    community = world.community()
    member = world.member(community)
    telegram = Telegram((429, {"ok": False, "error_code": 429, "parameters": {"retry_after": 7}}))
    sleeps: list[float] = []
    owner = world.member(community)
    submission = world.submission(owner, wanted=1)
    outcome = notifier(world, telegram, sleeps).deliver(
        Notice(member.id, "feedback_received", {"submission_id": submission.id})
    )
    assert outcome is DeliveryOutcome.SENT
    assert len(telegram.requests) == 2
    assert 7.0 in sleeps


def test_a_member_who_blocked_the_bot_is_skipped_without_raising(world: World) -> None:
    community = world.community()
    member = world.member(community)
    owner = world.member(community)
    submission = world.submission(owner, wanted=1)
    telegram = Telegram(
        (403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    )
    outcome = notifier(world, telegram, []).deliver(
        Notice(member.id, "feedback_received", {"submission_id": submission.id})
    )
    assert outcome is DeliveryOutcome.UNREACHABLE
    assert len(telegram.requests) == 1  # not retried: it cannot help


def test_server_errors_and_network_errors_are_retried_then_given_up(world: World) -> None:
    community = world.community()
    member = world.member(community)
    owner = world.member(community)
    submission = world.submission(owner, wanted=1)
    calls: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectError("down")
        return httpx.Response(502, text="bad gateway")

    sleeps: list[float] = []
    sender = TelegramNotifier(
        token="1:x",
        uow=world.uow,
        client=httpx.Client(transport=httpx.MockTransport(flaky)),
        pacer=SendPacer(per_s=1_000_000, private_interval_s=0, sleep=sleeps.append),
        max_attempts=3,
        sleep=sleeps.append,
    )
    outcome = sender.deliver(Notice(member.id, "feedback_received", {"submission_id": submission.id}))
    assert outcome is DeliveryOutcome.RETRY  # the notice stays in the outbox for a later attempt
    assert len(calls) == 3
    sender.close()


def test_a_notice_for_a_member_who_no_longer_exists_sends_nothing(world: World) -> None:
    telegram = Telegram()
    assert notifier(world, telegram, []).deliver(Notice(999, "task_expired", {"task_id": 1})) is (
        DeliveryOutcome.UNREACHABLE
    )
    assert telegram.requests == []


def test_the_pacer_spaces_messages_to_one_chat_and_overall() -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    pacer = SendPacer(per_s=10, private_interval_s=1.0, group_interval_s=3.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait(1)
    pacer.wait(2)  # another chat: only the overall spacing
    pacer.wait(1)  # the same chat again: a second after the first
    pacer.wait(-100)
    pacer.wait(-100)  # a group: three seconds apart
    assert sleeps == pytest.approx([0.1, 0.9, 0.1, 3.0])


def test_a_group_that_became_a_supergroup_is_followed_and_the_message_resent(world: World) -> None:
    community = world.community()
    world.member(community)
    new_chat = -100_444_000_222
    upgraded = {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": new_chat},
    }
    telegram = Telegram((400, upgraded))

    sent = notifier(world, telegram, []).send(Outgoing(community.telegram_chat_id, "Night timelapse is complete"))

    assert sent is DeliveryOutcome.SENT
    assert [r["chat_id"] for r in telegram.requests] == [community.telegram_chat_id, new_chat]
    with world.uow() as uow:
        moved = uow.communities.find_by_chat(new_chat)
    assert moved is not None
    assert moved.id == community.id


def test_an_upgraded_chat_without_a_community_still_gets_the_message_once(world: World) -> None:
    world.member(world.community())
    new_chat = -100_444_000_333
    upgraded = {"ok": False, "error_code": 400, "parameters": {"migrate_to_chat_id": new_chat}}
    telegram = Telegram((400, upgraded), (400, {**upgraded, "parameters": {"migrate_to_chat_id": -1}}))
    before = world.snapshot()

    assert notifier(world, telegram, []).send(Outgoing(-4242, "hello")) is DeliveryOutcome.UNREACHABLE
    assert [r["chat_id"] for r in telegram.requests] == [-4242, new_chat]  # one hop, never a chase
    assert world.snapshot() == before


def test_an_upgrade_answer_after_retries_is_still_resent(world: World) -> None:
    community = world.community()
    world.member(community)
    new_chat = -100_444_000_444
    flood = {"ok": False, "error_code": 429, "parameters": {"retry_after": 1}}
    upgraded = {"ok": False, "error_code": 400, "parameters": {"migrate_to_chat_id": new_chat}}
    telegram = Telegram((429, flood), (429, flood), (429, flood), (400, upgraded))

    sent = notifier(world, telegram, []).send(Outgoing(community.telegram_chat_id, "Night timelapse is complete"))
    assert sent is DeliveryOutcome.SENT
    assert [r["chat_id"] for r in telegram.requests] == [community.telegram_chat_id] * 4 + [new_chat]
