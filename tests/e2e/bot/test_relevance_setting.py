"""The relevance check is a community setting: off by default, switched in the tasks section of
the settings in private, in English and Spanish, and audited."""

from __future__ import annotations

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.test_admin import community_now, make_admin
from tests.e2e.bot.test_admin_menu import open_from_group
from tests.e2e.bot.transcripts import assert_fits_a_phone, buttons, plain, show
from tgexchange.domain.community import Community

ADA = TgUser(4410, "Ada")
ADELA = TgUser(4411, "Adela", language_code="es")


async def test_an_admin_switches_the_relevance_check_on_and_off(bot: BotHarness, community: Community) -> None:
    make_admin(bot, community, ADA)
    since = len(bot.api.calls)
    main = await open_from_group(bot, community, ADA, "/exchange_settings", "⚙️ Open settings")
    tasks = await bot.press(ADA, main, "📝 Tasks")
    assert "Feedback must be about the video: off" in plain(tasks)
    assert "Check relevance" in buttons(tasks)

    tasks = await bot.press(ADA, tasks, "Check relevance")
    assert bot.api.sent(method="answerCallbackQuery")[-1].params["text"] == "✅ Saved"
    assert "Feedback must be about the video: on" in plain(tasks)
    assert community_now(bot, community).settings.check_relevance is True

    tasks = await bot.press(ADA, tasks, "Stop checking relevance")
    assert community_now(bot, community).settings.check_relevance is False
    assert_fits_a_phone(bot.api, since=since)
    show(bot.api, {community.telegram_chat_id: "group", ADA.id: "Ada (private)"}, since=since)

    main = await bot.press(ADA, tasks, "⬅ Back")
    menu = await bot.press(ADA, main, "⬅ Back")
    audit = await bot.press(ADA, menu, "🧾 Audit")
    assert plain(audit).split("\n")[1:3] == [
        "now · Ada turned off the check that feedback is about the video",
        "now · Ada turned on the check that feedback is about the video",
    ]


async def test_una_admin_activa_la_comprobacion_de_que_la_opinion_trate_del_video(
    bot: BotHarness, community: Community
) -> None:
    make_admin(bot, community, ADELA)
    since = len(bot.api.calls)
    main = await open_from_group(bot, community, ADELA, "/exchange_settings", "⚙️ Abrir ajustes")
    tasks = await bot.press(ADELA, main, "📝 Tareas")
    assert "La opinión debe tratar del video: no" in plain(tasks)

    tasks = await bot.press(ADELA, tasks, "Comprobar que trate del video")
    assert "La opinión debe tratar del video: sí" in plain(tasks)
    assert "Dejar de comprobarlo" in buttons(tasks)
    assert community_now(bot, community).settings.check_relevance is True
    assert_fits_a_phone(bot.api, since=since)
    show(bot.api, {community.telegram_chat_id: "grupo", ADELA.id: "Adela (privado)"}, since=since)

    main = await bot.press(ADELA, tasks, "⬅ Volver")
    menu = await bot.press(ADELA, main, "⬅ Volver")
    audit = await bot.press(ADELA, menu, "🧾 Registro")
    assert plain(audit).split("\n")[1] == "ahora · Adela activó la comprobación de que la opinión trate del video"
