"""Linking one's own channel with a one-time code, then asking for feedback on one's own work."""

from __future__ import annotations

import re

from tests.botapi import Call, TgUser, parse_html
from tests.e2e.bot.conftest import BotHarness
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform

VIDEO_ID = "Xk3mRv9TqLw"
VIDEO_URL = f"https://www.youtube.com/watch?v={VIDEO_ID}"


def code_in(text: str) -> str:
    found = re.search(r"TGX-[A-Z0-9]{6}", text)
    assert found, text
    return found.group()


async def test_a_member_links_their_youtube_channel_by_commenting_the_code(
    bot: BotHarness, community: Community
) -> None:
    member, alice = await bot.member(community, "Alice", link=None)
    choose = await bot.say(alice, "/link")
    assert "Which platform" in choose.text
    instructions = await bot.press(alice, choose, "lp:youtube")
    code = code_in(instructions.text)
    assert "comment on one of your own YouTube videos" in instructions.text
    bot.world.channel_of[member.id] = "UCalice"
    ref = bot.video(member, VIDEO_ID)
    bot.world.platform.comment(ref, author_channel_id="UCalice", text=f"verifying {code}", at=bot.world.now)

    linked = await bot.say(alice, VIDEO_URL)

    assert "Linked" in linked.text
    assert "name of UCalice" in linked.text
    with bot.world.uow() as uow:
        assert [c.channel_id for c in uow.channels.list_for_member(member.id)] == ["UCalice"]


async def test_the_code_posted_by_someone_else_proves_nothing(bot: BotHarness, community: Community) -> None:
    member, alice = await bot.member(community, "Alice", link=None)
    code = code_in((await bot.say(alice, "/link youtube")).text)
    # Alice tries to claim a stranger's video by commenting the code there herself.
    ref = bot.world.platform.publish(channel_id="UCstranger", content_id=VIDEO_ID)
    bot.world.platform.comment(ref, author_channel_id="UCalice", text=code, at=bot.world.now)

    refused = await bot.say(alice, f"/link {VIDEO_URL}")

    assert f"I did not find the code <code>{code}</code>" in refused.text
    with bot.world.uow() as uow:
        assert list(uow.channels.list_for_member(member.id)) == []


async def test_a_tiktok_channel_is_linked_from_the_code_in_a_caption_in_spanish(
    bot: BotHarness, community: Community
) -> None:
    _member, lucia = await bot.member(community, "Lucía", language="es", link=None)
    instructions = await bot.say(lucia, "/link tiktok")
    code = code_in(instructions.text)
    assert "texto de una de tus propias publicaciones de TikTok" in instructions.text
    bot.world.platform.publish(
        channel_id="tt-lucia", platform=Platform.TIKTOK, content_id="7702518329237083111", description=f"nuevo {code}"
    )
    linked = await bot.say(lucia, "https://www.tiktok.com/@lucia/video/7702518329237083111")
    assert "Canal vinculado" in linked.text


async def test_a_pasted_link_to_ones_own_video_is_submitted_with_credits_in_escrow(
    bot: BotHarness, community: Community
) -> None:
    member, alice = await bot.member(community, "Alice")
    bot.video(member, VIDEO_ID, title="Color grading tutorial")
    asked = await bot.say(alice, f"here is my new one: {VIDEO_URL} thanks!")
    assert "“Color grading tutorial”: how many members should give you feedback?" in parse_html(asked.text)[0]
    assert [b["text"] for b in asked.buttons] == ["1 · 10 cr", "2 · 20 cr", "3 · 30 cr", "Cancel"]
    assert bot.world.balance(member) == 30  # nothing is held before the member chooses
    reply = await bot.press(alice, asked, "sb:3")
    assert "Submitted “Color grading tutorial”" in reply.text
    assert "3 members will be asked" in reply.text
    assert "<b>30</b> credits are held" in reply.text
    assert bot.world.balance(member) == 0


async def test_submit_takes_how_many_pieces_of_feedback_are_wanted(bot: BotHarness, community: Community) -> None:
    member, alice = await bot.member(community, "Alice", language="es")
    bot.video(member, VIDEO_ID)
    reply = await bot.say(alice, f"/submit {VIDEO_URL} 1")
    assert "Se pedirá su opinión a una persona" in reply.text
    assert bot.world.balance(member) == 20


async def test_a_count_in_unicode_digits_is_not_a_crash(bot: BotHarness, community: Community) -> None:
    member, alice = await bot.member(community, "Alice")
    bot.video(member, VIDEO_ID)

    reply = await bot.say(alice, f"/submit {VIDEO_URL} ²")  # a digit to str.isdigit, not to int()

    assert "something went wrong" not in reply.text
    assert "how many members" in reply.text  # read as a link with a stray character: the member chooses


