"""Rings through the real bot, in English and Spanish: the detection job flags two pairs and tells
the admin once; the admin lists them in private with the evidence, confirms one and clears the
other (audited; matching keeps the confirmed pair apart and serves the cleared one again); a
member pressing the buttons is refused, a second press gets the friendly text, and the command in
the group lists nothing there."""

from __future__ import annotations

import asyncio

import pytest
from huey import MemoryHuey

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.transcripts import buttons, plain, show
from tests.outcomes import record_verification_outcome
from tgexchange.bot.app import runtime_of
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
from tgexchange.domain.ring import Ring, RingStatus
from tgexchange.services import task as task_service
from tgexchange.worker.jobs import register_jobs

SAID = {
    "en": {
        "notice": "2 groups of members were flagged as mostly serving each other",
        "rings": "🕸 Rings",
        "title": "groups that mostly serve each other: 2 flagged, 0 confirmed",
        "share_a": "100% of their exchanges were with each other (6 exchanges inside the group)",
        "share_b": "92% of their exchanges were with each other (6 exchanges inside the group)",
        "timing": "they took each other's content after 5 minutes (usual in the community: 3 hours)",
        "texts": "their feedback to each other shares",
        "confirmed": "Group #{ring} (Ana, Ben) confirmed as a ring: they stay apart in matching",
        "cleared": "Group #{ring} (Cleo, Dan) cleared: matching may give them each other's content again",
        "empty": "no group waits for a decision (confirmed rings: 1)",
        "refused": "Sorry, only the group's admins can do that.",
        "twice": "That group was already confirmed.",
        "menu": "🛠 Admin menu",
    },
    "es": {
        "notice": "se marcaron 2 grupos de miembros que se dan opiniones sobre todo entre sí",
        "rings": "🕸 Anillos",
        "title": "grupos que se dan opiniones sobre todo entre sí: 2 marcados, 0 confirmados",
        "share_a": "el 100 % de sus intercambios fue entre ellos (6 intercambios dentro del grupo)",
        "share_b": "el 92 % de sus intercambios fue entre ellos (6 intercambios dentro del grupo)",
        "timing": "tomaron el contenido de los otros tras 5 minutos (lo habitual en la comunidad: 3 horas)",
        "texts": "sus opiniones entre ellos comparten el",
        "confirmed": "Grupo #{ring} (Ana, Ben) confirmado como anillo: quedan separados en el reparto de tareas",
        "cleared": "Grupo #{ring} (Cleo, Dan) descartado: el reparto de tareas puede volver a darles",
        "empty": "ningún grupo espera una decisión (anillos confirmados: 1)",
        "refused": "Sorry, only the group's admins can do that.",  # the member writes in English
        "twice": "Ese grupo ya fue confirmado.",
        "menu": "🛠 Menú de admin",
    },
}
PRAISE = "Great pacing in the intro and the colour grading at the end is lovely, subscribed right away"


def serve(bot: BotHarness, owner: Member, giver: Member, *, wait_min: int, text: str | None = None) -> None:
    """``owner`` asks for one feedback; ``giver`` takes it ``wait_min`` minutes later, writes
    ``text`` and is verified."""
    world = bot.world
    submission = world.submission(owner, wanted=1)
    world.clock.advance(minutes=wait_min)
    task = world.task(giver)
    assert task.submission_id == submission.id
    task_service.mark_task_done(world.uow(), member_id=giver.id, task_id=task.id, now=world.now, feedback_text=text)
    record_verification_outcome(world.uow(), task_id=task.id, verified=True, now=world.now)


def two_pairs_in_a_crowd(bot: BotHarness, community: Community) -> tuple[list[Member], list[Member], list[Member]]:
    """Ten members serving the next one along a chain, twice, three hours after each asks; Ana and
    Ben serve each other three times each way within minutes, writing alike; Cleo and Dan too, in
    their own words, and Cleo also serves one of the crowd."""
    crowd = [bot.world.member(community, f"Crowd {n}") for n in range(10)]
    for round_ in range(2):
        for n, (owner, giver) in enumerate(zip(crowd, crowd[1:] + crowd[:1], strict=True)):
            serve(
                bot, owner, giver, wait_min=180, text=f"Round {round_} note {n}: the {n * 7 + round_} second cut works"
            )
    ana, ben = bot.world.member(community, "Ana"), bot.world.member(community, "Ben")
    cleo, dan = bot.world.member(community, "Cleo"), bot.world.member(community, "Dan")
    for n in range(3):
        serve(bot, ana, ben, wait_min=5, text=f"{PRAISE} {n}")
        serve(bot, ben, ana, wait_min=5, text=f"{PRAISE} again {n}")
        serve(bot, cleo, dan, wait_min=5)
        serve(bot, dan, cleo, wait_min=5)
    serve(bot, crowd[2], cleo, wait_min=180)
    return crowd, [ana, ben], [cleo, dan]


async def run_detection(bot: BotHarness) -> dict[str, object]:
    """The worker's ring job, in a worker thread as Huey runs it, through the bot's notifier."""
    jobs = register_jobs(MemoryHuey(utc=True), bot.container)
    done: dict[str, object] = await asyncio.to_thread(jobs.huey.execute, jobs.detect_rings.s())
    await runtime_of(bot.app).notifier.drain()
    return done


