"""Admin commands under pressure: forum topics, long audit trails, floods of refusals, and many
groups' anonymous admins at once."""

from __future__ import annotations

from pathlib import Path

from tests.botapi import BotApi, parse_html
from tests.e2e.bot.conftest import BotHarness, build_harness_app, container_for
from tests.e2e.bot.test_admin import ADMIN, community_now, make_admin
from tests.fakes import RecordingQueue
from tests.world import World
from tgexchange.bot.flood import FloodGate
from tgexchange.domain.community import Community
from tgexchange.domain.member import MemberStatus


async def test_a_command_in_a_forum_topic_is_not_about_whoever_opened_the_topic(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADMIN)
    _, carol = await bot.member(community, "Carol")  # she opened the topic
    _, bob = await bot.member(community, "Bob")
    bob.username = "bobby"
    await bot.join(bob, community)
    chat = {"id": community.telegram_chat_id, "type": "supergroup", "title": "Creators", "is_forum": True}
    topic_opened = {
        "message_id": 77,
        "date": bot.updates.date,
        "chat": chat,
        "from": carol.json(),
        "message_thread_id": 77,
        "forum_topic_created": {"name": "Promo", "icon_color": 7322096},
    }
    update = bot.updates.group(community.telegram_chat_id, ADMIN, "/exchange_ban @bobby spam", reply_to=topic_opened)
    update["message"].update(chat=chat, message_thread_id=77, is_topic_message=True)

    await bot.feed(update)

    assert bot.find_member(community, carol).status is not MemberStatus.BANNED
    assert bot.find_member(community, bob).status is MemberStatus.BANNED


async def test_a_long_audit_trail_reads_five_short_lines_at_a_time(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    for n in range(8):
        await bot.feed(bot.updates.group(community.telegram_chat_id, ADMIN, "/exchange_pause " + "x" * 299 + str(n)))
        await bot.feed(bot.updates.group(community.telegram_chat_id, ADMIN, "/exchange_resume " + "y" * 299 + str(n)))

    page = await bot.say(ADMIN, "/exchange_audit")
    seen = 0
    while True:
        text, _ = parse_html(page.text)
        lines = text.split("\n")[1:]
        assert 1 <= len(lines) <= 5
        assert all(len(line) <= 60 for line in lines)  # long reasons are shortened, not dropped
        seen += len(lines)
        if not any(b["text"] == "More ▾" for b in page.buttons):
            break
        page = await bot.press(ADMIN, page, "More ▾")
    assert seen == 16


async def test_a_member_repeating_admin_commands_gets_one_refusal_not_a_flood(
    bot: BotHarness, community: Community
) -> None:
    _, alice = await bot.member(community, "Alice")
    bot.api.clear()

    for _ in range(10):
        await bot.feed(bot.updates.group(community.telegram_chat_id, alice, "/exchange_settings"))

    refusals = bot.api.sent(community.telegram_chat_id)
    assert len(refusals) == 1
    assert "only the group's admins" in refusals[0].text
    privately = bot.api.sent(alice.id)  # the others, where they bother nobody
    assert len(privately) == 9
    assert privately[0].text == (
        f"You wrote /exchange_settings in <b>{community.title}</b>. I answer here, so that the group stays quiet.\n"
        "Sorry, only the group's admins can do that."
    )
    assert not community_now(bot, community).is_paused


async def test_anonymous_admins_of_other_groups_do_not_share_a_flood_limit(world: World, tmp_path: Path) -> None:
    api = BotApi()
    app = build_harness_app(container_for(world, tmp_path), api, RecordingQueue(), flood=FloodGate())  # defaults
    noisy, other = world.community(), world.community()
    async with app:
        bot = BotHarness(app, api, world, app.bot_data["tgexchange"].container, RecordingQueue())
        for _ in range(13):  # an anonymous admin of one group, over the flood limit
            await bot.feed(bot.updates.anonymous_admin(noisy.telegram_chat_id, "/exchange_stats"))

        await bot.feed(bot.updates.anonymous_admin(other.telegram_chat_id, "/exchange_pause raid"))

    assert "posting anonymously" in api.last(other.telegram_chat_id).text  # answered, not dropped


async def test_a_person_flooding_is_still_limited(bot: BotHarness, community: Community) -> None:
    gate = bot.app.bot_data["tgexchange"].flood = FloodGate()
    _, alice = await bot.member(community, "Alice")
    for _ in range(20):
        await bot.say(alice, "/balance")
    assert gate is bot.app.bot_data["tgexchange"].flood
    assert sum("a lot of messages at once" in call.text for call in bot.api.sent(alice.id)) == 1
