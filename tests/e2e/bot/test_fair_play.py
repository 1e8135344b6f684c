"""Fair play through the real bot, in English and Spanish: a member appeals a penalty, an admin
decides in private and the member is told; a request for feedback refused by a cooldown says when
it ends; the newcomer past the admission cap is told when to come back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.transcripts import assert_fits_a_phone, buttons, plain, show
from tests.outcomes import record_verification_outcome
from tgexchange.bot.texts import Texts
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.penalty import PenaltyKind
from tgexchange.services.ports import ADMISSION_REFUSED, COOLDOWN_STARTED

SAID = {
    "en": {
        "appeal_hint": "you may appeal once: /exchange_appeal 1",
        "filed": "Your appeal about the suspension (#1) went to the admins",
        "opened": "Appeal in",
        "lift": "✅ Lift #1",
        "accepted_admin": "Appeal #1 of Bob accepted",
        "accepted": "accepted your appeal: your suspension is lifted",
        "twice": "That appeal was already decided.",
        "me": "My stats",
        "cooldown": "so requests for feedback wait: you can ask again",
        "admission": "has taken in as many newcomers as it does in a day. Come back",
    },
    "es": {
        "appeal_hint": "puedes apelar una vez: /exchange_appeal 1",
        "filed": "Tu apelación sobre la suspensión (#1) llegó a los admins",
        "opened": "Apelación en",
        "lift": "✅ Levantar #1",
        "accepted_admin": "Apelación #1 de Bob aceptada",
        "accepted": "aceptaron tu apelación: tu suspensión queda sin efecto",
        "twice": "Esa apelación ya se decidió.",
        "me": "Mis datos",
        "cooldown": "así que tus pedidos de opiniones esperan: podrás pedir de nuevo",
        "admission": "ya recibió hoy a todas las personas nuevas que admite por día. Vuelve",
    },
}


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_a_banned_member_appeals_the_admin_lifts_it_in_private_and_the_member_is_told(
    bot: BotHarness, lang: str
) -> None:
    said = SAID[lang]
    community = bot.world.community()
    admin = TgUser(4000, "Ada", language_code=lang)
    bob = TgUser(4100, "Bob", username="bobby", language_code=lang)
    await bot.join(admin, community, status="administrator")
    await bot.join(bob, community)
    since = len(bot.api.calls)

    await bot.feed(bot.updates.group(community.telegram_chat_id, admin, "/exchange_ban @bobby spam links #999"))
    notice = bot.api.last(bob.id)
    assert said["appeal_hint"] in plain(notice)
    assert buttons(notice) == [said["me"]]

    filed = await bot.say(bob, "/exchange_appeal 1 I only shared my own channel")
    assert said["filed"] in plain(filed)
    to_admin = bot.api.last(admin.id)
    assert said["opened"] in plain(to_admin)
    assert "I only shared my own channel" in plain(to_admin)
    assert buttons(to_admin)[0] == said["lift"]

    if lang == "en":
        queue = await bot.say(admin, "/exchange_appeals")
    else:  # the same queue from the admin menu's button
        queue = await bot.press(admin, await bot.say(admin, "/exchange"), "aq:")
    assert "#1 · Bob" in plain(queue)
    decided = await bot.press(admin, queue, "ad:1:u")
    assert said["accepted_admin"] in plain(decided)
    told = bot.api.last(bob.id)
    assert said["accepted"] in plain(told)
    assert said["me"] in buttons(told)
    assert bot.find_member(community, bob).status is MemberStatus.ACTIVE

    twice = await bot.press(admin, to_admin, "ad:1:r")  # the first notice's button, pressed after the decision
    assert said["twice"] in plain(twice)
    assert len(buttons(twice)) == 1  # no appeal left to decide: the admin menu
    assert bot.find_member(community, bob).status is MemberStatus.ACTIVE  # still lifted, once
    assert_fits_a_phone(bot.api, since=since)
    show(bot.api, {community.telegram_chat_id: "group", admin.id: "Ada", bob.id: "Bob"}, since=since)


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_a_member_in_poor_health_asking_for_feedback_is_told_when_the_cooldown_ends(
    bot: BotHarness, lang: str
) -> None:
    world = bot.world
    community = world.community()
    rex, rex_user = await bot.member(community, "Rex", language=lang)
    for n in range(5):  # five pieces of feedback refused: health about 0.2
        owner = world.member(community, f"owner {n}")
        world.submission(owner, wanted=1)
        task = world.task(rex)
        world.done(task)
        record_verification_outcome(world.uow(), task_id=task.id, verified=False, now=world.now, reason="too_short")
    bot.video(rex, "Xk3mRv9TqLw")

    refused = await bot.say(rex_user, "https://youtu.be/Xk3mRv9TqLw")

    with world.uow() as uow:
        started = uow.fair_play.last_event(rex.id, COOLDOWN_STARTED)
    assert started is not None
    assert started.until is not None
    assert timedelta(0) < started.until - world.now <= timedelta(hours=24)
    when = Texts().until(lang, started.until, now=world.now)
    assert f"{SAID[lang]['cooldown']} {when}" in plain(refused)
    assert len(buttons(refused)) == 2  # the next steps: give feedback, or see why
    with world.uow() as uow:
        assert uow.submissions.list_for_owner(rex.id) == []


async def test_a_cooldown_penalty_refuses_requests_until_it_ends(bot: BotHarness) -> None:
    community = bot.world.community(penalty_ladder=(PenaltyKind.COOLDOWN, PenaltyKind.BAN), penalty_cooldown_hours=6)
    admin = TgUser(4000, "Ada")
    await bot.join(admin, community, status="administrator")
    gus, gus_user = await bot.member(community, "Gus")
    bot.api.statuses[(community.telegram_chat_id, gus_user.id)] = "member"
    await bot.feed(
        bot.updates.group(community.telegram_chat_id, admin, f"/exchange_penalize {gus_user.id} copied feedback")
    )
    assert "may not request feedback for 6 h" in plain(bot.api.last(community.telegram_chat_id))
    bot.video(gus, "Ab3mRv9TqLw")

    refused = await bot.say(gus_user, "https://youtu.be/Ab3mRv9TqLw")

    when = Texts().until("en", bot.world.now + timedelta(hours=6), now=bot.world.now)
    assert f"An admin paused your requests for feedback: you can ask again {when}." in plain(refused)
    me = await bot.say(gus_user, "/me")
    assert "#1 cooldown: copied feedback" in plain(me)
    assert "· given by an admin" in plain(me)  # not the rule's internal name
    show(bot.api, {gus_user.id: "Gus"}, since=len(bot.api.calls) - 3)


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_the_newcomer_past_the_daily_cap_is_told_when_to_come_back(bot: BotHarness, lang: str) -> None:
    world = bot.world
    community = world.community(admission_cap_per_day=2)
    for n in range(2):
        await bot.join(TgUser(7000 + n, f"Early {n}", language_code=lang), community)
    late = TgUser(7100, "Late", language_code=lang)

    told = await bot.join(late, community)

    midnight = (world.now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    when = Texts().until(lang, midnight, now=world.now)
    assert f"{SAID[lang]['admission']} {when}." in plain(told)
    assert len(buttons(told)) == 1  # what to do meanwhile: help
    with world.uow() as uow:
        assert uow.members.find_by_user(community.id, late.id) is None
        refused = uow.fair_play.recent_events([community.id], since=world.now - timedelta(hours=1), limit=5)
    assert [(e.kind, e.telegram_user_id) for e in refused] == [(ADMISSION_REFUSED, late.id)]

    world.clock.current = midnight  # the next UTC day
    assert "Early" not in plain(await bot.join(late, community))
    with world.uow() as uow:
        assert uow.members.find_by_user(community.id, late.id) is not None
