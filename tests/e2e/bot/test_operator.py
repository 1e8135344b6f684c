"""The operator's commands in Telegram: only for OPERATOR_TELEGRAM_IDS; a pause from there stops
members with a clear message in their language, and the status tells what is going on."""

from __future__ import annotations

import html

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tgexchange.domain.community import Community

OPERATOR = TgUser(4242, "Olivia Operator", language_code="en")


def as_operator(bot: BotHarness) -> None:
    settings = bot.container.settings
    bot.container.settings = settings.model_copy(update={"operator_telegram_ids": str(OPERATOR.id)})


async def test_the_operator_commands_refuse_everyone_else(bot: BotHarness, community: Community) -> None:
    as_operator(bot)
    _, somebody = await bot.member(community, "Sam")

    answer = await bot.say(somebody, "/operator_pause_all because I can")

    assert "for the exchange's operators" in answer.text
    with bot.world.uow() as uow:
        assert uow.operations.kill_switch() is None


async def test_a_pause_from_telegram_stops_members_in_their_language_until_resumed(
    bot: BotHarness, community: Community
) -> None:
    as_operator(bot)
    _, english = await bot.member(community, "Emma")
    _, spanish = await bot.member(community, "Sofía", language="es")

    paused = await bot.say(OPERATOR, "/operator_pause_all database migration")
    status = await bot.say(OPERATOR, "/operator_status")
    refused_en = await bot.say(english, "/task")
    refused_es = await bot.say(spanish, "/task")
    resumed = await bot.say(OPERATOR, "/operator_resume_all")

    assert "The whole exchange is paused: database migration" in html.unescape(paused.text)
    assert "The whole exchange is paused</b> since" in status.text
    assert "by telegram:4242" in status.text
    assert "paused by its operator" in refused_en.text
    assert "lo pausó por completo" in refused_es.text
    assert "database migration" not in refused_en.text  # the reason is for the audit trail
    assert "runs again" in resumed.text
    with bot.world.uow() as uow:
        assert uow.operations.kill_switch() is None
        actors = [c.actor for c in uow.operations.switch_log(limit=5)]
    assert actors == ["telegram:4242", "telegram:4242"]


async def test_one_community_is_paused_by_its_number(bot: BotHarness, community: Community) -> None:
    as_operator(bot)

    usage = await bot.say(OPERATOR, "/operator_pause")
    paused = await bot.say(OPERATOR, f"/operator_pause {community.id} raid in progress")

    assert "by its number" in usage.text
    assert f"Community {community.title} is paused: raid in progress" in html.unescape(paused.text)
    with bot.world.uow() as uow:
        stored = uow.communities.find(community.id)
    assert stored is not None
    assert stored.is_paused
