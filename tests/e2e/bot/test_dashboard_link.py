"""/dashboard: an admin gets a single-use login link in private, which logs them in to the web
dashboard (the real app on the bot's own container); nobody else gets one, and no link is ever
posted in a group."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.test_admin import ADMIN, ADMIN_ES, group_command, make_admin
from tgexchange.domain.community import Community
from tgexchange.web.app import create_app

LINK = re.compile(r'https?://[^\s"<>]+/exchange/dashboard/login\?token=[\w-]+')


def login_links_stored(bot: BotHarness) -> int:
    with bot.world.storage.engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM dashboard_logins")).scalar_one())


def link_in(text: str) -> str:
    found = LINK.search(text)
    assert found is not None, text
    return found.group(0)


def web_client(bot: BotHarness) -> httpx.AsyncClient:
    """The dashboard app on the bot's own container, over ASGI."""
    app = create_app(bot.container)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8080")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_an_admin_gets_a_link_in_private_that_logs_in_once(bot: BotHarness, community: Community) -> None:
    other = bot.world.community()
    make_admin(bot, community, ADMIN)
    await group_command(bot, community, ADMIN, "/exchange_stats")  # the admin is known to the exchange

    answer = await bot.say(ADMIN, "/dashboard")

    assert "Your dashboard" in answer.text
    assert "works once, for 10 minutes" in answer.text
    url = link_in(answer.text)
    assert url.startswith(bot.container.settings.public_base_url)
    # A preview fetch by Telegram would spend the link before the admin opens it.
    assert answer.params["link_preview_options"] == {"is_disabled": True}
    async with web_client(bot) as client:
        response = await client.get(path_of(url))
        assert response.status_code == 303, (url, response.text)
        seen = (await client.get("/exchange/dashboard/communities")).json()
        assert seen["items"] == [{"id": community.id, "title": community.title}]
        denied = await client.get("/exchange/dashboard/overview", params={"community_id": other.id})
        assert denied.status_code == 403
        again = await client.get(path_of(url))
        assert again.status_code == 401  # used up


async def test_the_link_is_in_spanish_for_a_spanish_admin(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN_ES)
    await group_command(bot, community, ADMIN_ES, "/exchange_stats")

    answer = await bot.say(ADMIN_ES, "/dashboard")

    assert "Tu panel" in answer.text
    assert "una sola vez, durante 10 minutos" in answer.text
    link_in(answer.text)


async def test_in_the_group_the_admin_is_sent_to_the_private_chat_without_a_link(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADMIN)

    text = await group_command(bot, community, ADMIN, "/dashboard")

    assert "only send them in private" in text
    assert LINK.search(text) is None
    assert all(LINK.search(call.text or "") is None for call in bot.api.sent(community.telegram_chat_id))
    assert "t.me/" in bot.api.last(community.telegram_chat_id).buttons[0]["url"]
    assert login_links_stored(bot) == 0
    # The button opens the private chat, which sends the link at once.
    payload = bot.api.last(community.telegram_chat_id).buttons[0]["url"].rsplit("=", 1)[1]
    assert "Your dashboard" in (await bot.say(ADMIN, f"/start {payload}")).text
    # The group command made them a member (an admin), so /dashboard in private works too.
    assert "Your dashboard" in (await bot.say(ADMIN, "/dashboard")).text


