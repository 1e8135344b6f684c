"""A TikTok short link, as TikTok's share button copies it, pasted to submit a video or to prove a
channel: the bot looks it up (through a recorded HTTP layer, never the network) while telling
the member, and asks for the full address only when it cannot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.botapi import BotApi, parse_html
from tests.e2e.bot.conftest import BotHarness, build_harness_app, container_for
from tests.e2e.bot.test_link_and_submit import code_in
from tests.fakes import RecordingQueue
from tests.world import World
from tgexchange.adapters.platforms.short_links import HttpShortLinkResolver, PoliteShortLinks
from tgexchange.bot.app import start_bot, stop_bot
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform

VIDEO_ID = "7702518329237083111"
SHORT = "https://vm.tiktok.com/ZMabc123/"
LEADS_TO = {
    "/ZMabc123/": f"https://www.tiktok.com/@alice/video/{VIDEO_ID}?_t=8abc&_r=1",
    "/t/ZTRproof1/": f"https://www.tiktok.com/@lucia/video/{VIDEO_ID}",
}


class TikTok:
    """The short-link host's answers, as recorded redirects; every request kept."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url}")
        if self.down:
            return httpx.Response(503)
        target = LEADS_TO.get(request.url.path)
        return httpx.Response(404) if target is None else httpx.Response(301, headers={"Location": target})


@pytest.fixture
def tiktok() -> TikTok:
    return TikTok()


@pytest.fixture
async def bot(world: World, tmp_path: Path, tiktok: TikTok) -> AsyncIterator[BotHarness]:
    client = httpx.Client(transport=httpx.MockTransport(tiktok))
    container = container_for(world, tmp_path, short_links=PoliteShortLinks(HttpShortLinkResolver(client)))
    api, queue = BotApi(), RecordingQueue()
    app = build_harness_app(container, api, queue)
    async with app:
        await start_bot(app)
        yield BotHarness(app, api, world, container, queue)
        await stop_bot(app)
    container.storage.dispose()


async def test_a_short_link_is_looked_up_and_its_video_submitted(
    bot: BotHarness, community: Community, tiktok: TikTok
) -> None:
    member, alice = await bot.member(community, "Alice", link=Platform.TIKTOK)
    bot.video(member, VIDEO_ID, platform=Platform.TIKTOK, title="Desk setup tour")

    asked = await bot.say(alice, f"new one {SHORT}")

    assert "“Desk setup tour”: how many members should give you feedback?" in parse_html(asked.text)[0]
    waits = [c for c in bot.api.calls if c.method == "sendMessage" and c.chat_id == alice.id]
    assert "Checking your link" in waits[-1].text  # the wait was told, then became the question
    reply = await bot.press(alice, asked, "sb:1")
    assert "Submitted “Desk setup tour”" in reply.text
    with bot.world.uow() as uow:
        (submission,) = uow.submissions.list_for_owner(member.id)
    assert (submission.platform, submission.content_id) == (Platform.TIKTOK, VIDEO_ID)
    assert tiktok.requests == [f"HEAD {SHORT}"]


async def test_a_short_link_proves_a_tiktok_channel_in_spanish(
    bot: BotHarness, community: Community, tiktok: TikTok
) -> None:
    _member, lucia = await bot.member(community, "Lucía", language="es", link=None)
    code = code_in((await bot.say(lucia, "/link tiktok")).text)
    bot.world.platform.publish(
        channel_id="tt-lucia", platform=Platform.TIKTOK, content_id=VIDEO_ID, description=f"nuevo {code}"
    )

    linked = await bot.say(lucia, "https://www.tiktok.com/t/ZTRproof1/")

    assert "Canal vinculado" in linked.text
    assert tiktok.requests == ["HEAD https://www.tiktok.com/t/ZTRproof1/"]


async def test_when_tiktok_does_not_answer_the_member_is_asked_for_the_full_address_in_both_languages(
    bot: BotHarness, community: Community, tiktok: TikTok
) -> None:
    member, alice = await bot.member(community, "Alice", link=Platform.TIKTOK)
    _, lucia = await bot.member(community, "Lucía", language="es", link=Platform.TIKTOK)
    bot.video(member, VIDEO_ID, platform=Platform.TIKTOK)
    tiktok.down = True

    refused = await bot.say(alice, SHORT)
    negado = await bot.say(lucia, SHORT)

    assert "could not look it up just now" in refused.text
    assert "send me the full address" in refused.text
    assert refused.buttons  # the next step is offered
    assert "dirección completa" in negado.text
    tiktok.down = False
    assert "how many members" in (await bot.say(alice, SHORT)).text  # a failure is not remembered


async def test_a_short_link_tiktok_does_not_know_is_refused_as_unavailable(
    bot: BotHarness, community: Community
) -> None:
    _, alice = await bot.member(community, "Alice", link=Platform.TIKTOK)
    refused = await bot.say(alice, "https://vm.tiktok.com/ZMgone000/")
    assert "not publicly available" in refused.text
