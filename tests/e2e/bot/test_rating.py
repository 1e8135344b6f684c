"""Rating feedback in the bot (issue 19 §1), in English and Spanish: the owner's notice offers
[⭐ Rate], one tap per statement, a polite refusal to anyone else, and no change after 24 h."""

from __future__ import annotations

import pytest

from tests.botapi import Call, TgUser
from tests.e2e.bot.conftest import BotHarness
from tgexchange.domain.community import Community
from tgexchange.domain.rating import Rating
from tgexchange.services import rating as rating_service

VIDEO_ID = "Xk3mRv9TqLw"
GOOD = "The colour grade in the second half is lovely, but the voice is too quiet under the music at 2:10."

SAID = {
    "en": {
        "rate": "⭐ Rate Gus's feedback",
        "card": "Rate Gus's feedback",
        "saved": "✅ Saved",
        "thanks": "Thanks! Your rating is saved",
        "not_yours": "Only the person who received this feedback can rate it.",
        "locked": "This rating is fixed now",
        "me": "Ratings of your feedback show after every 5 (4 to go)",
    },
    "es": {
        "rate": "⭐ Calificar la opinión de Gus",
        "card": "Califica la opinión de Gus",
        "saved": "✅ Guardado",
        "thanks": "¡Gracias! Tu calificación quedó guardada",
        "not_yours": "Solo quien recibió esta opinión puede calificarla.",
        "locked": "Esta calificación ya es definitiva",
        "me": "Las calificaciones de tus opiniones se muestran cada 5 (faltan 4)",
    },
}


async def verified_feedback(bot: BotHarness, community: Community, language: str) -> tuple[TgUser, TgUser, Call]:
    """Olga (in ``language``) asked for feedback, Gus gave it and it was verified; returns both
    and the notice Olga got."""
    owner, olga = await bot.member(community, "Olga", language=language)
    bot.video(owner, VIDEO_ID, title="Night timelapse")
    await bot.submit(olga, f"https://youtu.be/{VIDEO_ID}", count=2)
    giver, gus = await bot.member(community, "Gus", language=language)
    await bot.press(gus, await bot.say(gus, "/task"), "td:")
    submission_id = bot.queue.submission_ids[-1]
    with bot.world.uow() as uow:
        submission = uow.submissions.find(submission_id)
    assert submission is not None
    bot.world.comment(giver, submission, GOOD)
    assert (await bot.verify(submission_id)).verified == 1
    return olga, gus, bot.api.last(olga.id)


def toasts(bot: BotHarness) -> list[tuple[str, bool]]:
    return [
        (str(c.params.get("text") or ""), bool(c.params.get("show_alert")))
        for c in bot.api.sent(method="answerCallbackQuery")
    ]


def stored(bot: BotHarness, call: Call) -> Rating | None:
    task_id = int(call.button("rt:")["callback_data"].split(":")[1])
    return rating_service.find_rating(bot.world.uow(), task_id=task_id)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_owner_rates_verified_feedback_with_one_tap_per_statement(
    bot: BotHarness, community: Community, language: str
) -> None:
    said = SAID[language]
    olga, gus, notice = await verified_feedback(bot, community, language)
    assert notice.button("rt:")["text"] == said["rate"]

    card = await bot.press(olga, notice, "rt:")
    assert said["card"] in card.text
    assert "voice is too quiet" in card.text
    assert len([b for b in card.buttons if b["callback_data"].startswith("rt:")]) == 15
    assert card.buttons[-1]["callback_data"].startswith("go:")  # the next step is offered

    after = await bot.press(olga, card, f"rt:{card.button('rt:')['callback_data'].split(':')[1]}:s:4")
    assert toasts(bot)[-1] == (said["saved"], False)
    assert "✅4" in [b["text"] for b in after.buttons]
    after = await bot.press(olga, after, after.button("rt:").get("callback_data", "")[:-3] + "a:2")
    after = await bot.press(olga, after, after.button("rt:").get("callback_data", "")[:-3] + "r:5")

    assert said["thanks"] in after.text
    rating = stored(bot, notice)
    assert rating is not None
    assert (rating.specific, rating.actionable, rating.respectful) == (4, 2, 5)
    me = await bot.say(gus, "/me")
    assert said["me"] in me.text  # one rating: nothing shown yet, not even to the giver


@pytest.mark.parametrize("language", ["en", "es"])
async def test_someone_other_than_the_recipient_is_refused_politely_and_sees_nothing(
    bot: BotHarness, community: Community, language: str
) -> None:
    said = SAID[language]
    _olga, gus, notice = await verified_feedback(bot, community, language)
    task_id = notice.button("rt:")["callback_data"].split(":")[1]
    stranger = TgUser(9999, "Eve", language_code=language)  # not even in the community
    sent_before = len(bot.api.sent())

    for presser in (gus, stranger):
        await bot.feed(bot.updates.press(presser, notice, f"rt:{task_id}"))
        await bot.feed(bot.updates.press(presser, notice, f"rt:{task_id}:s:1"))

    refusals = toasts(bot)[-4:]
    assert [(text.startswith(said["not_yours"]), alert) for text, alert in refusals] == [(True, True)] * 4
    assert len(bot.api.sent()) == sent_before  # no card, no message: the feedback stays private
    assert stored(bot, notice) is None


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_rating_cannot_be_changed_after_24_hours(bot: BotHarness, community: Community, language: str) -> None:
    said = SAID[language]
    olga, _gus, notice = await verified_feedback(bot, community, language)
    card = await bot.press(olga, notice, "rt:")
    task_id = card.button("rt:")["callback_data"].split(":")[1]
    card = await bot.press(olga, card, f"rt:{task_id}:s:2")

    bot.world.clock.advance(hours=23)
    card = await bot.press(olga, card, f"rt:{task_id}:s:3")
    assert toasts(bot)[-1] == (said["saved"], False)
    bot.world.clock.advance(hours=1, seconds=1)
    await bot.press(olga, card, f"rt:{task_id}:s:5")

    assert toasts(bot)[-1][0].startswith(said["locked"])
    assert toasts(bot)[-1][1] is True
    rating = stored(bot, notice)
    assert rating is not None
    assert rating.specific == 3