async def test_a_member_who_is_not_an_admin_gets_no_link(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")

    private = await bot.say(alice, "/dashboard")
    in_group = await group_command(bot, community, alice, "/dashboard")
    stranger = await bot.say(TgUser(9999, "Stranger"), "/dashboard")

    assert "for the admins of a group" in private.text
    assert "only the group's admins can do that" in in_group
    assert "for the admins of a group" in stranger.text
    assert LINK.search(private.text + in_group + stranger.text) is None
    assert login_links_stored(bot) == 0


async def test_an_admin_demoted_in_telegram_gets_no_link(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    await group_command(bot, community, ADMIN, "/exchange_stats")
    bot.api.statuses[(community.telegram_chat_id, ADMIN.id)] = "member"
    bot.app.bot_data["tgexchange"].admins.forget(community.telegram_chat_id)  # the brief cache ran out

    answer = await bot.say(ADMIN, "/dashboard")

    assert "for the admins of a group" in answer.text
    assert not bot.find_member(community, ADMIN).is_admin
    assert login_links_stored(bot) == 0


async def test_an_anonymous_admin_is_asked_to_write_in_private(bot: BotHarness, community: Community) -> None:
    await bot.feed(bot.updates.anonymous_admin(community.telegram_chat_id, "/dashboard"))

    text = bot.api.last(community.telegram_chat_id).text
    assert "Send me /dashboard in a private chat" in text
    assert login_links_stored(bot) == 0


async def test_when_telegram_cannot_be_asked_nobodys_role_changes(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    await group_command(bot, community, ADMIN, "/exchange_stats")
    _, alice = await bot.member(community, "Alice")
    bot.app.bot_data["tgexchange"].admins.forget(community.telegram_chat_id)
    bot.api.fail["getChatMember"] = (502, "Bad Gateway")

    admin_answer = await bot.say(ADMIN, "/dashboard")
    member_answer = await bot.say(alice, "/dashboard")

    assert "Your dashboard" in admin_answer.text  # the stored role stands: a failed call demotes nobody
    assert bot.find_member(community, ADMIN).is_admin
    assert "for the admins of a group" in member_answer.text  # ...and promotes nobody
    assert not bot.find_member(community, alice).is_admin
    del bot.api.fail["getChatMember"]
    bot.api.statuses[(community.telegram_chat_id, ADMIN.id)] = "member"
    assert "for the admins of a group" in (await bot.say(ADMIN, "/dashboard")).text  # errors were not cached


async def test_a_demotion_telegram_reports_ends_dashboard_access_at_once(bot: BotHarness, community: Community) -> None:
    owner = TgUser(4100, "Olga")
    make_admin(bot, community, ADMIN)
    await group_command(bot, community, ADMIN, "/exchange_stats")
    url = link_in((await bot.say(ADMIN, "/dashboard")).text)
    async with web_client(bot) as client:
        await client.get(path_of(url))
        assert (await client.get("/exchange/dashboard/overview")).status_code == 200

        demoted = bot.updates.member_status(community.telegram_chat_id, owner, ADMIN, "administrator", "member")
        bot.api.statuses[(community.telegram_chat_id, ADMIN.id)] = "member"
        await bot.feed(demoted)
        await bot.feed(demoted)  # redelivered: no second effect, no error

        assert not bot.find_member(community, ADMIN).is_admin
        # No community left to run: the session lets them see nothing.
        assert (await client.get("/exchange/dashboard/overview")).status_code == 401
        assert (await client.get("/exchange/dashboard/export/csv", params={"entity_type": "tasks"})).status_code == 401

        promoted = bot.updates.member_status(community.telegram_chat_id, owner, ADMIN, "member", "administrator")
        await bot.feed(promoted)
        assert bot.find_member(community, ADMIN).is_admin
        assert (await client.get("/exchange/dashboard/overview")).status_code == 200


async def test_a_status_change_of_someone_outside_the_exchange_changes_nothing(
    bot: BotHarness, community: Community
) -> None:
    stranger = TgUser(4200, "Sam")
    await bot.feed(bot.updates.member_status(community.telegram_chat_id, ADMIN, stranger, "member", "administrator"))
    await bot.feed(bot.updates.member_status(-999_999, ADMIN, stranger, "member", "administrator"))  # unknown group

    with bot.world.uow() as uow:
        assert uow.members.list_for_user(stranger.id) == []
    assert bot.api.sent() == []


async def test_ordinary_joins_and_leaves_of_the_group_cost_no_write(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    with bot.world.storage.engine.connect() as connection:
        before = connection.execute(sa.text("SELECT count(*) FROM bot_updates")).scalar_one()

    await bot.feed(bot.updates.member_status(community.telegram_chat_id, alice, alice, "member", "left"))
    await bot.feed(bot.updates.member_status(community.telegram_chat_id, alice, alice, "left", "member"))

    with bot.world.storage.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM bot_updates")).scalar_one() == before