def stored(bot: BotHarness, community: Community, pair: list[Member]) -> Ring:
    (ring,) = [r for r in bot.world.storage.rings.rings_in([community.id]) if r.member_ids == (pair[0].id, pair[1].id)]
    return ring


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_the_admin_is_told_lists_the_flagged_pairs_with_evidence_and_confirms_one_and_clears_the_other(
    bot: BotHarness, lang: str
) -> None:
    said = SAID[lang]
    world = bot.world
    community = world.community()
    admin = TgUser(4000, "Ada", language_code=lang)
    await bot.join(admin, community, status="administrator")
    crowd, ab, cd = two_pairs_in_a_crowd(bot, community)
    since = len(bot.api.calls)

    run = await run_detection(bot)

    assert (run["flagged"], run["notices"]) == (2, 1)
    notice = bot.api.last(admin.id)
    assert said["notice"] in plain(notice)
    assert buttons(notice) == [said["rings"]]
    first, second = stored(bot, community, ab), stored(bot, community, cd)
    if lang == "en":
        listed = await bot.say(admin, "/exchange_rings")
    else:  # the same list from the admin menu's button
        listed = await bot.press(admin, await bot.say(admin, "/exchange"), "rl:")
    text = plain(listed)
    assert said["title"] in text
    assert f"#{first.id} · Ana, Ben" in text
    assert f"#{second.id} · Cleo, Dan" in text
    assert said["share_a"] in text
    assert said["share_b"] in text
    assert said["timing"] in text
    assert text.count(said["texts"]) == 1  # Cleo and Dan wrote nothing the detection could compare
    assert buttons(listed)[-1] == said["menu"]

    bob = bot.user_of(crowd[0])
    bot.api.statuses[(community.telegram_chat_id, bob.id)] = "member"
    await bot.press(bob, listed, f"rg:{first.id}:k")
    assert bot.api.sent(method="answerCallbackQuery")[-1].params["text"] == said["refused"]
    assert stored(bot, community, ab).status is RingStatus.FLAGGED

    confirmed = await bot.press(admin, listed, f"rg:{first.id}:k")
    assert said["confirmed"].format(ring=first.id) in plain(confirmed)
    assert f"#{first.id} ·" not in plain(confirmed)  # decided: off the list
    cleared = await bot.press(admin, confirmed, f"rg:{second.id}:c")
    assert said["cleared"].format(ring=second.id) in plain(cleared)
    assert said["empty"] in plain(cleared)
    assert buttons(cleared) == [said["menu"]]

    twice = await bot.press(admin, listed, f"rg:{first.id}:c")  # the first list, pressed after the decision
    assert said["twice"] in plain(twice)
    assert stored(bot, community, ab).status is RingStatus.CONFIRMED
    assert stored(bot, community, cd).status is RingStatus.CLEARED
    ada = bot.find_member(community, admin)
    with world.uow() as uow:
        entries = [(e.action, e.actor_member_id) for e in uow.audit.recent(community.id, limit=10)]
    assert (AuditAction.RING_CONFIRMED, ada.id) in entries
    assert (AuditAction.RING_CLEARED, ada.id) in entries
    # Matching serves the cleared pair to each other again, and keeps the confirmed one apart.
    waiting = world.submission(cd[0], wanted=1)
    assert world.task(cd[1]).submission_id == waiting.id
    world.submission(ab[0], wanted=1)
    world.clock.advance(minutes=5)
    outsider = world.submission(crowd[5], wanted=1)
    assert world.task(ab[1]).submission_id == outsider.id
    names = {community.telegram_chat_id: "group", admin.id: "Ada", bob.id: "Bob"}
    show(bot.api, names, since=since)


async def test_the_rings_command_in_the_group_lists_nothing_there(bot: BotHarness) -> None:
    community = bot.world.community()
    admin = TgUser(4000, "Ada")
    await bot.join(admin, community, status="administrator")
    two_pairs_in_a_crowd(bot, community)
    await run_detection(bot)
    since = len(bot.api.calls)

    await bot.feed(bot.updates.group(community.telegram_chat_id, admin, "/exchange_rings"))

    in_group = [c for c in bot.api.calls[since:] if c.chat_id == community.telegram_chat_id]
    assert not [c for c in in_group if c.method in {"sendMessage", "editMessageText"}]
    assert not [c for c in bot.api.calls[since:] if "Ana" in c.text]


async def test_the_notices_button_opens_the_list_and_a_second_run_tells_nobody_again(bot: BotHarness) -> None:
    community = bot.world.community()
    admin = TgUser(4000, "Ada")
    await bot.join(admin, community, status="administrator")
    two_pairs_in_a_crowd(bot, community)
    await run_detection(bot)
    notice = bot.api.last(admin.id)

    listed = await bot.press(admin, notice, "rl:")

    assert listed.method == "editMessageText"
    assert "2 flagged, 0 confirmed" in plain(listed)
    sent = len(bot.api.sent(admin.id))
    bot.world.clock.advance(hours=7)
    again = await run_detection(bot)
    assert (again["flagged"], again["refreshed"], again["notices"]) == (0, 2, 0)
    assert len(bot.api.sent(admin.id)) == sent
