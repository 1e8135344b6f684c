"""The real PTB Application over real storage, with the Bot API answered in-process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from tests.botapi import TOKEN, BotApi, Call, TgUser, Updates
from tests.fakes import FakeQualityGate, RecordingQueue
from tests.world import World
from tgexchange.bootstrap import Container, bootstrap
from tgexchange.bot import deeplinks
from tgexchange.bot.app import App, build_application, runtime_of, start_bot, stop_bot
from tgexchange.bot.flood import FloodGate
from tgexchange.bot.texts import Texts
from tgexchange.config import Settings
from tgexchange.domain.community import Community
from tgexchange.domain.content import ContentRef, Platform
from tgexchange.domain.member import Member
from tgexchange.services.notifications import deliver_notices
from tgexchange.services.ports import ShortLinkResolver
from tgexchange.services.verification import VerificationRun, verify_submission


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class BotHarness:
    """Drives the Application as Telegram would and reads back what it sent."""

    def __init__(self, app: App, api: BotApi, world: World, container: Container, queue: RecordingQueue) -> None:
        self.app = app
        self.api = api
        self.world = world
        self.container = container
        self.queue = queue
        self.updates = Updates()
        self.gate = FakeQualityGate()

    async def feed(self, payload: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(payload, self.app.bot))

    async def say(self, user: TgUser, text: str) -> Call:
        """A private message; returns the last message the bot sent or edited in that chat."""
        await self.feed(self.updates.private(user, text))
        return self.api.last(user.id)

    async def submit(self, user: TgUser, url: str, *, count: int = 1) -> Call:
        """Sends the link; when the bot asks how many members to pay for, presses ``count``."""
        answer = await self.say(user, url)
        if any(str(b.get("callback_data", "")).startswith("sb:") for b in answer.buttons):
            answer = await self.press(user, answer, f"sb:{count}")
        return answer

    async def press(self, user: TgUser, call: Call, starts_with: str) -> Call:
        data = call.button(starts_with)["callback_data"]
        await self.feed(self.updates.press(user, call, data))
        return self.api.last(call.chat_id or user.id)

    def payload(self, community: Community) -> str:
        return deeplinks.make_payload(runtime_of(self.app).link_key, community.id)

    async def join(self, user: TgUser, community: Community, *, status: str = "member") -> Call:
        self.api.statuses[(community.telegram_chat_id, user.id)] = status
        return await self.say(user, f"/start {self.payload(community)}")

    def user_of(self, member: Member, language: str = "en") -> TgUser:
        return TgUser(member.telegram_user_id, member.display_name, language_code=language)

    async def member(
        self, community: Community, name: str, *, language: str = "en", link: Platform | None = Platform.YOUTUBE
    ) -> tuple[Member, TgUser]:
        """A member who joined through the bot (and linked a channel through the use case)."""
        user = TgUser(8000 + len(self.api.statuses), name, language_code=language)
        await self.join(user, community)
        member = self.find_member(community, user)
        if link is not None:
            self.world.link(member, link)
        return member, user

    def find_member(self, community: Community, user: TgUser) -> Member:
        with self.world.uow() as uow:
            found = uow.members.find_by_user(community.id, user.id)
        assert found is not None
        return found

    def video(
        self, owner: Member, video_id: str, *, platform: Platform = Platform.YOUTUBE, title: str = "My video"
    ) -> ContentRef:
        return self.world.platform.publish(
            channel_id=self.world.channel_of[owner.id], platform=platform, content_id=video_id, title=title
        )

    async def verify(self, submission_id: int) -> VerificationRun:
        """What the verification job does, in a worker thread as Huey runs it: the notices go out
        through the container's notifier (the bot's, plugged in by build_application)."""

        def job() -> VerificationRun:
            uow = self.container.storage.uow()
            run = verify_submission(
                uow, self.world.platform, self.gate, submission_id=submission_id, now=self.world.clock.now()
            )
            deliver_notices(
                self.container.storage.outbox,
                self.container.notifier,
                now=self.world.clock.now(),
                ids=uow.take_notices(),
            )
            return run

        run = await asyncio.to_thread(job)
        await runtime_of(self.app).notifier.drain()
        return run

    async def deliver_due(self, *, after_s: float) -> None:
        """The periodic delivery job, ``after_s`` seconds from now, in a worker thread as Huey
        runs it, through the container's notifier (the bot's)."""
        self.world.clock.advance(seconds=after_s)
        await asyncio.to_thread(
            deliver_notices, self.container.storage.outbox, self.container.notifier, now=self.world.clock.now()
        )


def build_harness_app(
    container: Container, api: BotApi, queue: RecordingQueue, *, flood: FloodGate | None = None
) -> App:
    return build_application(
        container,
        token=TOKEN,
        queue=queue,
        request=api,
        get_updates_request=api,
        polling=False,
        rate_limit=False,
        texts=Texts(strict=True),
        flood=flood or FloodGate(burst=10_000),
    )


def container_for(world: World, tmp_path: Path, *, short_links: ShortLinkResolver | None = None) -> Container:
    url = world.storage.engine.url.render_as_string(hide_password=False)
    settings = Settings(DATABASE_URL=url, TGEXCHANGE_DATA_DIR=str(tmp_path))  # type: ignore[call-arg]
    return bootstrap(
        settings,
        clock=world.clock,
        readers=(world.platform, world.platform),
        quality_gate=FakeQualityGate(),
        short_links=short_links,
    )


@asynccontextmanager
async def two_processes(world: World, tmp_path: Path) -> AsyncIterator[tuple[BotHarness, BotHarness]]:
    """Two running Applications on one database and one Bot API, as two webhook processes behind
    one address: each keeps its own memory (user_data, caches), so a test can send one update
    to each and see what only the database carries from one to the other."""
    api = BotApi()
    first = build_harness_app(container_for(world, tmp_path), api, RecordingQueue())
    second = build_harness_app(container_for(world, tmp_path), api, RecordingQueue())
    async with first, second:
        await start_bot(first)
        await start_bot(second)
        one = BotHarness(first, api, world, first.bot_data["tgexchange"].container, RecordingQueue())
        other = BotHarness(second, api, world, second.bot_data["tgexchange"].container, RecordingQueue())
        other.updates = one.updates  # one bot, one stream of update ids
        try:
            yield one, other
        finally:
            await stop_bot(first)
            await stop_bot(second)


@pytest.fixture
async def bot(world: World, tmp_path: Path) -> AsyncIterator[BotHarness]:
    container = container_for(world, tmp_path)
    api, queue = BotApi(), RecordingQueue()
    app = build_harness_app(container, api, queue)
    async with app:
        await start_bot(app)
        harness = BotHarness(app, api, world, container, queue)
        harness.gate = container.quality_gate  # type: ignore[assignment]
        yield harness
        await stop_bot(app)
    container.storage.dispose()


@pytest.fixture
def community(world: World) -> Community:
    return world.community()
