"""Joining a community from the group's deep link, in the member's language."""

from __future__ import annotations

import asyncio
from pathlib import Path

from structlog.testing import capture_logs

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness, two_processes
from tests.world import World
from tgexchange.domain.community import Community


async def test_a_group_member_joins_from_the_deep_link_and_gets_welcome_credits(
    bot: BotHarness, community: Community
) -> None:
    alice = TgUser(1001, "Alice")
    reply = await bot.join(alice, community)
    assert "Welcome to the exchange" in reply.text
    assert "Here are <b>30</b> credits to start" in reply.text
    assert [b["text"] for b in reply.buttons] == ["Link my channel", "Get a task"]
    member = bot.find_member(community, alice)
    assert bot.world.balance(member) == 30
    assert member.language == "en"


async def test_a_spanish_speaker_is_welcomed_in_spanish_and_stored_as_such(
    bot: BotHarness, community: Community
) -> None:
    lucia = TgUser(1002, "Lucía", language_code="es-419")
    reply = await bot.join(lucia, community)
    assert "Te damos la bienvenida al intercambio" in reply.text
    assert bot.find_member(community, lucia).language == "es"


async def test_joining_twice_gives_no_second_welcome(bot: BotHarness, community: Community) -> None:
    alice = TgUser(1001, "Alice")
    await bot.join(alice, community)
    again = await bot.join(alice, community)
    assert "Welcome back" in again.text
    assert bot.world.balance(bot.find_member(community, alice)) == 30


async def test_a_made_up_deep_link_is_refused(bot: BotHarness, community: Community) -> None:
    mallory = TgUser(1003, "Mallory")
    bot.api.statuses[(community.telegram_chat_id, mallory.id)] = "member"
    forged = f"c{community.id}-AAAAAAAA"
    reply = await bot.say(mallory, f"/start {forged}")
    assert "not valid" in reply.text
    with bot.world.uow() as uow:
        assert uow.members.find_by_user(community.id, mallory.id) is None


async def test_someone_outside_the_group_cannot_join_with_a_shared_link(bot: BotHarness, community: Community) -> None:
    outsider = TgUser(1004, "Outsider", language_code="es")
    reply = await bot.join(outsider, community, status="left")
    assert "Solo quienes están en ese grupo" in reply.text
    with bot.world.uow() as uow:
        assert uow.members.find_by_user(community.id, outsider.id) is None


async def test_start_without_a_community_explains_how_to_join(bot: BotHarness) -> None:
    reply = await bot.say(TgUser(1005, "Newcomer"), "/start")
    assert "tap “Join the exchange” in your group" in reply.text
    assert reply.button("➕")["url"] == "https://t.me/tgx_test_bot?startgroup=true"


async def test_start_lets_a_member_of_two_communities_switch(bot: BotHarness, community: Community) -> None:
    other = bot.world.community()
    alice = TgUser(1001, "Alice")
    await bot.join(alice, community)
    await bot.join(alice, other)
    menu = await bot.say(alice, "/start")
    assert "several communities" in menu.text
    switched = await bot.press(alice, menu, f"cm:{community.id}")
    assert community.title in switched.text
    balance = await bot.say(alice, "/balance")
    assert community.title in balance.text


async def test_the_bot_added_to_a_group_registers_it_and_invites_members(bot: BotHarness) -> None:
    owner = TgUser(1010, "Group owner")
    await bot.feed(bot.updates.bot_status(-1009, owner, "left", "member", title="Lens Club"))
    welcome = bot.api.last(-1009)
    assert "Lens Club" in welcome.text
    join = welcome.button("Join the exchange")
    assert join["url"].startswith("https://t.me/tgx_test_bot?start=c")
    with bot.world.uow() as uow:
        registered = uow.communities.find_by_chat(-1009)
    assert registered is not None
    assert registered.bot_present


async def test_a_removed_bot_closes_the_exchange_and_works_again_when_added_back(
    bot: BotHarness, community: Community
) -> None:
    admin = TgUser(1011, "Admin")
    alice = TgUser(1001, "Alice")
    chat = community.telegram_chat_id
    await bot.feed(bot.updates.bot_status(chat, admin, "member", "left"))
    with bot.world.uow() as uow:
        gone = uow.communities.find_by_chat(chat)
    assert gone is not None
    assert not gone.bot_present
    refused = await bot.join(alice, community)
    assert "no longer in that group" in refused.text

    await bot.feed(bot.updates.bot_status(chat, admin, "kicked", "member"))
    welcome_back = await bot.join(alice, community)
    assert "Welcome to the exchange" in welcome_back.text


async def test_start_in_the_group_answers_with_the_join_button(bot: BotHarness, community: Community) -> None:
    alice = TgUser(1001, "Alice", language_code="es")
    await bot.feed(bot.updates.group(community.telegram_chat_id, alice, "/start@tgx_test_bot"))
    prompt = bot.api.last(community.telegram_chat_id)
    assert "Pulsa el botón para unirte" in prompt.text
    assert prompt.button("Unirme")["url"].endswith(bot.payload(community))


