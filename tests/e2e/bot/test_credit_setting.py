"""Credit by substance is a community setting (issue 19 §2): off by default, switched in the
settings' Credits section, audited like every other setting, in English and Spanish."""

from __future__ import annotations

import pytest

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.settings_switch import turn_on_and_find_it_audited
from tgexchange.domain.community import Community

SAID = {
    "en": {
        "open": "⚙️ Open settings", "section": "💰 Credits", "off": "Credit by substance: off",
        "on": "Credit by substance: on", "turn_on": "Turn on credit by substance",
        "turn_off": "Turn off credit by substance", "audit": "🧾 Audit",
        "audited": "Ada turned on credit by substance",
    },
    "es": {
        "open": "⚙️ Abrir ajustes", "section": "💰 Créditos", "off": "Créditos según la sustancia: no",
        "on": "Créditos según la sustancia: sí", "turn_on": "Activar créditos según la sustancia",
        "turn_off": "Desactivar créditos según la sustancia", "audit": "🧾 Registro",
        "audited": "Ada activó los créditos según la sustancia",
    },
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es"])
async def test_an_admin_turns_credit_by_substance_on_and_it_is_audited(
    bot: BotHarness, community: Community, language: str
) -> None:
    ada = TgUser(4400, "Ada", language_code=language)
    settings = await turn_on_and_find_it_audited(bot, community, ada, SAID[language])
    assert settings.credit_by_substance is True


PAID = {
    "en": ("up to <b>20</b> credits", "was verified: <b>+15</b> credits"),
    "es": ("hasta <b>20</b> créditos", "está verificada: <b>+15</b> créditos"),
}
# 20 different specific words against the minimum of 8: from twice the minimum, 1.5× the 10
# credits per feedback.
GOOD = (
    "The colour grade in the second half is lovely, but the voice is too quiet under the music at "
    "2:10; a softer backing track, slower cuts and brighter captions would help the ending land."
)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_under_credit_by_substance_the_card_says_up_to_and_the_feedback_earns_its_tier(
    bot: BotHarness, language: str
) -> None:
    community = bot.world.community(credit_by_substance=True, welcome_credits=100)
    card_says, notice_says = PAID[language]
    owner, olga = await bot.member(community, "Olga", language=language)
    bot.video(owner, "Xk3mRv9TqLw", title="Night timelapse")
    await bot.submit(olga, "https://youtu.be/Xk3mRv9TqLw", count=1)
    giver, gus = await bot.member(community, "Gus", language=language)

    card = await bot.say(gus, "/task")
    assert card_says in card.text
    await bot.press(gus, card, "td:")
    submission_id = bot.queue.submission_ids[-1]
    with bot.world.uow() as uow:
        submission = uow.submissions.find(submission_id)
    assert submission is not None
    bot.world.comment(giver, submission, GOOD)
    await bot.verify(submission_id)

    assert notice_says in bot.api.last(gus.id).text
    assert (bot.world.balance(giver), bot.world.balance(owner)) == (115, 85)
