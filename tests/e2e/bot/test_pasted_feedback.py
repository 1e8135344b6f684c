"""Tasks on platforms without public comments take the comment's text pasted in the chat. The
wait for it lives in memory; whatever loses it (a restart, /link, Done on another task, a deadline)
must leave no task stuck and no text misdirected."""

from __future__ import annotations

from pathlib import Path

from tests.botapi import BotApi, Call
from tests.e2e.bot.conftest import BotHarness, build_harness_app, container_for, two_processes
from tests.fakes import RecordingQueue
from tests.world import World
from tgexchange.bot.app import start_bot, stop_bot
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.task import Task, TaskStatus

GOOD = "The colour grade in the second half is lovely, but the voice is too quiet under the music at 2:10."


async def tiktok_submission(bot: BotHarness, community: Community, name: str, video_id: str) -> None:
    owner, user = await bot.member(community, name, link=Platform.TIKTOK)
    bot.video(owner, video_id, platform=Platform.TIKTOK, title=f"Video by {name}")
    assert "Submitted" in (await bot.submit(user, f"https://www.tiktok.com/@{name.lower()}/video/{video_id}")).text


def tasks_of(bot: BotHarness, member_id: int) -> dict[int, Task]:
    with bot.world.uow() as uow:
        return {t.id: t for t in uow.tasks.list_for_giver(member_id, statuses=frozenset(TaskStatus))}


def task_of(card: Call) -> int:
    return int(card.button("td:")["callback_data"].split(":")[1])


async def test_done_on_a_second_task_leaves_the_first_one_a_done_button(bot: BotHarness, community: Community) -> None:
    await tiktok_submission(bot, community, "Olga", "7702518329237083111")
    await tiktok_submission(bot, community, "Petra", "7702518329237083222")
    giver, gus = await bot.member(community, "Gus", link=Platform.TIKTOK)
    card_a, card_b = await bot.say(gus, "/task"), await bot.say(gus, "/task")

    asked_a = await bot.press(gus, card_a, "td:")
    assert "paste here" in asked_a.text
    title_a = card_a.text.split("<b>", 1)[1].split("</b>", 1)[0]
    assert f"your comment on “{title_a}”" in asked_a.text  # the member knows which task the text is for
    assert card_a.button("td:")  # the card itself is untouched: Done and Skip stay
    await bot.press(gus, card_b, "td:")
    await bot.say(gus, GOOD)  # asked last for task B: it goes to B
    again_a = await bot.press(gus, card_a, "td:")  # card A still has its Done button
    await bot.say(gus, GOOD + " And the ending.")

    tasks = tasks_of(bot, giver.id)
    assert tasks[task_of(card_b)].status is TaskStatus.SUBMITTED
    assert tasks[task_of(card_b)].feedback_text == GOOD
    assert tasks[task_of(card_a)].status is TaskStatus.SUBMITTED
    assert "paste here" in again_a.text  # asked again, as its own message


async def test_link_between_done_and_the_text_does_not_lose_the_wait(bot: BotHarness, community: Community) -> None:
    await tiktok_submission(bot, community, "Olga", "7702518329237083111")
    giver, gus = await bot.member(community, "Gus", link=Platform.TIKTOK)
    await bot.press(gus, await bot.say(gus, "/task"), "td:")

    await bot.say(gus, "/link")
    thanks = await bot.say(gus, GOOD)

    assert "owner will confirm" in thanks.text
    assert [t.status for t in tasks_of(bot, giver.id).values()] == [TaskStatus.SUBMITTED]


async def test_after_a_restart_a_pasted_text_is_taken_for_the_task_it_waited_for(world: World, tmp_path: Path) -> None:
    # The wait is kept on the task: a restart, or another webhook process, takes the text as well.
    community = world.community()
    api = BotApi()
    app = build_harness_app(container_for(world, tmp_path), api, RecordingQueue())
    async with app:
        await start_bot(app)
        bot = BotHarness(app, api, world, app.bot_data["tgexchange"].container, RecordingQueue())
        await tiktok_submission(bot, community, "Olga", "7702518329237083111")
        giver, gus = await bot.member(community, "Gus", link=Platform.TIKTOK)
        await bot.press(gus, await bot.say(gus, "/task"), "td:")
        await stop_bot(app)
    restarted = build_harness_app(container_for(world, tmp_path), api, RecordingQueue())
    async with restarted:
        await start_bot(restarted)
        bot2 = BotHarness(restarted, api, world, restarted.bot_data["tgexchange"].container, RecordingQueue())
        bot2.updates = bot.updates  # Telegram's update ids keep growing

        thanks = await bot2.say(gus, GOOD)
        await stop_bot(restarted)

    assert "owner will confirm" in thanks.text
    assert [t.status for t in tasks_of(bot2, giver.id).values()] == [TaskStatus.SUBMITTED]


async def test_a_deadline_that_passed_during_the_wait_ends_it(bot: BotHarness, community: Community) -> None:
    await tiktok_submission(bot, community, "Olga", "7702518329237083111")
    _, gus = await bot.member(community, "Gus", link=Platform.TIKTOK)
    await bot.press(gus, await bot.say(gus, "/task"), "td:")
    bot.world.clock.advance(hours=49)

    first = await bot.say(gus, GOOD)
    second = await bot.say(gus, "hello there")

    assert "deadline has passed" in first.text
    assert "deadline has passed" not in second.text  # the wait ended with the refusal


async def test_a_stray_text_with_no_task_waiting_gets_the_usual_hint(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")

    answer = await bot.say(alice, "hello there")

    assert "Send me a link" in answer.text


async def test_done_through_one_process_and_the_text_through_another(world: World, tmp_path: Path) -> None:
    # Two webhook processes behind one address: Done reaches one, the pasted text the other.
    # Spanish too: the member reads every step in their language.
    community = world.community()
    async with two_processes(world, tmp_path) as (one, other):
        await tiktok_submission(one, community, "Olga", "7702518329237083111")
        await tiktok_submission(one, community, "Petra", "7702518329237083222")
        giver, gus = await one.member(community, "Gus", language="es", link=Platform.TIKTOK)
        card_a, card_b = await one.say(gus, "/task"), await one.say(gus, "/task")

        asked = await one.press(gus, card_a, "td:")
        await other.press(gus, card_b, "td:")  # the last Done pressed wins, whichever process had it
        thanks = await one.say(gus, GOOD)

    assert "pega aquí el texto exacto" in asked.text
    assert "confirmará que tu comentario está ahí" in thanks.text
    tasks = tasks_of(one, giver.id)
    assert tasks[task_of(card_b)].feedback_text == GOOD
    assert tasks[task_of(card_a)].status is TaskStatus.ASSIGNED


async def test_cancel_ends_the_wait_for_a_text_in_every_process(bot: BotHarness, community: Community) -> None:
    await tiktok_submission(bot, community, "Olga", "7702518329237083111")
    giver, gus = await bot.member(community, "Gus", link=Platform.TIKTOK)
    await bot.press(gus, await bot.say(gus, "/task"), "td:")

    cancelled = await bot.say(gus, "/cancel")
    await bot.feed(bot.updates.private(gus, GOOD))

    assert "Cancelled" in cancelled.text
    pointer, card = bot.api.sent(gus.id)[-2:]
    assert "Tap <b>Done</b> on its card" in pointer.text  # no longer taken for the task
    assert "Video by Olga" in card.text
    assert [t.status for t in tasks_of(bot, giver.id).values()] == [TaskStatus.ASSIGNED]