async def test_member_commands_in_the_group_point_to_the_private_chat_once_a_minute(
    bot: BotHarness, community: Community
) -> None:
    alice = TgUser(1001, "Alice")
    for _ in range(3):
        await bot.feed(bot.updates.group(community.telegram_chat_id, alice, "/task"))
    pointers = bot.api.sent(community.telegram_chat_id)
    assert len(pointers) == 1
    assert "let's do that in private" in pointers[0].text


async def test_language_can_be_changed_and_is_kept(bot: BotHarness, community: Community) -> None:
    alice = TgUser(1001, "Alice")
    await bot.join(alice, community)
    menu = await bot.say(alice, "/language")
    changed = await bot.press(alice, menu, "lg:es")
    assert "en español" in changed.text
    assert bot.find_member(community, alice).language == "es"
    help_text = await bot.say(alice, "/help")
    assert "Cómo funciona el intercambio" in help_text.text


async def test_help_in_english_lists_the_commands(bot: BotHarness) -> None:
    reply = await bot.say(TgUser(1006, "Reader"), "/help")
    for command in ("/link", "/task", "/submit", "/mysubmissions", "/balance", "/language"):
        assert command in reply.text
    assert "I never comment" in reply.text


async def test_start_sets_the_command_menus_in_both_languages(bot: BotHarness) -> None:
    calls = bot.api.sent(method="setMyCommands")
    languages = {c.params.get("language_code") for c in calls}
    assert languages == {None, "es"}
    scopes = {str(c.params["scope"]["type"]) for c in calls}
    assert scopes == {"all_private_chats", "all_group_chats", "all_chat_administrators"}
    spanish_private = next(
        c for c in calls if c.params.get("language_code") == "es" and c.params["scope"]["type"] == "all_private_chats"
    )
    assert {"command": "task", "description": "Recibir una tarea: opina y gana créditos"} in spanish_private.params[
        "commands"
    ]


async def test_the_group_hears_at_most_one_answer_a_minute_from_each_person(
    bot: BotHarness, community: Community
) -> None:
    alice = TgUser(1001, "Alice")
    for command in ("/start", "/help", "/start", "/task"):
        await bot.feed(bot.updates.group(community.telegram_chat_id, alice, command))
    assert len(bot.api.sent(community.telegram_chat_id)) == 1


async def test_a_join_burst_welcomes_everyone_in_their_language_and_writes_the_joins_together(
    bot: BotHarness, community: Community
) -> None:
    """Forty members tap the join button at once (a banned one among them): each hears what
    joining alone would say, and the joins are written in a few transactions, not forty."""
    banned_member, banned_user = await bot.member(community, "Banned")
    bot.world.ban(community, banned_member)
    people = [TgUser(3000 + i, f"Person {i}", language_code="es" if i % 2 else "en") for i in range(40)]
    for person in [*people, banned_user]:
        bot.api.statuses[(community.telegram_chat_id, person.id)] = "member"
    payload = bot.payload(community)

    with capture_logs() as logs:
        await asyncio.gather(*(bot.feed(bot.updates.private(p, f"/start {payload}")) for p in [*people, banned_user]))

    for person in people:
        welcome = bot.api.last(person.id).text
        assert ("Te damos la bienvenida" if person.language_code == "es" else "Welcome to the exchange") in welcome
        assert bot.world.balance(bot.find_member(community, person)) == 30
    assert "You are banned from this exchange" in bot.api.last(banned_user.id).text
    batches = [entry["joins"] for entry in logs if entry["event"] == "joins_written_together"]
    assert sum(batches) >= 30
    assert len(batches) <= 5
    with bot.world.uow() as uow:
        assert uow.ledger.is_balanced(community.id)


async def test_a_newcomer_after_the_bot_was_removed_hears_it_even_right_after_a_join(
    bot: BotHarness, community: Community
) -> None:
    """The community the join link read (kept briefly for the next newcomers) is read again once
    the bot leaves the group."""
    alice, bob = TgUser(1001, "Alice"), TgUser(1002, "Bob")
    assert "Welcome to the exchange" in (await bot.join(alice, community)).text

    await bot.feed(bot.updates.bot_status(community.telegram_chat_id, TgUser(1011, "Admin"), "member", "left"))

    assert "no longer in that group" in (await bot.join(bob, community)).text


async def test_a_community_chosen_through_one_process_is_used_by_another(world: World, tmp_path: Path) -> None:
    # Two webhook processes behind one address: the switch reaches one, /balance the other
    # (which had the user's memberships cached from before the switch). In Spanish.
    first_group, second_group = world.community(), world.community()
    async with two_processes(world, tmp_path) as (one, other):
        ana = TgUser(1020, "Ana", language_code="es")
        await one.join(ana, first_group)
        await one.join(ana, second_group)
        before = await other.say(ana, "/balance")  # the group joined last, and now cached there

        menu = await one.say(ana, "/start")
        switched = await one.press(ana, menu, f"cm:{first_group.id}")
        after = await other.say(ana, "/balance")

    assert second_group.title in before.text
    assert f"Ahora usas <b>{first_group.title}</b>" in switched.text
    assert f"créditos en <b>{first_group.title}</b>" in after.text
