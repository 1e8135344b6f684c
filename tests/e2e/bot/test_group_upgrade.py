"""A group upgraded to a supergroup gets a new chat id; its community, members and credits follow.

Telegram posts a service message in the old chat (``migrate_to_chat_id``) and one in the new
(``migrate_from_chat_id``), and announces the bot in the new chat (``my_chat_member``), in an
order it does not promise; every order ends with one community on the new chat."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.botapi import BotApi, TgUser
from tests.e2e.bot.conftest import BotHarness, build_harness_app, container_for
from tests.fakes import RecordingQueue
from tests.world import World
from tgexchange.bootstrap import Storage
from tgexchange.bot.app import runtime_of, start_bot, stop_bot
from tgexchange.bot.notifications import Outgoing
from tgexchange.domain.community import Community
from tgexchange.services.ports import DeliveryOutcome

NEW_CHAT = -100_555_000_111
OWNER = TgUser(4100, "Olga")


def on_chat(bot: BotHarness, chat_id: int) -> Community | None:
    with bot.world.uow() as uow:
        return uow.communities.find_by_chat(chat_id)


async def test_the_community_follows_its_group_to_the_upgraded_chat(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    balance_before = (await bot.say(alice, "/balance")).text
    old_chat = community.telegram_chat_id
    bot.api.clear()

    await bot.feed(bot.updates.migrated_to(old_chat, OWNER, NEW_CHAT, title=community.title))
    await bot.feed(bot.updates.bot_status(NEW_CHAT, OWNER, "left", "member", title=community.title))
    await bot.feed(bot.updates.migrated_from(NEW_CHAT, old_chat, title=community.title))

    moved = on_chat(bot, NEW_CHAT)
    assert moved is not None
    assert moved.id == community.id
    assert on_chat(bot, old_chat) is None
    assert bot.api.sent(NEW_CHAT) == []  # no second welcome: the group already has the bot
    assert (await bot.say(alice, "/balance")).text == balance_before
    bot.api.statuses[(NEW_CHAT, OWNER.id)] = "administrator"
    await bot.feed(bot.updates.group(NEW_CHAT, OWNER, "/exchange_audit", title=community.title))
    assert "Telegram moved the group to its new chat" in (await bot.say(OWNER, "/exchange_audit")).text


async def test_when_the_bot_is_announced_first_its_empty_community_makes_way(
    bot: BotHarness, community: Community
) -> None:
    _, alice = await bot.member(community, "Alice")
    old_chat = community.telegram_chat_id

    await bot.feed(bot.updates.bot_status(NEW_CHAT, OWNER, "left", "member", title=community.title))
    first_welcome = bot.api.last(NEW_CHAT)
    await bot.feed(bot.updates.migrated_from(NEW_CHAT, old_chat, title=community.title))
    await bot.feed(bot.updates.migrated_to(old_chat, OWNER, NEW_CHAT, title=community.title))

    moved = on_chat(bot, NEW_CHAT)
    assert moved is not None
    assert moved.id == community.id
    welcomes = bot.api.sent(NEW_CHAT)
    assert len(welcomes) == 2
    assert welcomes[-1].button("Join the exchange")["url"].endswith(bot.payload(community))
    # The first welcome's link led to the community that was removed: a friendly answer, no crash.
    stale = first_welcome.button("Join the exchange")["url"].rsplit("=", 1)[1]
    newcomer = TgUser(4200, "Nora")
    bot.api.statuses[(NEW_CHAT, newcomer.id)] = "member"
    assert "join link is not valid" in (await bot.say(newcomer, f"/start {stale}")).text
    assert "Welcome to the exchange" in (await bot.say(newcomer, f"/start {bot.payload(community)}")).text
    assert community.title in (await bot.say(alice, "/balance")).text


async def test_a_new_chat_community_members_already_joined_is_left_alone(
    bot: BotHarness, community: Community, capsys: pytest.CaptureFixture[str]
) -> None:
    await bot.member(community, "Alice")
    old_chat = community.telegram_chat_id
    await bot.feed(bot.updates.bot_status(NEW_CHAT, OWNER, "left", "member", title="Creators 2"))
    placeholder = on_chat(bot, NEW_CHAT)
    assert placeholder is not None
    await bot.member(placeholder, "Bob")
    before = bot.world.snapshot()
    bot.api.clear()

    await bot.feed(bot.updates.migrated_to(old_chat, OWNER, NEW_CHAT))

    assert "community_move_refused" in capsys.readouterr().out
    after = bot.world.snapshot()
    after.pop("bot_updates")
    before.pop("bot_updates")
    assert after == before
    assert bot.api.calls == []


async def test_a_replayed_upgrade_notice_has_no_second_effect(bot: BotHarness, community: Community) -> None:
    await bot.member(community, "Alice")
    notice = bot.updates.migrated_to(community.telegram_chat_id, OWNER, NEW_CHAT)
    await bot.feed(notice)
    before = bot.world.snapshot()

    await bot.feed(notice)

    assert bot.world.snapshot() == before


async def test_a_missed_upgrade_is_noticed_when_telegram_refuses_a_message_to_the_old_chat(
    bot: BotHarness, community: Community
) -> None:
    # The bot was away longer than Telegram keeps updates: it never saw the service messages.
    _, alice = await bot.member(community, "Alice")
    old_chat = community.telegram_chat_id
    bot.api.migrated[old_chat] = NEW_CHAT
    bot.api.clear()

    delivered = await runtime_of(bot.app).send(Outgoing(old_chat, "Night timelapse got all its feedback 🎉"))

    assert delivered is DeliveryOutcome.SENT
    assert [c.chat_id for c in bot.api.sent()] == [old_chat, NEW_CHAT]
    assert bot.api.last(NEW_CHAT).text == "Night timelapse got all its feedback 🎉"
    moved = on_chat(bot, NEW_CHAT)
    assert moved is not None
    assert moved.id == community.id
    assert community.title in (await bot.say(alice, "/balance")).text


async def test_a_refused_follow_still_delivers_the_message_to_the_group(bot: BotHarness, community: Community) -> None:
    await bot.member(community, "Alice")
    await bot.feed(bot.updates.bot_status(NEW_CHAT, OWNER, "left", "member", title="Creators 2"))
    placeholder = on_chat(bot, NEW_CHAT)
    assert placeholder is not None
    await bot.member(placeholder, "Bob")
    bot.api.migrated[community.telegram_chat_id] = NEW_CHAT
    bot.api.clear()

    delivered = await runtime_of(bot.app).send(Outgoing(community.telegram_chat_id, "hello"))

    assert delivered is DeliveryOutcome.SENT  # the same people, in the chat Telegram named
    assert [c.chat_id for c in bot.api.sent()] == [community.telegram_chat_id, NEW_CHAT]
    still = on_chat(bot, community.telegram_chat_id)
    assert still is not None
    assert still.id == community.id  # two communities with members are never merged


async def test_a_bot_re_added_after_an_unseen_removal_welcomes_again(bot: BotHarness, community: Community) -> None:
    # Only an announcement right after an upgrade is silent; the bot's removal may go unseen
    # (claimed, then a crash; or away longer than Telegram keeps updates).
    await bot.member(community, "Alice")
    bot.api.clear()

    await bot.feed(bot.updates.bot_status(community.telegram_chat_id, OWNER, "left", "member", title=community.title))

    assert "Join the exchange" in str(bot.api.last(community.telegram_chat_id).buttons)


@pytest.mark.postgres
async def test_both_notices_handled_at_once_post_one_replacement_welcome(
    postgres_storage: Storage, tmp_path: Path
) -> None:
    # On PostgreSQL the bot runs use cases in threads, and the two notices come from different
    # senders (the person in the old chat, the new chat itself), so they run side by side.
    world = World(postgres_storage)
    container = container_for(world, tmp_path)
    api, queue = BotApi(), RecordingQueue()
    app = build_harness_app(container, api, queue)
    welcomes = []
    async with app:
        await start_bot(app)
        bot = BotHarness(app, api, world, container, queue)
        for round_no in range(8):
            community = world.community()
            world.member(community)
            old_chat, new_chat = community.telegram_chat_id, NEW_CHAT - round_no
            await bot.feed(bot.updates.bot_status(new_chat, OWNER, "left", "member", title=community.title))
            api.clear()
            await asyncio.gather(
                bot.feed(bot.updates.migrated_to(old_chat, OWNER, new_chat, title=community.title)),
                bot.feed(bot.updates.migrated_from(new_chat, old_chat, title=community.title)),
            )
            welcomes.append(len(api.sent(new_chat)))
        await stop_bot(app)
    container.storage.dispose()
    assert welcomes == [1] * 8
