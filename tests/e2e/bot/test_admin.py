"""Admin commands in the group: namespaced so that they never trigger the moderation bots that
share it, the kill switch, sanctions (told to the member in private), and admin status."""

from __future__ import annotations

import pytest

from tests.botapi import BOT_USERNAME, TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.transcripts import assert_fits_a_phone, buttons, show
from tgexchange.domain.community import Community
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.task import TaskStatus

ADMIN = TgUser(4000, "Ada")
ADMIN_ES = TgUser(4001, "Adela", language_code="es")
GENERIC = ("/settings", "/pause spam", "/resume", "/warn @bobby spam", "/ban @bobby spam", "/unban @bobby", "/stats")


async def group_command(bot: BotHarness, community: Community, user: TgUser, text: str, **kwargs: object) -> str:
    await bot.feed(bot.updates.group(community.telegram_chat_id, user, text, **kwargs))  # type: ignore[arg-type]
    return bot.api.last(community.telegram_chat_id).text


def make_admin(bot: BotHarness, community: Community, user: TgUser) -> None:
    bot.api.statuses[(community.telegram_chat_id, user.id)] = "administrator"


def community_now(bot: BotHarness, community: Community) -> Community:
    with bot.world.uow() as uow:
        found = uow.communities.find(community.id)
    assert found is not None
    return found


def a_minute_later(bot: BotHarness, community: Community) -> None:
    bot.app.chat_data[community.telegram_chat_id].pop("answered", None)