async def test_someone_elses_video_is_refused(bot: BotHarness, community: Community) -> None:
    member, alice = await bot.member(community, "Alice")
    bot.world.platform.publish(channel_id="UCsomeone-famous", content_id=VIDEO_ID)
    reply = await bot.say(alice, f"/submit {VIDEO_URL}")
    assert "You can only ask for feedback on your own work" in reply.text
    assert bot.world.balance(member) == 30


async def test_a_malformed_link_says_what_is_wrong_in_both_languages(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    _, lucia = await bot.member(community, "Lucía", language="es")
    playlist = "https://www.youtube.com/playlist?list=PL1234567890"
    assert "That is a playlist, not one video." in (await bot.say(alice, playlist)).text
    assert "Es una lista de reproducción" in (await bot.say(lucia, playlist)).text
    assert (
        "only looks like YouTube" in (await bot.say(alice, "/submit https://youtube.com.evil.example/watch?v=x")).text
    )
    assert "TikTok short link" in (await bot.say(alice, "https://vm.tiktok.com/ZMabc123/")).text


async def test_submitting_without_a_linked_channel_asks_for_link_first(bot: BotHarness, community: Community) -> None:
    _member, alice = await bot.member(community, "Alice", link=None)
    reply = await bot.say(alice, VIDEO_URL)
    assert "Link your YouTube channel first." in reply.text
    assert reply.button("go:link")["text"] == "Link my channel"


async def test_mysubmissions_shows_progress_and_withdrawing_refunds(bot: BotHarness, community: Community) -> None:
    member, alice = await bot.member(community, "Alice")
    bot.video(member, VIDEO_ID, title="Drone shots")
    await bot.submit(alice, VIDEO_URL, count=3)
    listing = await bot.say(alice, "/mysubmissions")
    assert "Drone shots" in listing.text
    assert "0/3 feedback" in listing.text
    confirm = await bot.press(alice, listing, "sw:")
    assert "Withdraw “Drone shots”?" in confirm.text
    kept = await bot.press(alice, confirm, "sk:")
    assert "Kept" in kept.text
    assert bot.world.balance(member) == 0

    withdrawn = await bot.press(alice, confirm, "sy:")
    assert "<b>30</b> credits are back" in withdrawn.text
    assert bot.world.balance(member) == 30


async def test_nobody_can_withdraw_someone_elses_submission(bot: BotHarness, community: Community) -> None:
    owner, alice = await bot.member(community, "Alice")
    _, bob = await bot.member(community, "Bob")
    bot.video(owner, VIDEO_ID)
    await bot.submit(alice, VIDEO_URL, count=3)
    listing = await bot.say(alice, "/mysubmissions")
    # A forged button in Bob's own chat, carrying Alice's submission id.
    forged = Call("sendMessage", {**listing.params, "chat_id": bob.id})
    data = listing.button("sw:")["callback_data"].replace("sw:", "sy:")
    await bot.feed(bot.updates.press(bob, forged, data))
    assert "not yours" in bot.api.last(bob.id).text
    assert bot.world.balance(owner) == 0


async def test_a_non_member_is_told_to_join_first(bot: BotHarness) -> None:
    reply = await bot.say(TgUser(1999, "Stranger"), VIDEO_URL)
    assert "Join a community first" in reply.text


async def test_balance_me_and_leaderboard(bot: BotHarness, community: Community) -> None:
    _member, alice = await bot.member(community, "Alice")
    assert "You have <b>30</b> credits" in (await bot.say(alice, "/balance")).text
    me = await bot.say(alice, "/me")
    assert "Reliability: new" in me.text
    assert "Health: <b>new</b>" in me.text  # nothing decided yet: no score that reads like a mark
    assert "name of UC" in me.text
    assert "Nobody has given verified feedback yet" in (await bot.say(alice, "/leaderboard")).text


async def test_a_count_pressed_in_a_process_that_did_not_ask_submits_the_video_in_the_question(
    bot: BotHarness, community: Community
) -> None:
    # Behind several webhook processes the press may reach one that never saw the question: the
    # link in the question says what to submit.
    member, alice = await bot.member(community, "Alice")
    bot.video(member, VIDEO_ID, title="Color grading tutorial")
    asked = await bot.say(alice, VIDEO_URL)
    bot.app.drop_user_data(alice.id)
    done = await bot.press(alice, asked, "sb:2")
    assert "Submitted" in done.text
    assert bot.world.balance(member) == 10


async def test_a_count_pressed_after_cancel_is_refused_even_with_the_link_in_the_question(
    bot: BotHarness, community: Community
) -> None:
    member, alice = await bot.member(community, "Alice")
    bot.video(member, VIDEO_ID, title="Color grading tutorial")
    asked = await bot.say(alice, VIDEO_URL)
    await bot.say(alice, "/cancel")
    refused = await bot.press(alice, asked, "sb:2")
    assert "expired" in refused.text
    assert bot.world.balance(member) == 30
