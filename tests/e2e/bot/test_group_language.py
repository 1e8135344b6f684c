"""The language of what the bot posts in the group for everyone: each person's (the default), or
one the admins choose in the settings."""

from __future__ import annotations

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.transcripts import plain
from tgexchange.domain.community import Community

ADMIN = TgUser(4300, "Ada")
VIDEO = "https://youtu.be/Xk3mRv9TqLw"


def group_language(bot: BotHarness, community: Community) -> str | None:
    with bot.world.uow() as uow:
        found = uow.communities.find(community.id)
    assert found is not None
    return found.settings.group_language


async def test_admins_choose_the_group_language_in_the_settings(bot: BotHarness, community: Community) -> None:
    await bot.join(ADMIN, community, status="administrator")
    main = await bot.say(ADMIN, "/exchange_settings")
    menu = await bot.press(ADMIN, main, "🗣 Group language")
    assert "is in: each person's language" in plain(menu)
    assert menu.button("✅ Each person's language")

    shown = []
    for choice in ("English", "Español", "Each person's language"):
        menu = await bot.press(ADMIN, menu, choice)
        chosen = [b["text"] for b in menu.buttons if b["text"].startswith("✅")]
        shown.append((group_language(bot, community), chosen))

    assert shown == [
        ("en", ["✅ English"]),
        ("es", ["✅ Español"]),
        (None, ["✅ Each person's language"]),
    ]
    audit = await bot.say(ADMIN, "/exchange_audit")
    assert "Ada set group posts to Español" in audit.text
    assert "group_language" not in audit.text


async def test_a_forged_language_button_changes_nothing(bot: BotHarness, community: Community) -> None:
    await bot.join(ADMIN, community, status="administrator")
    menu = await bot.say(ADMIN, "/exchange_settings")

    await bot.feed(bot.updates.press(ADMIN, menu, f"st:{community.id}:l:<b>xx</b>"))

    assert group_language(bot, community) is None


async def test_group_posts_use_the_chosen_language_whoever_triggers_them(bot: BotHarness) -> None:
    community = bot.world.community(group_language="es")
    await bot.join(ADMIN, community, status="administrator")  # Ada reads English
    await bot.say(ADMIN, "/exchange_pause maintenance tonight")
    assert (
        "El intercambio está en pausa por decisión de admins. Motivo: maintenance tonight"
        in bot.api.last(community.telegram_chat_id).text
    )
    assert "Paused" in bot.api.last(ADMIN.id).text  # her own answer stays in her language
    await bot.say(ADMIN, "/exchange_resume")
    assert "El intercambio vuelve a funcionar" in bot.api.last(community.telegram_chat_id).text

    owner, olga = await bot.member(community, "Olga")  # English too
    bot.video(owner, "Xk3mRv9TqLw", title="Final cut")
    await bot.say(olga, f"/submit {VIDEO} 1")
    giver, gus = await bot.member(community, "Gus")
    await bot.press(gus, await bot.say(gus, "/task"), "td:")
    submission_id = bot.queue.submission_ids[-1]
    with bot.world.uow() as uow:
        submission = uow.submissions.find(submission_id)
    assert submission is not None
    bot.world.comment(giver, submission, "The pacing in the middle drags a little but the ending shot is earned.")
    await bot.verify(submission_id)

    assert "«Final cut» de Olga recibió todas las opiniones que pidió" in bot.api.last(community.telegram_chat_id).text
    assert "got all the feedback you asked for" in bot.api.last(olga.id).text


async def test_a_pause_from_private_right_after_choosing_the_language_uses_it(
    bot: BotHarness, community: Community
) -> None:
    await bot.join(ADMIN, community, status="administrator")
    await bot.say(ADMIN, "/balance")  # her membership, with the community's settings, is cached
    menu = await bot.say(ADMIN, "/exchange_settings")
    menu = await bot.press(ADMIN, await bot.press(ADMIN, menu, "🗣 Group language"), "Español")
    assert menu.button("✅ Español")

    await bot.say(ADMIN, "/exchange_pause maintenance tonight")

    assert "en pausa por decisión de admins" in bot.api.last(community.telegram_chat_id).text
