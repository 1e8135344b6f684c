"""Webhook delivery is durable and its effects happen once: 200 only for a stored update, 503
when it cannot be stored, a redelivery does nothing, an update a dead process left behind is
handled by another, and an update handled twice (a crash before its done mark) takes one task."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tests.botapi import TOKEN, BotApi, TgUser, Updates
from tests.e2e.bot.test_webhook import serve
from tests.fakes import FakeQualityGate, RecordingQueue
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.bootstrap import Container, bootstrap
from tgexchange.bot import deeplinks
from tgexchange.bot.app import build_application
from tgexchange.bot.flood import FloodGate
from tgexchange.bot.webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_router
from tgexchange.config import Settings
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.ledger import AccountKey
from tgexchange.services import channel as channel_service
from tgexchange.services import submission as submission_service

SECRET = "inbox-secret"
VIDEO_ID = "Xk3mRv9TqLw"
HEADERS = {SECRET_HEADER: SECRET}


class Served:
    def __init__(self, client: httpx.AsyncClient, api: BotApi, container: Container, queue: RecordingQueue) -> None:
        self.client = client
        self.api = api
        self.container = container
        self.queue = queue

    async def post(self, update: dict[str, object]) -> int:
        response = await self.client.post(WEBHOOK_PATH, json=update, headers=HEADERS)
        return response.status_code

    async def until(self, condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
        async with asyncio.timeout(timeout_s):
            while not condition():  # noqa: ASYNC110 - the recorded transport has no event to wait on
                await asyncio.sleep(0.02)

    def inbox_rows(self) -> list[sa.Row[tuple[int, int, object]]]:
        i = tables.webhook_inbox
        with self.container.storage.engine.connect() as connection:
            return list(connection.execute(sa.select(i.c.update_id, i.c.attempts, i.c.done_at).order_by(i.c.update_id)))


@pytest.fixture
async def served(world: World, tmp_path: Path) -> AsyncIterator[Served]:
    url = world.storage.engine.url.render_as_string(hide_password=False)
    # A quick recovery loop and short leases, so that a test sees a lease run out.
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=url, TGEXCHANGE_DATA_DIR=str(tmp_path), WEBHOOK_LEASE_S=5, WEBHOOK_RECOVERY_EVERY_S=0.1
    )
    container = bootstrap(settings, clock=world.clock, readers=(world.platform, world.platform),
                          quality_gate=FakeQualityGate())  # fmt: skip
    api, queue = BotApi(), RecordingQueue()
    application = build_application(
        container, token=TOKEN, queue=queue, request=api, polling=False, rate_limit=False,
        flood=FloodGate(burst=100),
    )  # fmt: skip
    app = FastAPI()
    app.include_router(webhook_router(application, SECRET))
    async for client in serve(app):
        yield Served(client, api, container, queue)
    container.storage.dispose()


async def test_a_redelivered_update_is_answered_200_and_handled_once(served: Served) -> None:
    user = TgUser(1001, "Alice")
    update = Updates().private(user, "/help")
    assert [await served.post(update) for _ in range(3)] == [200, 200, 200]
    await served.until(lambda: bool(served.inbox_rows()) and served.inbox_rows()[0].done_at is not None)
    await asyncio.sleep(0.3)
    assert len(served.api.sent(user.id)) == 1
    assert [(r.update_id, r.attempts) for r in served.inbox_rows()] == [(update["update_id"], 1)]


async def test_an_update_that_cannot_be_stored_is_answered_503_and_not_handled(served: Served) -> None:
    user = TgUser(1002, "Bob")
    update = Updates().private(user, "/help")
    engine = served.container.storage.engine
    with engine.begin() as connection:  # storage refuses every write to the inbox
        connection.exec_driver_sql("ALTER TABLE webhook_inbox RENAME TO webhook_inbox_away")
    assert await served.post(update) == 503
    await asyncio.sleep(0.3)
    assert served.api.sent(user.id) == []
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE webhook_inbox_away RENAME TO webhook_inbox")
    assert served.inbox_rows() == []
    # Telegram delivers it again; now it is stored and handled.
    assert await served.post(update) == 200
    await served.until(lambda: len(served.api.sent(user.id)) == 1)


async def test_an_update_left_by_a_dead_process_is_taken_and_handled_once(served: Served, world: World) -> None:
    user = TgUser(1003, "Carol")
    update = Updates().private(user, "/help")
    body = httpx.Request("POST", "http://x", json=update).content.decode()
    # As a process that stored it and died before handling it leaves it: leased, lease run out.
    with served.container.storage.engine.begin() as connection:
        connection.execute(
            tables.webhook_inbox.insert().values(
                update_id=update["update_id"], body=body, received_at=world.now - timedelta(seconds=60),
                claimed_until=world.now - timedelta(seconds=30), attempts=1,
            )
        )  # fmt: skip
    await served.until(lambda: len(served.api.sent(user.id)) == 1)
    await served.until(lambda: served.inbox_rows()[0].done_at is not None)
    await asyncio.sleep(0.3)
    assert len(served.api.sent(user.id)) == 1
    assert served.inbox_rows()[0].attempts == 2
    # Telegram never got an answer from the dead process, so it delivers again: nothing more.
    assert await served.post(update) == 200
    await asyncio.sleep(0.3)
    assert len(served.api.sent(user.id)) == 1


async def test_a_task_request_handled_again_after_a_crash_takes_no_second_task(
    served: Served, world: World, community: Community
) -> None:
    owners = [world.member(community) for _ in range(3)]
    for owner in owners:
        world.submission(owner, wanted=2)
    giver = world.member(community)
    user = TgUser(giver.telegram_user_id, "Giver")
    update = Updates().private(user, "/task")
    assert await served.post(update) == 200
    await served.until(lambda: bool(served.inbox_rows()) and served.inbox_rows()[0].done_at is not None)
    first_card = served.api.sent(user.id)[-1]
    # The process died after the task was taken and the card sent, before its done mark landed.
    with served.container.storage.engine.begin() as connection:
        connection.execute(
            tables.webhook_inbox.update().values(done_at=None, claimed_until=world.now - timedelta(seconds=1))
        )
    await served.until(lambda: len(served.api.sent(user.id)) == 2)
    await served.until(lambda: served.inbox_rows()[0].done_at is not None)
    with world.uow() as uow:
        assert uow.tasks.count_open_for_giver(giver.id) == 1
    # The card shown again is the same task's.
    assert served.api.sent(user.id)[-1].buttons == first_card.buttons


async def handled_again_after_a_crash(served: Served, world: World, update_id: int) -> None:
    """As when the process died after the update's effect, before its done mark: the row's lease
    runs out un-done, and the recovery loop hands the update to the handlers again."""
    i = tables.webhook_inbox
    await served.until(lambda: any(r.update_id == update_id and r.done_at for r in served.inbox_rows()))
    with served.container.storage.engine.begin() as connection:
        connection.execute(
            i.update()
            .where(i.c.update_id == update_id)
            .values(done_at=None, claimed_until=world.now - timedelta(seconds=1))
        )
    await served.until(
        lambda: any(r.update_id == update_id and r.attempts == 2 and r.done_at for r in served.inbox_rows())
    )


async def test_a_count_button_handled_again_after_a_crash_makes_no_second_submission(
    served: Served, world: World, community: Community
) -> None:
    owner = world.member(community)
    user = TgUser(owner.telegram_user_id, "Olga")
    world.platform.publish(channel_id=world.channel_of[owner.id], platform=Platform.YOUTUBE, content_id=VIDEO_ID)
    updates = Updates()
    assert await served.post(updates.private(user, f"https://youtu.be/{VIDEO_ID}")) == 200
    await served.until(lambda: "sb:2" in str(served.api.texts(user.id) and served.api.last(user.id).buttons))
    question = served.api.last(user.id)
    press = updates.press(user, question, "sb:2")
    assert await served.post(press) == 200
    await served.until(lambda: "Submitted" in served.api.last(user.id).text)
    with world.uow() as uow:
        (first,) = uow.submissions.list_for_owner(owner.id)
    # The owner withdraws it: the same video could now be submitted again.
    submission_service.cancel_submission(world.uow(), member_id=owner.id, submission_id=first.id, now=world.now)
    await handled_again_after_a_crash(served, world, press["update_id"])
    with world.uow() as uow:
        assert [s.id for s in uow.submissions.list_for_owner(owner.id)] == [first.id]
    assert world.balance(owner) == 30  # paid once, refunded once


async def test_the_link_that_proved_a_channel_handled_again_after_a_crash_is_not_submitted(
    served: Served, world: World, community: Community
) -> None:
    # Handled again, the code is used and no longer awaited: read as any other link, the video the
    # code was posted on became a submission (found by bench/faults.py: a member with two).
    member = world.member(community, link=None)
    user = TgUser(member.telegram_user_id, "Pia")
    proof = channel_service.start_channel_proof(
        world.uow(), member_id=member.id, platform=Platform.YOUTUBE, now=world.now
    )
    ref = world.platform.publish(channel_id="UCpia", platform=Platform.YOUTUBE, content_id=VIDEO_ID)
    world.platform.comment(ref, author_channel_id="UCpia", text=f"code {proof.code}", at=world.now)
    message = Updates().private(user, f"https://youtu.be/{VIDEO_ID}")
    assert await served.post(message) == 200

    def linked() -> int:
        return sum("Linked" in text for text in served.api.texts(user.id))

    await served.until(lambda: linked() == 1)

    await handled_again_after_a_crash(served, world, message["update_id"])

    await served.until(lambda: linked() == 2)  # the same answer again, not "Submitted"
    assert not any("Submitted" in text for text in served.api.texts(user.id))
    with world.uow() as uow:
        assert list(uow.submissions.list_for_owner(member.id)) == []
        assert [c.channel_id for c in uow.channels.list_for_member(member.id)] == ["UCpia"]


async def test_a_done_handled_again_after_a_crash_asks_for_its_verification_again(
    served: Served, world: World, community: Community
) -> None:
    world.submission(world.member(community), wanted=2)
    giver = world.member(community)
    user = TgUser(giver.telegram_user_id, "Gus")
    updates = Updates()
    assert await served.post(updates.private(user, "/task")) == 200
    await served.until(lambda: bool(served.api.sent(user.id)))
    press = updates.press(user, served.api.last(user.id), served.api.last(user.id).button("td:")["callback_data"])
    assert await served.post(press) == 200
    await served.until(lambda: len(served.queue.enqueued) == 1)
    # The crash came between the commit of Done and the queueing of its verification.
    served.queue.enqueued.clear()
    await handled_again_after_a_crash(served, world, press["update_id"])
    assert len(served.queue.enqueued) == 1
    # Asked as after a crash: a pass already marked may have died with the process.
    assert served.queue.after_crash == [served.queue.enqueued[0][0]]
    assert "already moved on" not in served.api.last(user.id).text


@pytest.fixture
def community(world: World) -> Community:
    return world.community(max_open_tasks_per_member=5)


async def test_an_update_whose_handlers_failed_on_storage_is_handled_again_once_it_is_back(
    served: Served, world: World, community: Community
) -> None:
    member = world.member(community)
    user = TgUser(member.telegram_user_id, "Dora")
    update = Updates().private(user, "/balance")
    engine = served.container.storage.engine
    with engine.begin() as connection:  # the handlers cannot read members; the inbox still works
        connection.exec_driver_sql("ALTER TABLE members RENAME TO members_away")
    assert await served.post(update) == 200
    await served.until(lambda: len(served.api.sent(user.id)) == 1)  # the apology
    await asyncio.sleep(0.3)
    assert served.inbox_rows()[0].done_at is None
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE members_away RENAME TO members")
    world.clock.advance(seconds=6)  # the lease runs out
    await served.until(lambda: len(served.api.sent(user.id)) == 2)
    await served.until(lambda: served.inbox_rows()[0].done_at is not None)
    assert "credits" in served.api.sent(user.id)[-1].text
    assert served.inbox_rows()[0].attempts == 2


async def test_a_join_burst_delivered_twice_with_outsiders_among_it_credits_each_member_once(
    served: Served, world: World, community: Community
) -> None:
    """Thirty people tap the join button at once, Telegram delivers every update twice, and five
    of them are not in the group (left, kicked, never there): the members join once with one
    welcome each, the outsiders are refused and stored nowhere, and the ledger balances."""
    members = [TgUser(5000 + i, f"Member {i}", language_code="es" if i % 2 else "en") for i in range(25)]
    outsiders = [TgUser(6000 + i, f"Outsider {i}") for i in range(5)]
    for user in members:
        served.api.statuses[(community.telegram_chat_id, user.id)] = "member"
    served.api.statuses[(community.telegram_chat_id, outsiders[0].id)] = "left"
    served.api.statuses[(community.telegram_chat_id, outsiders[1].id)] = "kicked"
    payload = deeplinks.make_payload(deeplinks.link_key(TOKEN), community.id)
    updates = Updates()
    burst = [updates.private(user, f"/start {payload}") for user in [*members, *outsiders]]

    statuses = await asyncio.gather(*(served.post(update) for update in [*burst, *burst]))

    assert set(statuses) == {200}
    await served.until(lambda: all(row.done_at is not None for row in served.inbox_rows()))
    await asyncio.sleep(0.3)
    assert len(served.inbox_rows()) == len(burst)
    for user in members:
        (welcome,) = served.api.sent(user.id)
        assert ("Te damos la bienvenida" if user.language_code == "es" else "Welcome to the exchange") in welcome.text
        assert welcome.buttons  # the next step
    for user in outsiders:
        (refusal,) = served.api.sent(user.id)
        assert "Only members of that group can join" in refusal.text
    with world.uow() as uow:
        found = uow.members.find_by_users(community.id, [u.id for u in [*members, *outsiders]])
        assert sorted(m.telegram_user_id for m in found) == [u.id for u in members]
        assert all(uow.ledger.balance(AccountKey.member(m.id)) == 30 for m in found)
        assert uow.ledger.is_balanced(community.id)
    welcomes = [row for row in world.snapshot()["postings"] if str(row[6]).startswith("welcome:")]
    assert len(welcomes) == len(members)


async def test_a_join_handled_again_after_a_crash_gives_no_second_welcome(
    served: Served, world: World, community: Community
) -> None:
    user = TgUser(7001, "Dora")
    served.api.statuses[(community.telegram_chat_id, user.id)] = "member"
    payload = deeplinks.make_payload(deeplinks.link_key(TOKEN), community.id)
    update = Updates().private(user, f"/start {payload}")
    assert await served.post(update) == 200
    await served.until(lambda: bool(served.inbox_rows()) and served.inbox_rows()[0].done_at is not None)
    # As a process that committed the join and died before its done mark leaves the update.
    with served.container.storage.engine.begin() as connection:
        connection.execute(
            tables.webhook_inbox.update().values(done_at=None, claimed_until=world.now - timedelta(seconds=30))
        )

    await served.until(lambda: len(served.api.sent(user.id)) == 2)

    first, again = served.api.sent(user.id)
    assert "Welcome to the exchange" in first.text
    assert "Welcome back" in again.text
    assert again.buttons
    with world.uow() as uow:
        (member,) = uow.members.find_by_users(community.id, [user.id])
        assert uow.ledger.balance(AccountKey.member(member.id)) == 30
        assert uow.ledger.is_balanced(community.id)
