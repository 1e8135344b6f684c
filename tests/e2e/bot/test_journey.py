"""The member's whole journey, as members meet it, in English and in Spanish: joining, linking a
channel, a first task, and its verified feedback, with buttons all the way after the one link a
member pastes; the pasted-feedback retry; /cancel from every wait; the owner's confirmation.

Every message the bot sends on the way is read as a phone shows it: at most six lines of about
38 characters, and the next step offered as a button.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import pytest

from tests.botapi import Call, TgUser, parse_html
from tests.e2e.bot.conftest import BotHarness
from tgexchange.bot import steps
from tgexchange.bot.steps import STEP_ENDS
from tgexchange.bot.texts import SUPPORTED, Texts
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.task import TaskStatus

PHONE_COLUMNS = 38  # characters on a line of a 390 px wide phone, Telegram's default text size
PHONE_LINES = 6
GOOD = "The colour grade in the second half is lovely, but the voice is too quiet under the music at 2:10."
BUENO = "Me encanta el color de la segunda mitad, pero la voz queda muy baja bajo la música en el minuto 2:10."

WORDS = {
    "en": {"link": "Link my channel", "task": "Get a task", "ask": "Ask for feedback", "linked": "Linked"},
    "es": {"link": "Vincular mi canal", "task": "Recibir una tarea", "ask": "Pedir opiniones", "linked": "vinculado"},
}


def phone_lines(call: Call) -> int:
    """Lines the message takes on a phone, quoted member text left out (the member wrote it)."""
    text, _ = parse_html(re.sub(r"<blockquote>.*?</blockquote>", "", call.text, flags=re.S))
    return sum(max(1, len(textwrap.wrap(line, PHONE_COLUMNS))) for line in text.splitlines())


@dataclass
class Journey:
    """What a member did in Telegram, and what the bot sent them."""

    bot: BotHarness
    user: TgUser
    taps: int = 0
    typed: int = 0

    async def tap(self, call: Call, starts_with: str) -> Call:
        self.taps += 1
        return await self.bot.press(self.user, call, starts_with)

    async def type(self, text: str) -> Call:
        self.typed += 1
        return await self.bot.say(self.user, text)

    def messages(self) -> list[Call]:
        return [
            c
            for c in self.bot.api.calls
            if c.method in {"sendMessage", "editMessageText"} and c.chat_id == self.user.id
        ]

    def read_as_a_member(self) -> None:
        """Every message fits a phone screen and offers a next step, except a passing
        '🔎 Checking…' that the same message's outcome replaces."""
        for call in self.messages():
            assert phone_lines(call) <= PHONE_LINES, f"{phone_lines(call)} lines on a phone:\n{call.text}"
            passing = call.text.startswith("🔎") and call.method == "sendMessage"
            assert passing or call.buttons, f"no next step under:\n{call.text}"


