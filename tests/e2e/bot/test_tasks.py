"""Giving feedback: the task card, Done and Skip, verification and what members are told."""

from __future__ import annotations

import pytest

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.transcripts import buttons, plain
from tgexchange.adapters.db.reciprocity import SqlReciprocityScores
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.member import Member
from tgexchange.domain.reciprocity import ReciprocityScore
from tgexchange.domain.task import TaskStatus
from tgexchange.services.sweep import sweep

VIDEO_ID = "Xk3mRv9TqLw"
GOOD = "The colour grade in the second half is lovely, but the voice is too quiet under the music at 2:10."


async def submitted(
    bot: BotHarness, community: Community, *, platform: Platform = Platform.YOUTUBE, count: int = 1
) -> tuple[Member, TgUser]:
    owner, user = await bot.member(community, "Olga", link=platform)
    if platform is Platform.YOUTUBE:
        bot.video(owner, VIDEO_ID, title="Night timelapse")
        url = f"https://youtu.be/{VIDEO_ID}"
    else:
        bot.video(owner, "7702518329237083111", platform=platform, title="Night timelapse")
        url = "https://www.tiktok.com/@olga/video/7702518329237083111"
    assert "Submitted" in (await bot.submit(user, url, count=count)).text
    return owner, user


async def test_a_youtube_task_is_verified_from_the_public_comment_and_pays(
    bot: BotHarness, community: Community
) -> None:
    _owner, olga = await submitted(bot, community, count=2)
    giver, gus = await bot.member(community, "Gus")
    card = await bot.say(gus, "/task")
    assert "Night timelapse" in card.text
    assert "<b>10</b> credits" in card.text
    assert card.button("Open")["url"] == f"https://www.youtube.com/watch?v={VIDEO_ID}"

    after_done = await bot.press(gus, card, "td:")

    assert "I will check the public comments" in after_done.text
    # Done and Skip are gone; the next steps are offered
    assert [b["text"] for b in after_done.buttons] == ["Open ▶️", "Get a task", "My submissions"]
    submission_id = bot.queue.submission_ids[-1]
    bot.world.comment(giver, bot_submission(bot, submission_id), GOOD)
    run = await bot.verify(submission_id)
    assert run.verified == 1
    assert "was verified: <b>+10</b> credits" in bot.api.last(gus.id).text
    assert "You received verified feedback on “Night timelapse”" in bot.api.last(olga.id).text
    assert bot.world.balance(giver) == 40
    board = await bot.say(olga, "/leaderboard")
    assert "1. Gus — 1 verified · reliability new, 1/1 ✅" in board.text
    history = await bot.say(gus, "/me")
    assert "✅ verified task #" in history.text
    assert "Health: <b>" in history.text
    assert "Health: <b>new" not in history.text  # a decided task: a score


def bot_submission(bot: BotHarness, submission_id: int):  # type: ignore[no-untyped-def]
    with bot.world.uow() as uow:
        return uow.submissions.find(submission_id)


async def test_a_rejected_comment_is_explained_in_the_members_language(bot: BotHarness, community: Community) -> None:
    await submitted(bot, community)
    giver, gus = await bot.member(community, "Gus", language="es")
    card = await bot.say(gus, "/task")
    assert "<b>10</b> créditos" in card.text
    await bot.press(gus, card, "td:")
    submission_id = bot.queue.submission_ids[-1]
    bot.world.comment(giver, bot_submission(bot, submission_id), "sub4sub please check my channel out today friends")
    await bot.verify(submission_id)
    told = bot.api.last(gus.id).text
    assert "no fue aceptada" in told
    assert "promociona un canal o un enlace" in told


async def test_skipping_gives_the_task_back(bot: BotHarness, community: Community) -> None:
    await submitted(bot, community)
    giver, gus = await bot.member(community, "Gus")
    card = await bot.say(gus, "/task")
    skipped = await bot.press(gus, card, "ts:")
    assert "Skipped" in skipped.text
    with bot.world.uow() as uow:
        (task,) = uow.tasks.list_for_giver(giver.id, statuses=frozenset(TaskStatus))
    assert task.status is TaskStatus.SKIPPED


