"""Admin commands in the group: settings, the kill switch, sanctions, stats and the audit trail."""

from __future__ import annotations

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.task import TaskStatus

ADMIN = TgUser(4000, "Ada")
ADMIN_ES = TgUser(4001, "Adela", language_code="es")


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


async def test_a_non_admin_is_politely_refused_every_admin_command(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    for command in (
        "/settings",
        "/pause spam",
        "/resume",
        "/warn @bob",
        "/ban @bob",
        "/unban @bob",
        "/stats",
        "/audit",
    ):
        bot.app.chat_data[community.telegram_chat_id].pop("answered", None)  # a minute later, say
        before = len(bot.api.sent(community.telegram_chat_id))
        assert "only the group's admins can do that" in await group_command(bot, community, alice, command)
        assert len(bot.api.sent(community.telegram_chat_id)) == before + 1, command
    assert not community_now(bot, community).is_paused


async def test_settings_menu_changes_a_setting_and_records_it(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    await group_command(bot, community, ADMIN, "/settings")
    menu = bot.api.last(community.telegram_chat_id)
    assert "Settings of" in menu.text
    assert menu.button("Credits per feedback: 10")
    plus = next(b for b in menu.buttons if b.get("callback_data") == f"st:{community.id}:credits_per_feedback:+")
    await bot.feed(bot.updates.press(ADMIN, menu, plus["callback_data"]))
    assert community_now(bot, community).settings.credits_per_feedback == 11
    edited = bot.api.last(community.telegram_chat_id)
    assert edited.method == "editMessageText"
    assert edited.button("Credits per feedback: 11")
    toggle = edited.button(f"st:{community.id}:platform:tiktok")
    await bot.feed(bot.updates.press(ADMIN, edited, toggle["callback_data"]))
    assert Platform.TIKTOK not in community_now(bot, community).settings.allowed_platforms
    audit = await group_command(bot, community, ADMIN, "/audit")
    assert "changed settings" in audit
    assert "credits_per_feedback=11" in audit


async def test_a_setting_out_of_range_is_refused_with_a_toast(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    await group_command(bot, community, ADMIN, "/settings")
    menu = bot.api.last(community.telegram_chat_id)
    for _ in range(9):
        await bot.feed(bot.updates.press(ADMIN, menu, f"st:{community.id}:min_words:-"))
    assert community_now(bot, community).settings.min_words == 0
    toast = bot.api.sent(method="answerCallbackQuery")[-1]
    assert "minimum words must be 0..200" in toast.params["text"]


async def test_a_member_cannot_use_the_settings_buttons(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    _, alice = await bot.member(community, "Alice")
    await group_command(bot, community, ADMIN, "/settings")
    menu = bot.api.last(community.telegram_chat_id)
    await bot.feed(bot.updates.press(alice, menu, f"st:{community.id}:welcome_credits:+"))
    assert community_now(bot, community).settings.welcome_credits == 30
    toast = bot.api.sent(method="answerCallbackQuery")[-1]
    assert toast.params["show_alert"] is True


async def test_pause_needs_a_reason_stops_tasks_and_resume_restarts(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN_ES)
    assert "Indica un motivo" in await group_command(bot, community, ADMIN_ES, "/pause")
    owner, olga = await bot.member(community, "Olga")
    bot.video(owner, "Xk3mRv9TqLw")
    await bot.submit(olga, "https://youtu.be/Xk3mRv9TqLw")
    _, gus = await bot.member(community, "Gus")
    await bot.say(gus, "/task")

    paused = await group_command(bot, community, ADMIN_ES, "/pause ola de <b>spam</b>")
    assert "En pausa" in paused
    assert "Se cancelaron 1 tareas abiertas" in paused
    assert community_now(bot, community).pause_reason == "ola de <b>spam</b>"
    assert "was called off: an admin paused the exchange" in bot.api.last(gus.id).text
    assert "paused right now: ola de &lt;b&gt;spam&lt;/b&gt;" in (await bot.say(gus, "/task")).text

    assert "vuelve a funcionar" in await group_command(bot, community, ADMIN_ES, "/resume")
    assert not community_now(bot, community).is_paused
    assert "Night" not in (await bot.say(gus, "/task")).text  # no error: a task or "nothing waiting"


async def test_pause_from_the_private_chat_tells_the_group(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    await bot.join(ADMIN, community, status="administrator")
    reply = await bot.say(ADMIN, "/pause maintenance tonight")
    assert "Paused" in reply.text
    assert "paused by an admin. Reason: maintenance tonight" in bot.api.last(community.telegram_chat_id).text
    await bot.say(ADMIN, "/resume")
    assert "running again" in bot.api.last(community.telegram_chat_id).text


async def test_warn_ban_and_unban_by_reply_and_by_username(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    _member, bob = await bot.member(community, "Bob")
    bob.username = "bobby"
    await bot.join(bob, community)  # refreshes the stored @username
    replied = bot.updates.group_message(community.telegram_chat_id, bob, "buy my course!!!")

    warned = await group_command(bot, community, ADMIN, "/warn spamming", reply_to=replied)
    assert "Bob was warned (1 so far)" in warned
    banned = await group_command(bot, community, ADMIN, "/ban @BOBBY repeated spam")
    assert "Bob is banned from the exchange" in banned
    assert bot.find_member(community, bob).status is MemberStatus.BANNED
    assert "You are banned from this exchange" in (await bot.say(bob, "/task")).text

    unbanned = await group_command(bot, community, ADMIN, f"/unban {bob.id}")
    assert "Bob can take part in the exchange again" in unbanned
    assert bot.find_member(community, bob).status is MemberStatus.WARNED
    audit = await group_command(bot, community, ADMIN, "/audit")
    for action in ("warned", "banned", "unbanned"):
        assert action in audit
    assert "→ Bob" in audit


async def test_a_ban_calls_off_the_members_open_tasks(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    owner, olga = await bot.member(community, "Olga")
    bot.video(owner, "Xk3mRv9TqLw")
    await bot.submit(olga, "https://youtu.be/Xk3mRv9TqLw")
    giver, gus = await bot.member(community, "Gus")
    await bot.say(gus, "/task")
    await group_command(bot, community, ADMIN, f"/ban {gus.id} fake comments")
    with bot.world.uow() as uow:
        (task,) = uow.tasks.list_for_giver(giver.id, statuses=frozenset(TaskStatus))
    assert task.status is TaskStatus.CANCELLED
    assert "your membership is suspended" in bot.api.last(gus.id).text


async def test_sanctions_explain_their_usage_and_unknown_people(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    assert "Reply to a member's message with <code>/ban reason</code>" in await group_command(
        bot, community, ADMIN, "/ban"
    )
    assert "have not joined the exchange" in await group_command(bot, community, ADMIN, "/warn @nobody_here")


async def test_stats_count_members_and_check_the_ledger(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN_ES)
    await bot.member(community, "Alice")
    await bot.member(community, "Bob")
    stats = await group_command(bot, community, ADMIN_ES, "/stats")
    assert "Miembros: 3" in stats  # Alice, Bob and the admin who just acted
    assert "Contabilidad cuadrada: sí" in stats


async def test_an_anonymous_admin_confirms_who_they_are_with_a_button(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADMIN)
    _, alice = await bot.member(community, "Alice")
    await bot.feed(bot.updates.anonymous_admin(community.telegram_chat_id, "/pause raid in progress"))
    prompt = bot.api.last(community.telegram_chat_id)
    assert "posting anonymously" in prompt.text
    assert not community_now(bot, community).is_paused

    await bot.feed(bot.updates.press(alice, prompt, prompt.button("aa:")["callback_data"]))
    assert not community_now(bot, community).is_paused  # a member's tap does not count

    await bot.feed(bot.updates.press(ADMIN, prompt, prompt.button("aa:")["callback_data"]))
    assert community_now(bot, community).pause_reason == "raid in progress"
    assert "Paused" in bot.api.last(community.telegram_chat_id).text


async def test_an_anonymous_member_command_gets_a_pointer_to_write_in_private(
    bot: BotHarness, community: Community
) -> None:
    await bot.feed(bot.updates.anonymous_admin(community.telegram_chat_id, "/task"))
    assert "You are posting as the group" in bot.api.last(community.telegram_chat_id).text


async def test_admin_status_is_mirrored_from_telegram(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    make_admin(bot, community, alice)
    bot.app.bot_data["tgexchange"].admins.forget(community.telegram_chat_id)  # the brief cache ran out
    await group_command(bot, community, alice, "/stats")
    assert bot.find_member(community, alice).is_admin

    bot.api.statuses[(community.telegram_chat_id, alice.id)] = "member"
    bot.app.bot_data["tgexchange"].admins.forget(community.telegram_chat_id)
    assert "only the group's admins" in await group_command(bot, community, alice, "/stats")
    assert not bot.find_member(community, alice).is_admin