@pytest.mark.parametrize("language", SUPPORTED)
async def test_from_joining_to_a_first_verified_feedback_with_buttons_after_one_link(
    bot: BotHarness, community: Community, language: str
) -> None:
    words = WORDS[language]
    owner, _ = await bot.member(community, "Olga")
    bot.video(owner, "Xk3mRv9TqLw", title="Night timelapse")
    olga = bot.user_of(owner)
    assert "✅" in (await bot.submit(olga, "https://youtu.be/Xk3mRv9TqLw", count=2)).text
    bot.api.clear()
    gus = TgUser(7001, "Gus", language_code=language)
    journey = Journey(bot, gus)

    bot.api.statuses[(community.telegram_chat_id, gus.id)] = "member"
    welcome = await journey.type(f"/start {bot.payload(community)}")  # the group's Join button opens this
    journey.typed -= 1  # a tap on [Join the exchange], which Telegram turns into /start <payload>
    journey.taps += 1
    choose = await journey.tap(welcome, words["link"])
    code_message = await journey.tap(choose, "lp:youtube")
    code = re.search(r"TGX-[A-Z0-9]{6}", code_message.text)
    assert code is not None
    assert code_message.button("cx")  # the wait can be cancelled
    member = bot.find_member(community, gus)
    bot.world.channel_of[member.id] = "UCgus"
    own = bot.video(member, "Gus0000vid1", title="Gus's own video")
    bot.world.platform.comment(own, author_channel_id="UCgus", text=f"code {code.group()}", at=bot.world.now)
    linked = await journey.type("https://youtu.be/Gus0000vid1")  # the one link the member pastes
    assert words["linked"] in linked.text
    card = await journey.tap(linked, words["task"])
    assert "Night timelapse" in card.text
    journey.taps += 1  # [Open ▶️]: the video opens; the member comments there, by their own hand
    with bot.world.uow() as uow:
        (task,) = uow.tasks.list_for_giver(member.id, statuses=frozenset(TaskStatus))
        submission = uow.submissions.find(task.submission_id)
    assert submission is not None
    bot.world.comment(member, submission, GOOD if language == "en" else BUENO)
    done = await journey.tap(card, "td:")
    await bot.verify(task.submission_id)

    verified = bot.api.last(gus.id)
    assert "+10" in verified.text
    assert bot.world.balance(member) == 40
    assert (journey.taps, journey.typed) == (6, 1)
    sent = [c for c in journey.messages() if c.method == "sendMessage"]
    assert len(sent) == 6  # welcome, platforms, code, checking (then linked), the card, verified
    assert done.buttons  # the card, closed, offers the next step
    journey.read_as_a_member()


@pytest.mark.parametrize("language", SUPPORTED)
async def test_pasted_feedback_that_falls_short_is_said_at_once_and_the_task_stays_open(
    bot: BotHarness, community: Community, language: str
) -> None:
    owner, _ = await bot.member(community, "Olga", link=Platform.TIKTOK)
    bot.video(owner, "7702518329237083111", platform=Platform.TIKTOK, title="Night timelapse")
    await bot.submit(bot.user_of(owner), "https://www.tiktok.com/@olga/video/7702518329237083111")
    giver, gus = await bot.member(community, "Gus", link=Platform.TIKTOK, language=language)
    journey = Journey(bot, gus)
    card = await journey.tap(await bot.say(gus, "/task"), "td:")
    again = await journey.type("nice video")

    assert "✏️" in again.text
    assert again.buttons[0]["url"].startswith("https://www.tiktok.com")  # [Open ▶️] to edit the comment
    with bot.world.uow() as uow:
        (task,) = uow.tasks.list_for_giver(giver.id, statuses=frozenset(TaskStatus))
    assert task.status is TaskStatus.ASSIGNED  # still theirs, nothing handed in, reliability untouched
    thanks = await journey.type(GOOD)
    assert thanks.buttons
    with bot.world.uow() as uow:
        (task,) = uow.tasks.list_for_giver(giver.id, statuses=frozenset(TaskStatus))
    assert task.status is TaskStatus.SUBMITTED
    assert task.feedback_text == GOOD
    assert card.buttons
    journey.read_as_a_member()


