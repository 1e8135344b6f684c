"""The admin side in private: settings, stats and the audit open from a button in the group (a
signed deep link, re-checked with Telegram), in sections with hints, [⬅ Back] and [✖ Close]; the
group hears at most one answer a minute from each person, and never a second public one."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from tests.botapi import BOT_USERNAME, Call, TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.test_admin import a_minute_later, community_now, group_command, make_admin
from tests.e2e.bot.transcripts import assert_fits_a_phone, buttons, plain, show
from tgexchange.domain.audit import AuditAction, AuditEntry
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform

ADA = TgUser(4400, "Ada")
ADELA = TgUser(4401, "Adela", language_code="es")


def start_parameter(call: Call, label: str) -> str:
    """What Telegram sends as /start when the URL button ``label`` is tapped."""
    url = str(call.button(label)["url"])
    assert url.startswith(f"https://t.me/{BOT_USERNAME}?start="), url
    return parse_qs(urlsplit(url).query)["start"][0]


async def open_from_group(bot: BotHarness, community: Community, admin: TgUser, command: str, label: str) -> Call:
    """The admin sends ``command`` in the group and taps the button of its answer."""
    await bot.feed(bot.updates.group(community.telegram_chat_id, admin, command))
    pointer = bot.api.last(community.telegram_chat_id)
    assert pointer.chat_id == community.telegram_chat_id
    return await bot.say(admin, f"/start {start_parameter(pointer, label)}")


async def test_an_admin_opens_the_settings_from_the_group_and_changes_them_in_private(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADA)  # she never wrote to the bot: the button starts it
    names = {community.telegram_chat_id: "group", ADA.id: "Ada (private)"}

    await bot.feed(bot.updates.group(community.telegram_chat_id, ADA, "/exchange_settings"))
    pointer = bot.api.last(community.telegram_chat_id)
    assert plain(pointer) == "Ada, the settings open in our private chat: tap the button."
    assert buttons(pointer) == ["⚙️ Open settings"]
    since = len(bot.api.calls)

    main = await bot.say(ADA, f"/start {start_parameter(pointer, '⚙️ Open settings')}")
    assert f"Settings of {community.title}" in plain(main)
    assert buttons(main) == [
        "💰 Credits", "📝 Tasks", "📥 Submissions", "🎬 Platforms", "🗣 Group language", "🤝 Matching",
        "📊 Daily report", "⚖️ Fair play", "⬅ Back", "✖ Close"
    ]  # fmt: skip

    credits = await bot.press(ADA, main, "💰 Credits")
    assert "Per feedback: 10 credits to the giver" in plain(credits)
    more = await bot.press(ADA, credits, "➕ Per feedback")
    assert bot.api.sent(method="answerCallbackQuery")[-1].params["text"] == "✅ Saved"
    assert "Per feedback: 11 credits to the giver" in plain(more)
    assert community_now(bot, community).settings.credits_per_feedback == 11

    main = await bot.press(ADA, more, "⬅ Back")
    tasks = await bot.press(ADA, main, "📝 Tasks")
    tasks = await bot.press(ADA, tasks, "➕ Deadline")
    assert "Deadline: 54 h to give the feedback" in plain(tasks)
    main = await bot.press(ADA, tasks, "⬅ Back")
    platforms = await bot.press(ADA, main, "🎬 Platforms")
    platforms = await bot.press(ADA, platforms, "✅ TikTok")
    assert "⬜ TikTok" in buttons(platforms)
    assert Platform.TIKTOK not in community_now(bot, community).settings.allowed_platforms
    main = await bot.press(ADA, platforms, "⬅ Back")
    language = await bot.press(ADA, main, "🗣 Group language")
    language = await bot.press(ADA, language, "Español")
    assert "is in: Español" in plain(language)
    assert community_now(bot, community).settings.group_language == "es"

    await bot.press(ADA, language, "✖ Close")
    assert bot.api.calls[-1].method == "deleteMessage"
    assert_fits_a_phone(bot.api, since=since)
    show(bot.api, names, since=since)

    menu = await bot.say(ADA, "/exchange")  # the private chat now acts in this community
    audit = await bot.press(ADA, menu, "🧾 Audit")
    lines = plain(audit).split("\n")
    assert lines == [
        f"🧾 {community.title} · recent admin actions",
        "now · Ada set group posts to Español",
        "now · Ada turned TikTok off",
        "now · Ada set a 54 h deadline",
        "now · Ada set 11 credits per feedback",
    ]
    assert buttons(audit) == ["⬅ Back", "✖ Close"]  # four entries: no [More]
    show(bot.api, names, since=len(bot.api.calls) - 3)


async def test_un_admin_abre_los_ajustes_desde_el_grupo_y_los_cambia_en_privado(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADELA)
    names = {community.telegram_chat_id: "grupo", ADELA.id: "Adela (privado)"}
    since = len(bot.api.calls)

    main = await open_from_group(bot, community, ADELA, "/exchange_settings", "⚙️ Abrir ajustes")
    assert plain(bot.api.sent(community.telegram_chat_id)[-1]) == (
        "Adela, los ajustes se abren en nuestro chat privado: pulsa el botón."
    )
    assert f"Ajustes de {community.title}" in plain(main)
    section = await bot.press(ADELA, main, "📥 Envíos")
    assert "Máximo: 10 opiniones por video" in plain(section)
    assert "Habitual: 3 opiniones por video" in plain(section)
    section = await bot.press(ADELA, section, "➖ Habitual")
    assert "Habitual: 2 opiniones por video" in plain(section)
    main = await bot.press(ADELA, section, "⬅ Volver")
    tasks = await bot.press(ADELA, main, "📝 Tareas")
    for _ in range(9):
        tasks = await bot.press(ADELA, tasks, "➖ Mínimo de palabras")
    assert bot.api.sent(method="answerCallbackQuery")[-1].params["text"] == "No puede bajar más: 0."
    assert "Mínimo de palabras: 0 por opinión" in plain(tasks)
    main = await bot.press(ADELA, tasks, "⬅ Volver")
    menu = await bot.press(ADELA, main, "⬅ Volver")
    assert "menú de admin" in plain(menu)
    await bot.press(ADELA, menu, "✖ Cerrar")
    assert bot.api.calls[-1].method == "deleteMessage"
    assert_fits_a_phone(bot.api, since=since)
    show(bot.api, names, since=since)

    since = len(bot.api.calls)
    public = len(bot.api.sent(community.telegram_chat_id))
    await bot.feed(bot.updates.group(community.telegram_chat_id, ADELA, "/exchange_audit"))
    assert len(bot.api.sent(community.telegram_chat_id)) == public  # within the minute: straight to private
    audit = bot.api.last(ADELA.id)
    lines = plain(audit).split("\n")
    assert lines[0] == f"🧾 {community.title} · acciones recientes de admins"
    assert lines[1:3] == ["ahora · Adela fijó el mínimo: 0 palabras", "ahora · Adela fijó el mínimo: una palabra"]
    assert len(lines) == 6
    older = await bot.press(ADELA, audit, "Más ▾")
    lines = plain(older).split("\n")
    assert lines[0] == f"🧾 {community.title} · acciones anteriores de admins"
    assert lines[-1] == "ahora · Adela fijó 2 opiniones habituales"
    assert buttons(older) == ["⬅ Volver", "✖ Cerrar"]
    assert_fits_a_phone(bot.api, since=since)
    show(bot.api, names, since=since)


async def test_the_audit_reads_as_sentences_also_for_entries_written_before(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADA)
    await bot.join(ADA, community, status="administrator")
    ada = bot.find_member(community, ADA)
    _, bob = await bot.member(community, "Bob")
    bob_id = bot.find_member(community, bob).id
    with bot.world.uow() as uow:
        for detail in (
            "allowed_platforms=frozenset({<Platform.TIKTOK: 'tiktok'>})",
            "group_language=None, min_words=12",
        ):
            at = bot.world.now - timedelta(days=3)
            uow.audit.add(
                AuditEntry(
                    community_id=community.id, action=AuditAction.SETTINGS, at=at, actor_member_id=ada.id, detail=detail
                )
            )
        uow.commit()
    bot.world.clock.advance(hours=2)
    await group_command(bot, community, ADA, f"/exchange_warn {bob.id} copy-paste feedback")
    await group_command(bot, community, ADA, "/exchange_pause " + "a long reason " * 10)

    audit = await bot.say(ADA, "/exchange_audit")

    lines = plain(audit).split("\n")
    assert lines[1:] == [
        "now · Ada paused: a long reason a long re…",
        "now · Ada warned Bob: copy-paste feedback",
        "3 d · Ada set group posts to each person's language; Ada set a minimum of 12 words",
        "3 d · Ada changed the settings",
    ]
    assert "frozenset" not in audit.text
    assert bob_id


async def test_stats_open_in_private_with_the_next_steps_as_buttons(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADA)
    await bot.member(community, "Alice")
    names = {community.telegram_chat_id: "group", ADA.id: "Ada (private)"}
    since = len(bot.api.calls)

    stats = await open_from_group(bot, community, ADA, "/exchange_stats", "📊 Open stats")

    assert plain(stats) == f"📊 {community.title}\nMembers: 2\nVerified feedback: 0\nTasks in progress: 0"
    assert "Ledger" not in stats.text
    assert buttons(stats) == ["📈 Dashboard", "⚙️ Settings", "⬅ Back", "✖ Close"]
    await bot.press(ADA, stats, "📈 Dashboard")
    link = bot.api.last(ADA.id)
    assert link.method == "sendMessage"  # a message of its own: the stats stay
    assert "/exchange/dashboard/login?token=" in link.text
    settings = await bot.press(ADA, stats, "⚙️ Settings")
    assert "Settings of" in settings.text
    show(bot.api, names, since=since)


async def test_exchange_in_the_group_shows_each_person_the_right_way_in(bot: BotHarness, community: Community) -> None:
    newcomer = TgUser(4500, "Nora")
    _, alice = await bot.member(community, "Alice")
    make_admin(bot, community, ADA)

    await bot.feed(bot.updates.group(community.telegram_chat_id, newcomer, "/exchange"))
    assert buttons(bot.api.last(community.telegram_chat_id)) == ["Join the exchange"]
    await bot.feed(bot.updates.group(community.telegram_chat_id, alice, f"/exchange@{BOT_USERNAME}"))
    joined = bot.api.last(community.telegram_chat_id)
    assert plain(joined) == f"Alice, you are in the exchange of {community.title}: it goes on in our private chat."
    assert buttons(joined) == ["Open the bot"]  # not "Join": she joined already
    await bot.feed(bot.updates.group(community.telegram_chat_id, ADA, "/exchange"))
    admin = bot.api.last(community.telegram_chat_id)
    assert buttons(admin) == ["Join the exchange", "🛠 Admin menu"]

    menu = await bot.say(ADA, f"/start {start_parameter(admin, '🛠 Admin menu')}")
    assert plain(menu) == f"🛠 {community.title} · admin menu\n▶️ The exchange is running."
    assert buttons(menu) == [
        "⚙️ Settings",
        "📊 Stats",
        "🧾 Audit",
        "📈 Dashboard",
        "⏸ Pause",
        "📨 Appeals",
        "🕸 Rings",
        "✖ Close",
    ]
    how = await bot.press(ADA, menu, "⏸ Pause")
    assert "/exchange_pause spam wave, back tonight" in plain(how)
    assert buttons(how) == ["⬅ Back", "✖ Close"]


async def test_member_commands_in_the_group_offer_open_not_join_to_members(
    bot: BotHarness, community: Community
) -> None:
    _, alice = await bot.member(community, "Alice", language="es")
    await bot.feed(bot.updates.group(community.telegram_chat_id, alice, "/task"))
    pointer = bot.api.last(community.telegram_chat_id)
    assert buttons(pointer) == ["Abrir el bot"]


async def test_a_second_command_within_a_minute_is_answered_in_private_never_in_public(
    bot: BotHarness, community: Community
) -> None:
    _, alice = await bot.member(community, "Alice")
    make_admin(bot, community, ADA)
    await bot.join(ADA, community, status="administrator")
    chat = community.telegram_chat_id
    since = len(bot.api.calls)

    await bot.feed(bot.updates.group(chat, alice, "/task"))
    await bot.feed(bot.updates.group(chat, alice, "/balance"))
    await bot.feed(bot.updates.group(chat, ADA, "/exchange_settings"))
    await bot.feed(bot.updates.group(chat, ADA, "/exchange_settings"))

    public = [c for c in bot.api.calls[since:] if c.method == "sendMessage" and c.chat_id == chat]
    assert len(public) == 2  # one for each person
    private = bot.api.last(alice.id)
    assert plain(private) == f"You wrote /balance in {community.title}. I answer here, so that the group stays quiet."
    assert buttons(private) == ["▶️ Continue"]
    assert f"Settings of {community.title}" in bot.api.last(ADA.id).text  # the menu itself
    assert bot.api.sent(method="setMessageReaction") == []
    show(bot.api, {chat: "group", alice.id: "Alice (private)", ADA.id: "Ada (private)"}, since=since)


async def test_someone_who_never_started_the_bot_gets_a_reaction_instead(bot: BotHarness, community: Community) -> None:
    stranger = TgUser(4600, "Sam", language_code="es")
    bot.api.never_started.add(stranger.id)
    chat = community.telegram_chat_id

    for _ in range(3):
        await bot.feed(bot.updates.group(chat, stranger, "/task"))

    assert len(bot.api.sent(chat)) == 1
    reactions = bot.api.sent(method="setMessageReaction")
    assert len(reactions) == 2
    assert "👀" in str(reactions[0].params["reaction"])

    bot.api.fail["setMessageReaction"] = (400, "Bad Request: REACTION_INVALID")  # reactions are off here
    await bot.feed(bot.updates.group(chat, stranger, "/help"))
    assert len(bot.api.sent(chat)) == 1
    assert "went wrong" not in str(bot.api.texts(chat))


async def test_an_admin_link_is_checked_again_when_opened(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADA)
    await bot.feed(bot.updates.group(community.telegram_chat_id, ADA, "/exchange_settings"))
    payload = start_parameter(bot.api.last(community.telegram_chat_id), "⚙️ Open settings")

    bot.api.statuses[(community.telegram_chat_id, ADA.id)] = "member"  # demoted since
    bot.app.bot_data["tgexchange"].admins.forget(community.telegram_chat_id)
    refused = await bot.say(ADA, f"/start {payload}")
    assert plain(refused) == f"That menu is for the admins of {community.title}."
    assert buttons(refused) == ["▶️ Continue"]  # her way in as a member (the group command joined her)

    forwarded = await bot.say(TgUser(4700, "Eve"), f"/start {payload}")
    assert "That menu is for the admins" in forwarded.text
    assert buttons(forwarded) == ["Join the exchange"]
    forged = await bot.say(ADA, f"/start s{community.id}-AAAAAAAA")
    assert "not valid" in forged.text
    assert community_now(bot, community).settings.credits_per_feedback == 10


async def test_a_settings_menu_left_in_the_group_points_to_the_private_chat(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADA)
    old = Call("sendMessage", {"chat_id": community.telegram_chat_id, "text": "⚙️ Settings of Group"})
    await bot.feed(bot.updates.press(ADA, old, f"st:{community.id}:credits_per_feedback:+"))
    assert "moved to our private chat" in bot.api.last(community.telegram_chat_id).text
    assert community_now(bot, community).settings.credits_per_feedback == 10


async def test_a_second_ask_in_the_group_still_needs_a_present_admin(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADA)
    await group_command(bot, community, ADA, "/exchange_stats")
    a_minute_later(bot, community)
    assert "stats open in our private chat" in await group_command(bot, community, ADA, "/exchange_stats")


async def test_help_in_private_shows_the_admin_commands_to_admins_only(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    await bot.join(ADA, community, status="administrator")

    assert "/exchange_pause" not in (await bot.say(alice, "/help")).text
    assert "/exchange_pause" in (await bot.say(ADA, "/help")).text


async def test_the_admins_menu_in_groups_has_the_namespaced_commands_in_both_languages(bot: BotHarness) -> None:
    calls = bot.api.sent(method="setMyCommands")

    def menu(scope: str, language: str | None) -> list[str]:
        found = next(
            c for c in calls if c.params["scope"]["type"] == scope and c.params.get("language_code") == language
        )
        return [command["command"] for command in found.params["commands"]]

    for language in (None, "es"):
        assert menu("all_group_chats", language) == ["exchange", "help"]
        admins = menu("all_chat_administrators", language)
        assert admins[:2] == ["exchange", "exchange_settings"]
        assert {"exchange_ban", "exchange_warn", "exchange_unban", "exchange_audit"} <= set(admins)
        assert not {"ban", "warn", "unban", "settings", "stats", "start"} & set(admins)
    spanish = next(
        c for c in calls if c.params["scope"]["type"] == "all_chat_administrators" and c.params.get("language_code")
    )
    assert {"command": "exchange_ban", "description": "Suspender a alguien solo del intercambio (admins)"} in (
        spanish.params["commands"]
    )


async def test_a_menu_too_old_to_delete_is_emptied_on_close(bot: BotHarness, community: Community) -> None:
    await bot.join(ADA, community, status="administrator")
    menu = await bot.say(ADA, "/exchange")
    bot.api.fail["deleteMessage"] = (400, "Bad Request: message can't be deleted for everyone")

    closed = await bot.press(ADA, menu, "✖ Close")

    assert closed.method == "editMessageText"
    assert plain(closed) == "Closed."
    assert closed.buttons == []


async def test_exchange_in_private_is_the_admin_menu_for_admins_and_the_start_for_members(
    bot: BotHarness, community: Community
) -> None:
    _, alice = await bot.member(community, "Alice")
    await bot.join(ADA, community, status="administrator")

    assert "Welcome back" in (await bot.say(alice, "/exchange")).text
    assert "admin menu" in (await bot.say(ADA, "/exchange")).text