async def test_done_on_an_expired_task_is_refused_and_the_card_closes(bot: BotHarness, community: Community) -> None:
    await submitted(bot, community)
    _, gus = await bot.member(community, "Gus")
    card = await bot.say(gus, "/task")
    bot.world.clock.advance(hours=49)
    closed = await bot.press(gus, card, "td:")
    assert "deadline has passed" in closed.text
    assert [b["text"] for b in closed.buttons] == ["Open ▶️", "Get a task"]
    assert bot.queue.enqueued == []


async def test_pressing_done_twice_changes_nothing_the_second_time(bot: BotHarness, community: Community) -> None:
    await submitted(bot, community)
    _, gus = await bot.member(community, "Gus")
    card = await bot.say(gus, "/task")
    await bot.press(gus, card, "td:")
    second = await bot.press(gus, card, "td:")
    assert "already moved on" in second.text
    assert len(bot.queue.enqueued) == 1


async def test_no_task_available_is_said_kindly(bot: BotHarness, community: Community) -> None:
    _, gus = await bot.member(community, "Gus")
    assert "Nothing is waiting for feedback right now" in (await bot.say(gus, "/task")).text


HELD = {
    "en": ("Nothing is open to you right now: a new video goes first to members whose tasks end verified, "
           "and opens to everyone within 6 h.", ["Ask for feedback", "My stats"]),
    "es": ("Ahora mismo no hay nada abierto para ti: un video nuevo va primero a quien termina sus tareas, "
           "y se abre a todos en 6 h como mucho.", ["Pedir opiniones", "Mis datos"]),
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_member_a_new_video_is_held_from_is_told_when_it_opens(bot: BotHarness, language: str) -> None:
    community = bot.world.community(match_by_reciprocity=True)
    owner, _olga = await submitted(bot, community)
    giver, gus = await bot.member(community, "Gus", language=language)
    SqlReciprocityScores(bot.world.storage.engine).replace(
        [
            ReciprocityScore(owner.id, Platform.YOUTUBE, 0.8, 0.9),
            ReciprocityScore(giver.id, Platform.YOUTUBE, 0.2, 0.9),
        ],
        version="test",
        now=bot.world.now,
    )
    told, next_steps = HELD[language]

    answer = await bot.say(gus, "/task")

    assert told in plain(answer)
    assert buttons(answer) == next_steps


async def test_tiktok_feedback_is_pasted_then_confirmed_by_the_owner(bot: BotHarness, community: Community) -> None:
    _owner, olga = await submitted(bot, community, platform=Platform.TIKTOK)
    giver, gus = await bot.member(community, "Gus", link=Platform.TIKTOK)
    card = await bot.say(gus, "/task")
    asked = await bot.press(gus, card, "td:")
    assert "paste here the exact text" in asked.text
    assert bot.queue.enqueued == []

    handled_as_link = await bot.say(gus, "https://www.tiktok.com/@gus/video/7702518329237080000")
    assert "not publicly available" in handled_as_link.text
    assert bot.queue.enqueued == []  # a bare link is not taken as the comment's text
    thanks = await bot.say(gus, GOOD)
    assert "The owner will confirm" in thanks.text
    submission_id = bot.queue.submission_ids[-1]
    await bot.verify(submission_id)

    question = bot.api.last(olga.id)
    assert "Gus says they commented on your “Night timelapse”" in question.text
    assert "voice is too quiet" in question.text
    confirmed = await bot.press(olga, question, "or:")
    card = bot.api.sent(olga.id, method="editMessageText")[-1]
    assert "Confirmed" in card.text
    assert "got all the feedback you asked for" in confirmed.text  # the completion, once
    assert "was verified: <b>+10</b> credits" in bot.api.last(gus.id).text
    assert bot.world.balance(giver) == 40


async def test_a_denied_tiktok_comment_can_be_disputed_and_an_admin_settles_it(
    bot: BotHarness, community: Community
) -> None:
    _owner, olga = await submitted(bot, community, platform=Platform.TIKTOK)
    giver, gus = await bot.member(community, "Gus", link=Platform.TIKTOK, language="es")
    admin_user = TgUser(4242, "Ada", language_code="es")
    await bot.join(admin_user, community, status="administrator")
    card = await bot.say(gus, "/task")
    await bot.press(gus, card, "td:")
    await bot.say(gus, GOOD)
    await bot.verify(bot.queue.submission_ids[-1])

    denied = await bot.press(olga, bot.api.last(olga.id), "I can't find it")
    assert "Gus can dispute it until" in denied.text
    assert "(in 24 hours)" in denied.text
    told = bot.api.last(gus.id)
    assert "dice que no encuentra tu comentario" in told.text
    disputed = await bot.press(gus, told, "dp:")
    assert "Tu reclamación" in disputed.text

    case = bot.api.last(admin_user.id)
    assert "Reclamación en <b>Group 1</b>" in case.text
    assert "voice is too quiet" in case.text
    resolved = await bot.press(admin_user, case, "ar:")
    assert "Verificado" in resolved.text
    assert "está verificada: <b>+10</b> créditos" in bot.api.last(gus.id).text
    assert bot.world.balance(giver) == 40


async def test_only_a_current_admin_can_settle_a_dispute(bot: BotHarness, community: Community) -> None:
    _owner, olga = await submitted(bot, community, platform=Platform.TIKTOK)
    giver, gus = await bot.member(community, "Gus", link=Platform.TIKTOK)
    former = TgUser(4243, "Former admin")
    await bot.join(former, community, status="administrator")
    card = await bot.say(gus, "/task")
    await bot.press(gus, card, "td:")
    await bot.say(gus, GOOD)
    await bot.verify(bot.queue.submission_ids[-1])
    await bot.press(olga, bot.api.last(olga.id), "I can't find it")
    await bot.press(gus, bot.api.last(gus.id), "dp:")
    case = bot.api.last(former.id)

    bot.api.statuses[(community.telegram_chat_id, former.id)] = "member"  # demoted since
    runtime_admins = bot.app.bot_data["tgexchange"].admins
    runtime_admins.forget(community.telegram_chat_id)
    refused = await bot.press(former, case, "ar:")

    assert "only the group's admins" in refused.text
    assert bot.world.balance(giver) == 30
    assert not bot.find_member(community, former).is_admin


async def test_a_notice_telegram_failed_to_take_is_delivered_by_the_delivery_job(
    bot: BotHarness, community: Community
) -> None:
    _owner, olga = await submitted(bot, community, platform=Platform.TIKTOK)
    giver, gus = await bot.member(community, "Gus", link=Platform.TIKTOK)
    await bot.press(gus, await bot.say(gus, "/task"), "td:")
    await bot.say(gus, GOOD)
    await bot.verify(bot.queue.submission_ids[-1])
    question = bot.api.last(olga.id)
    bot.api.fail["sendMessage"] = (502, "Bad Gateway")  # Telegram is down for sends a moment
    bot.api.clear()

    await bot.press(olga, question, "or:")  # the owner's answer is an edit: it goes through

    card = bot.api.sent(olga.id, method="editMessageText")[-1]
    assert "Confirmed" in card.text
    assert bot.world.balance(giver) == 40
    # Tried, refused: the giver's "verified" and the owner's "complete" wait in the outbox.
    assert [c.chat_id for c in bot.api.sent()] == [gus.id, olga.id]
    assert bot.container.storage.outbox.count_open() == 2
    del bot.api.fail["sendMessage"]

    await bot.deliver_due(after_s=60)

    assert "was verified: <b>+10</b> credits" in bot.api.last(gus.id).text
    assert "got all the feedback you asked for" in bot.api.last(olga.id).text
    assert bot.container.storage.outbox.count_open() == 0
    await bot.deliver_due(after_s=3600)
    assert len(bot.api.sent(gus.id)) == 2  # the failed try and the delivery, never a third


async def test_done_is_confirmed_even_when_the_queue_is_down_and_the_sweeper_picks_it_up(
    bot: BotHarness, community: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, _ = await submitted(bot, community)
    giver, gus = await bot.member(community, "Gus")
    card = await bot.say(gus, "/task")

    def down(submission_id: int, *, delay_s: float = 0.0, after_crash: bool = False) -> None:
        raise ConnectionError(f"redis unreachable for {submission_id} ({delay_s}, {after_crash})")

    monkeypatch.setattr(bot.queue, "enqueue_verification", down)
    done = await bot.press(gus, card, "td:")

    assert "I will check the public comments" in done.text  # the usual confirmation
    assert "went wrong" not in "".join(bot.api.texts(gus.id))
    with bot.world.uow() as uow:
        (task,) = uow.tasks.list_for_giver(giver.id, statuses=frozenset(TaskStatus))
    assert task.status is TaskStatus.SUBMITTED
    swept = sweep(bot.world.uow(), now=bot.world.now)
    assert swept.to_verify == [task.submission_id]  # the sweeper's next round re-queues it
    assert owner.id != giver.id