@pytest.mark.parametrize("language", SUPPORTED)
async def test_cancel_ends_every_wait(bot: BotHarness, community: Community, language: str) -> None:
    member, alice = await bot.member(community, "Alice", language=language, link=Platform.TIKTOK)
    cancelled = Texts().get(language, "cancelled")
    nothing = Texts().get(language, "nothing-to-cancel")

    # The wait for a code's link, by command and by its button.
    await bot.say(alice, "/link youtube")
    assert (await bot.say(alice, "/cancel")).text == cancelled
    code = await bot.say(alice, "/link youtube")
    assert (await bot.press(alice, code, "cx")).text == cancelled
    assert (await bot.say(alice, "/cancel")).text == nothing

    # The wait for how many givers to pay for: a count pressed later is refused, nothing held.
    bot.world.link(member, Platform.YOUTUBE)
    bot.video(member, "Xk3mRv9TqLw")
    asked = await bot.say(alice, "https://youtu.be/Xk3mRv9TqLw")
    assert (await bot.press(alice, asked, "cx")).text == cancelled
    await bot.press(alice, asked, "sb:1")
    assert bot.world.balance(member) == 30

    # The wait for a pasted comment: the task stays open, its card keeps Done.
    owner, _ = await bot.member(community, "Olga", link=Platform.TIKTOK)
    bot.video(owner, "7702518329237083111", platform=Platform.TIKTOK)
    await bot.submit(bot.user_of(owner), "https://www.tiktok.com/@olga/video/7702518329237083111")
    card = await bot.say(alice, "/task")
    await bot.press(alice, card, "td:")
    assert (await bot.say(alice, "/cancel")).text == cancelled
    hint = await bot.say(alice, GOOD)  # no longer taken as the comment: its card is offered again
    assert "Done" in hint.text or "Hecho" in hint.text
    with bot.world.uow() as uow:
        (task,) = uow.tasks.list_for_giver(member.id, statuses=frozenset(TaskStatus))
    assert task.status is TaskStatus.ASSIGNED


async def test_a_video_link_after_linking_another_platform_is_a_request_for_feedback(
    bot: BotHarness, community: Community
) -> None:
    member, alice = await bot.member(community, "Alice")  # YouTube linked
    bot.video(member, "Xk3mRv9TqLw", title="Drone shots")
    await bot.say(alice, "/link tiktok")  # a TikTok code now waits

    asked = await bot.say(alice, "https://youtu.be/Xk3mRv9TqLw")

    assert "Drone shots" in asked.text
    assert "expired" not in asked.text


async def test_someone_elses_waiting_video_is_named_as_someone_elses(bot: BotHarness, community: Community) -> None:
    owner, olga = await bot.member(community, "Olga")
    bot.video(owner, "Xk3mRv9TqLw")
    await bot.submit(olga, "https://youtu.be/Xk3mRv9TqLw")
    _, bob = await bot.member(community, "Bob")

    refused = await bot.say(bob, "https://youtu.be/Xk3mRv9TqLw")

    assert "your own work" in refused.text
    assert "already waiting" not in refused.text


async def test_a_channel_page_sent_for_feedback_is_named_as_a_channel(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    refused = await bot.say(alice, "https://www.youtube.com/@alice")
    assert "That is a YouTube channel page" in refused.text
    assert "not publicly available" not in refused.text


async def test_a_refused_link_lists_only_the_communitys_platforms(bot: BotHarness) -> None:
    community = bot.world.community(allowed_platforms=frozenset({Platform.YOUTUBE}))
    _, alice = await bot.member(community, "Alice")
    refused = await bot.say(alice, "https://www.youtube.com/playlist?list=PL1234567890")
    assert "Send me a link to one YouTube video or Short." in refused.text
    assert "TikTok" not in refused.text
    assert "Instagram" not in refused.text


async def test_a_member_whose_comment_is_not_there_yet_hears_so_after_the_first_look(
    bot: BotHarness, community: Community
) -> None:
    owner, _ = await bot.member(community, "Olga")
    bot.video(owner, "Xk3mRv9TqLw", title="Night timelapse")
    await bot.submit(bot.user_of(owner), "https://youtu.be/Xk3mRv9TqLw", count=2)
    _, gus = await bot.member(community, "Gus", language="es")
    await bot.press(gus, await bot.say(gus, "/task"), "td:")
    submission_id = bot.queue.submission_ids[-1]

    await bot.verify(submission_id)
    told = bot.api.last(gus.id)
    await bot.verify(submission_id)  # a second look that finds nothing tells nothing new

    assert "Todavía no veo tu comentario" in told.text
    assert "seguiré buscando hasta" in told.text
    assert told.buttons
    assert bot.api.last(gus.id) is told


def test_every_text_that_ends_a_step_offers_one_in_both_languages() -> None:
    texts = Texts(strict=True)
    for language in SUPPORTED:
        for key, following in STEP_ENDS.items():
            assert texts.has(language, key), key
            assert steps.after(texts, language, key), key
            assert following, key