async def test_a_non_admin_is_politely_refused_every_admin_command(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    for command in (
        "/exchange_settings",
        "/exchange_pause spam",
        "/exchange_resume",
        "/exchange_warn @bob spam",
        "/exchange_ban @bob spam",
        "/exchange_unban @bob",
        "/exchange_stats",
        "/exchange_audit",
        f"/ban@{BOT_USERNAME} @bob spam",
    ):
        a_minute_later(bot, community)
        before = len(bot.api.sent(community.telegram_chat_id))
        assert "only the group's admins can do that" in await group_command(bot, community, alice, command)
        assert len(bot.api.sent(community.telegram_chat_id)) == before + 1, command
    assert not community_now(bot, community).is_paused


async def test_bare_generic_commands_belong_to_the_moderation_bots(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    bob = TgUser(4100, "Bob", username="bobby")
    await bot.join(bob, community)
    before = bot.world.snapshot()
    bot.api.clear()

    for command in (*GENERIC, "/audit"):
        await bot.feed(bot.updates.group(community.telegram_chat_id, ADMIN, command))

    assert bot.api.calls == []  # not a word, not even a look-up: those are Rose's, Combot's...
    after = bot.world.snapshot()
    after.pop("bot_updates")
    before.pop("bot_updates")
    assert after == before


@pytest.mark.parametrize("command", GENERIC)
async def test_generic_commands_addressed_to_this_bot_act(bot: BotHarness, community: Community, command: str) -> None:
    make_admin(bot, community, ADMIN)
    bob = TgUser(4100, "Bob", username="bobby")
    await bot.join(bob, community)
    if command.startswith("/resume"):
        await group_command(bot, community, ADMIN, "/exchange_pause maintenance")
    if command.startswith("/unban"):
        await group_command(bot, community, ADMIN, "/exchange_ban @bobby spam")
    name, _, rest = command.partition(" ")

    answer = await group_command(bot, community, ADMIN, f"{name}@{BOT_USERNAME} {rest}".strip())

    assert "only the group's admins" not in answer
    expected = {
        "/settings": "settings open in our private chat",
        "/pause": "Paused: spam",
        "/resume": "running again",
        "/warn": "Bob got a warning",
        "/ban": "Bob can no longer take part",
        "/unban": "Bob can take part in the exchange again",
        "/stats": "stats open in our private chat",
    }[name]
    assert expected in answer


async def test_a_command_addressed_to_another_bot_is_not_ours(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    bot.api.clear()
    await bot.feed(bot.updates.group(community.telegram_chat_id, ADMIN, "/exchange_pause@rose_bot spam"))
    assert bot.api.calls == []
    assert not community_now(bot, community).is_paused


async def test_pause_needs_a_reason_says_it_and_resume_restarts(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN_ES)
    assert "Indica un motivo" in await group_command(bot, community, ADMIN_ES, "/exchange_pause")
    owner, olga = await bot.member(community, "Olga")
    bot.video(owner, "Xk3mRv9TqLw")
    await bot.submit(olga, "https://youtu.be/Xk3mRv9TqLw")
    _, gus = await bot.member(community, "Gus")
    await bot.say(gus, "/task")
    since = len(bot.api.calls)

    paused = await group_command(bot, community, ADMIN_ES, "/exchange_pause ola de <b>spam</b>")

    assert "En pausa: ola de &lt;b&gt;spam&lt;/b&gt;" in paused  # the reason, escaped
    assert "Se canceló una tarea abierta" in paused
    assert buttons(bot.api.last(community.telegram_chat_id)) == ["🛠 Menú de admin"]
    assert community_now(bot, community).pause_reason == "ola de <b>spam</b>"
    assert "was called off: an admin paused the exchange" in bot.api.last(gus.id).text
    assert "paused right now: ola de &lt;b&gt;spam&lt;/b&gt;" in (await bot.say(gus, "/task")).text

    assert "vuelve a funcionar" in await group_command(bot, community, ADMIN_ES, "/exchange_resume")
    assert not community_now(bot, community).is_paused
    assert_fits_a_phone(bot.api, since=since)
    show(bot.api, {community.telegram_chat_id: "group", gus.id: "Gus"}, since=since)


async def test_pause_from_the_private_chat_tells_the_group(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    await bot.join(ADMIN, community, status="administrator")
    reply = await bot.say(ADMIN, "/exchange_pause maintenance tonight")
    assert "Paused: maintenance tonight" in reply.text
    assert buttons(reply) == ["▶️ Resume", "🛠 Admin menu"]
    assert "paused by an admin. Reason: maintenance tonight" in bot.api.last(community.telegram_chat_id).text

    menu = await bot.press(ADMIN, reply, "🛠 Admin menu")
    assert "admin menu" in menu.text
    assert "⏸ Paused: maintenance tonight" in menu.text
    resumed = await bot.press(ADMIN, menu, "▶️ Resume")
    assert "The exchange is running" in resumed.text
    assert "running again" in bot.api.last(community.telegram_chat_id).text


async def test_generic_names_still_work_in_the_private_chat(bot: BotHarness, community: Community) -> None:
    await bot.join(ADMIN, community, status="administrator")
    assert "Paused: night" in (await bot.say(ADMIN, "/pause night")).text
    assert "running again" in (await bot.say(ADMIN, f"/resume@{BOT_USERNAME}")).text


async def test_warn_ban_and_unban_by_reply_and_by_username_tell_the_member_in_private(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADMIN)
    _member, bob = await bot.member(community, "Bob")
    bob.username = "bobby"
    await bot.join(bob, community)  # refreshes the stored @username
    replied = bot.updates.group_message(community.telegram_chat_id, bob, "buy my course!!!")
    since = len(bot.api.calls)

    warned = await group_command(bot, community, ADMIN, "/exchange_warn spamming", reply_to=replied)
    assert "Bob got a warning (1 so far): spamming" in warned
    assert "Bob stays in the group; only the exchange is affected" in warned
    told = bot.api.last(bob.id).text
    assert "gave you a warning in its exchange: spamming" in told
    assert community.title in told

    banned = await group_command(bot, community, ADMIN, "/exchange_ban @BOBBY repeated spam")
    assert "Bob can no longer take part in the exchange: repeated spam" in banned
    assert "stays in the group" in banned
    assert "Your access to the exchange of" in bot.api.last(bob.id).text
    assert "is suspended: repeated spam" in bot.api.last(bob.id).text
    assert bot.find_member(community, bob).status is MemberStatus.BANNED
    assert "You are banned from this exchange" in (await bot.say(bob, "/task")).text

    unbanned = await group_command(bot, community, ADMIN, f"/exchange_unban {bob.id}")
    assert "Bob can take part in the exchange again" in unbanned
    back = bot.api.last(bob.id)
    assert "is back." in back.text
    assert buttons(back) == ["Get a task"]
    assert bot.find_member(community, bob).status is MemberStatus.WARNED
    assert_fits_a_phone(bot.api, since=since)
    show(bot.api, {community.telegram_chat_id: "group", bob.id: "Bob (private)"}, since=since)


async def test_a_spanish_member_is_told_of_a_ban_in_spanish_with_the_reason(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADMIN)
    _, bea = await bot.member(community, "Bea", language="es")
    since = len(bot.api.calls)

    await group_command(bot, community, ADMIN, f"/exchange_ban {bea.id} opiniones copiadas")

    told = bot.api.last(bea.id).text
    assert f"Tu acceso al intercambio de <b>{community.title}</b> está suspendido: opiniones copiadas" in told
    assert "Sigues en el grupo; solo se ve afectado el intercambio" in told
    assert_fits_a_phone(bot.api, since=since)
    show(bot.api, {community.telegram_chat_id: "group", bea.id: "Bea (privado)"}, since=since)


async def test_a_warning_or_ban_needs_a_reason_the_member_will_read(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    _, bob = await bot.member(community, "Bob")
    for command in ("warn", "ban"):
        answer = await group_command(bot, community, ADMIN, f"/exchange_{command} {bob.id}")
        assert "Add the reason: Bob is told it in private" in answer
    assert bot.find_member(community, bob).status is MemberStatus.ACTIVE


async def test_a_ban_calls_off_the_members_open_tasks(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    owner, olga = await bot.member(community, "Olga")
    bot.video(owner, "Xk3mRv9TqLw")
    await bot.submit(olga, "https://youtu.be/Xk3mRv9TqLw")
    giver, gus = await bot.member(community, "Gus")
    await bot.say(gus, "/task")
    await group_command(bot, community, ADMIN, f"/exchange_ban {gus.id} fake comments")
    with bot.world.uow() as uow:
        (task,) = uow.tasks.list_for_giver(giver.id, statuses=frozenset(TaskStatus))
    assert task.status is TaskStatus.CANCELLED
    told = bot.api.texts(gus.id)
    assert any("your membership is suspended" in text for text in told)
    assert any("is suspended: fake comments" in text for text in told)


async def test_sanctions_explain_their_usage_and_unknown_people(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    assert "Reply to a member's message with <code>/exchange_ban reason</code>" in await group_command(
        bot, community, ADMIN, "/exchange_ban"
    )
    assert "have not joined the exchange" in await group_command(bot, community, ADMIN, "/exchange_warn @nobody x")


async def test_an_anonymous_admin_confirms_who_they_are_with_a_button(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    _, alice = await bot.member(community, "Alice")
    await bot.feed(bot.updates.anonymous_admin(community.telegram_chat_id, "/exchange_pause raid in progress"))
    prompt = bot.api.last(community.telegram_chat_id)
    assert "posting anonymously" in prompt.text
    assert not community_now(bot, community).is_paused

    await bot.feed(bot.updates.press(alice, prompt, prompt.button("aa:")["callback_data"]))
    assert not community_now(bot, community).is_paused  # a member's tap does not count

    await bot.feed(bot.updates.press(ADMIN, prompt, prompt.button("aa:")["callback_data"]))
    assert community_now(bot, community).pause_reason == "raid in progress"
    assert "Paused: raid in progress" in bot.api.last(community.telegram_chat_id).text


async def test_an_anonymous_admin_asking_for_the_menu_gets_its_button_after_confirming(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADMIN)
    await bot.feed(bot.updates.anonymous_admin(community.telegram_chat_id, "/exchange"))
    prompt = bot.api.last(community.telegram_chat_id)
    await bot.feed(bot.updates.press(ADMIN, prompt, prompt.button("aa:")["callback_data"]))
    pointer = bot.api.last(community.telegram_chat_id)
    assert "Ada, your admin menu is in our private chat" in pointer.text
    assert pointer.button("🛠 Open admin menu")["url"].startswith(f"https://t.me/{BOT_USERNAME}?start=m")


async def test_an_anonymous_member_command_gets_a_pointer_to_write_in_private(
    bot: BotHarness, community: Community
) -> None:
    await bot.feed(bot.updates.anonymous_admin(community.telegram_chat_id, "/task"))
    assert "You are posting as the group" in bot.api.last(community.telegram_chat_id).text


async def test_admin_status_is_mirrored_from_telegram(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    make_admin(bot, community, alice)
    bot.app.bot_data["tgexchange"].admins.forget(community.telegram_chat_id)  # the brief cache ran out
    await group_command(bot, community, alice, "/exchange_stats")
    assert bot.find_member(community, alice).is_admin

    bot.api.statuses[(community.telegram_chat_id, alice.id)] = "member"
    bot.app.bot_data["tgexchange"].admins.forget(community.telegram_chat_id)
    a_minute_later(bot, community)
    assert "only the group's admins" in await group_command(bot, community, alice, "/exchange_stats")
    assert not bot.find_member(community, alice).is_admin
