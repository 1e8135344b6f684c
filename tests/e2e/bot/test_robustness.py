"""Redelivered updates, floods, huge and hostile texts, edits, channel posts and crashes."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import AIORateLimiter

from tests.botapi import BotApi, TgUser
from tests.e2e.bot.conftest import BotHarness, ManualClock, build_harness_app, container_for
from tests.fakes import RecordingQueue
from tests.world import World
from tgexchange.bot.app import start_bot
from tgexchange.bot.flood import FloodGate
from tgexchange.domain.community import Community

VIDEO = "https://youtu.be/Xk3mRv9TqLw"


async def test_a_redelivered_update_has_no_second_effect(bot: BotHarness, community: Community) -> None:
    member, alice = await bot.member(community, "Alice")
    bot.video(member, "Xk3mRv9TqLw")
    asked = await bot.say(alice, VIDEO)
    update = bot.updates.press(alice, asked, "sb:1")
    await bot.feed(update)
    calls = len(bot.api.calls)
    await bot.feed(update)
    assert len(bot.api.calls) == calls
    with bot.world.uow() as uow:
        assert len(uow.submissions.list_for_owner(member.id)) == 1


async def test_a_redelivered_update_has_no_effect_after_a_restart(
    world: World, tmp_path: Path, community: Community
) -> None:
    user = TgUser(1001, "Alice")
    api = BotApi()
    api.statuses[(community.telegram_chat_id, user.id)] = "member"
    first = build_harness_app(container_for(world, tmp_path), api, RecordingQueue())
    async with first:
        harness = BotHarness(first, api, world, first.bot_data["tgexchange"].container, RecordingQueue())
        join = harness.updates.private(user, f"/start {harness.payload(community)}")
        await harness.feed(join)
    welcomes = len(api.sent(user.id))
    assert welcomes == 1

    second = build_harness_app(container_for(world, tmp_path), api, RecordingQueue())
    async with second:
        await second.process_update(Update.de_json(join, second.bot))
    assert len(api.sent(user.id)) == welcomes
    with world.uow() as uow:
        assert len(uow.members.list_for_user(user.id)) == 1


async def test_a_flood_gets_one_friendly_note_then_silence(world: World, tmp_path: Path) -> None:
    clock = ManualClock()
    api = BotApi()
    app = build_harness_app(
        container_for(world, tmp_path), api, RecordingQueue(), flood=FloodGate(burst=3, refill_per_s=0.5, clock=clock)
    )
    spammer = TgUser(1066, "Spammer", language_code="es")
    async with app:
        harness = BotHarness(app, api, world, app.bot_data["tgexchange"].container, RecordingQueue())
        for _ in range(10):
            await harness.feed(harness.updates.private(spammer, "hola"))
        texts = api.texts(spammer.id)
        assert len(texts) == 4  # three answers, one note, then nothing
        assert "Despacio" in texts[3]
        assert "Dame 2 segundos" in texts[3]
        clock.now += 2.0
        await harness.feed(harness.updates.private(spammer, "hola"))
        assert len(api.texts(spammer.id)) == 5


async def test_a_ten_thousand_character_message_is_refused_politely(bot: BotHarness, community: Community) -> None:
    member, alice = await bot.member(community, "Alice")
    bot.video(member, "Xk3mRv9TqLw")
    message = VIDEO + " " + "a" * (10_000 - len(VIDEO) - 1)
    assert len(message) == 10_000
    reply = await bot.say(alice, message)
    assert "That message is 10,000 characters long; I read up to 4,000" in reply.text
    with bot.world.uow() as uow:
        assert list(uow.submissions.list_for_owner(member.id)) == []


async def test_hostile_html_in_names_and_texts_is_shown_not_obeyed(bot: BotHarness, community: Community) -> None:
    hostile = TgUser(1666, '<a href="https://evil.example">Click</a> & <b>', language_code="en")
    welcome = await bot.join(hostile, community)
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;Click&lt;/a&gt; &amp; &lt;b&gt;" in welcome.text
    assert 'href="https://evil.example"' not in welcome.text
    # What Telegram would show: the name as typed, and no link entity.
    assert '<a href="https://evil.example">Click</a> & <b>' in welcome.result["text"]
    assert all(e["type"] != "text_link" for e in welcome.result.get("entities", []))

    member = bot.find_member(community, hostile)
    bot.world.link(member)
    bot.world.platform.publish(
        channel_id=bot.world.channel_of[member.id], content_id="Xk3mRv9TqLw", title="</b><i>pwn</i> & co"
    )
    submitted = await bot.say(hostile, VIDEO)
    assert "&lt;/b&gt;&lt;i&gt;pwn&lt;/i&gt; &amp; co" in submitted.text


async def test_edited_messages_are_never_acted_on(bot: BotHarness, community: Community) -> None:
    member, alice = await bot.member(community, "Alice")
    bot.video(member, "Xk3mRv9TqLw")
    bot.api.clear()
    await bot.feed(bot.updates.edited(alice, VIDEO))
    await bot.feed(bot.updates.edited(alice, "/task"))
    assert bot.api.calls == []
    with bot.world.uow() as uow:
        assert list(uow.submissions.list_for_owner(member.id)) == []


async def test_channel_posts_and_group_chatter_are_ignored_without_a_trace(
    bot: BotHarness, community: Community
) -> None:
    bot.api.clear()
    await bot.feed(bot.updates.channel_post(-1002000, "/start"))
    await bot.feed(bot.updates.group(community.telegram_chat_id, TgUser(1001, "Alice"), "great video everyone!"))
    await bot.feed(bot.updates.group(community.telegram_chat_id, TgUser(1001, "Alice"), VIDEO))
    assert bot.api.calls == []
    assert bot.container.update_log.count() == 0  # not even recorded


async def test_a_crashing_handler_apologises_logs_and_loses_nothing(
    bot: BotHarness, community: Community, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _member, alice = await bot.member(community, "Alice")
    before = bot.world.snapshot()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("tgexchange.services.stats.member_standing", broken)
    reply = await bot.say(alice, "/balance")
    assert "Sorry, something went wrong on my side" in reply.text
    logged = capsys.readouterr().out
    assert "handler_failed" in logged
    assert "disk on fire" in logged
    assert f"user_id={alice.id}" in logged
    after = bot.world.snapshot()
    after.pop("bot_updates")
    before.pop("bot_updates")
    assert after == before


async def test_a_stale_or_unknown_button_gets_a_short_answer(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice")
    reply = await bot.say(alice, "/help")
    await bot.feed(bot.updates.press(alice, reply, "zz:1"))
    toast = bot.api.sent(method="answerCallbackQuery")[-1]
    assert toast.params["text"] == "That button has expired."


async def test_plain_text_without_a_link_gets_a_hint(bot: BotHarness, community: Community) -> None:
    _, alice = await bot.member(community, "Alice", language="es")
    hint = await bot.say(alice, "hola, ¿qué tal?")
    assert "Envíame el enlace de un video tuyo" in hint.text
    assert [b["text"] for b in hint.buttons] == ["Pedir opiniones", "Recibir una tarea", "Cómo funciona"]


async def test_a_completed_submission_gets_one_short_note_in_the_group(bot: BotHarness, community: Community) -> None:
    owner, olga = await bot.member(community, "Olga")
    bot.video(owner, "Xk3mRv9TqLw", title="Final cut")
    await bot.say(olga, f"/submit {VIDEO} 1")
    giver, gus = await bot.member(community, "Gus")
    card = await bot.say(gus, "/task")
    await bot.press(gus, card, "td:")
    submission_id = bot.queue.submission_ids[-1]
    with bot.world.uow() as uow:
        submission = uow.submissions.find(submission_id)
    assert submission is not None
    bot.world.comment(
        giver, submission, "The pacing in the middle drags a little but the ending shot is beautiful and earned."
    )
    await bot.verify(submission_id)
    notes = bot.api.sent(community.telegram_chat_id)
    assert len(notes) == 1
    assert "Olga's “Final cut” got all the feedback it asked for" in notes[0].text
    assert "got all the feedback you asked for" in bot.api.last(olga.id).text


async def test_a_member_who_blocked_the_bot_does_not_break_verification(bot: BotHarness, community: Community) -> None:
    owner, olga = await bot.member(community, "Olga")
    bot.video(owner, "Xk3mRv9TqLw")
    await bot.submit(olga, VIDEO)
    giver, gus = await bot.member(community, "Gus")
    card = await bot.say(gus, "/task")
    await bot.press(gus, card, "td:")
    submission_id = bot.queue.submission_ids[-1]
    with bot.world.uow() as uow:
        submission = uow.submissions.find(submission_id)
    assert submission is not None
    bot.world.comment(
        giver, submission, "The pacing in the middle drags a little but the ending shot is beautiful and earned."
    )
    bot.api.fail["sendMessage"] = (403, "Forbidden: bot was blocked by the user")
    run = await bot.verify(submission_id)
    assert run.verified == 1
    assert bot.world.balance(giver) == 40


def test_outbound_messages_go_through_the_rate_limiter_by_default(world: World, tmp_path: Path) -> None:
    from tgexchange.bot.app import build_application

    app = build_application(
        container_for(world, tmp_path), token="1:x", queue=RecordingQueue(), request=BotApi(), polling=False
    )
    assert isinstance(app.bot.rate_limiter, AIORateLimiter)
    assert app.updater is None


async def test_start_bot_is_safe_to_call_on_a_fresh_application(world: World, tmp_path: Path) -> None:
    api = BotApi()
    app = build_harness_app(container_for(world, tmp_path), api, RecordingQueue())
    async with app:
        await start_bot(app)
    assert api.methods().count("setMyCommands") == 6


FORGED_IDS = ["0", "²", "٣", "-5", "12345678901234567890123", "9223372036854775808", "", "abc"]


@pytest.mark.parametrize("action", ["td", "ts", "sw", "sy", "sk", "or", "dp", "ar"])
async def test_forged_button_data_gets_a_friendly_refusal_never_a_crash(
    bot: BotHarness, community: Community, action: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, alice = await bot.member(community, "Alice")
    reply = await bot.say(alice, "/help")
    before = bot.world.snapshot()
    for forged in FORGED_IDS:
        bot.api.clear()
        await bot.feed(bot.updates.press(alice, reply, f"{action}:{forged}:1"))
        sent = bot.api.sent(alice.id)
        assert sent, f"{action}:{forged} got no answer"
        assert "could not find" in sent[-1].text, sent[-1].text
        assert "went wrong" not in sent[-1].text
    assert "handler_failed" not in capsys.readouterr().out
    after = bot.world.snapshot()
    after.pop("bot_updates")
    before.pop("bot_updates")
    assert after == before


@pytest.mark.parametrize("forged", ["²", "12345678901234567890123", "0"])
async def test_an_admin_command_with_an_impossible_user_id_is_explained(
    bot: BotHarness, community: Community, forged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = TgUser(4000, "Ada")
    bot.api.statuses[(community.telegram_chat_id, admin.id)] = "administrator"
    await bot.feed(bot.updates.group(community.telegram_chat_id, admin, f"/exchange_warn {forged} spam"))
    answer = bot.api.last(community.telegram_chat_id).text
    assert "went wrong" not in answer
    assert "/exchange_warn" in answer  # the usage: who to warn, and how
    assert "handler_failed" not in capsys.readouterr().out


async def test_a_forged_settings_or_community_button_does_nothing(bot: BotHarness, community: Community) -> None:
    admin = TgUser(4000, "Ada")
    bot.api.statuses[(community.telegram_chat_id, admin.id)] = "administrator"
    await bot.join(admin, community, status="administrator")
    menu = await bot.say(admin, "/exchange_settings")
    before = bot.world.snapshot()
    for forged in FORGED_IDS:
        await bot.feed(bot.updates.press(admin, menu, f"st:{forged}:c:welcome_credits:+"))
        await bot.feed(bot.updates.press(admin, menu, f"am:{forged}:r"))
        await bot.feed(bot.updates.press(admin, menu, f"cm:{forged}"))
    after = bot.world.snapshot()
    after.pop("bot_updates")
    before.pop("bot_updates")
    assert after == before
    assert not any("went wrong" in call.text for call in bot.api.sent())


async def test_storage_down_at_the_redelivery_guard_means_one_apology_and_nothing_else(
    bot: BotHarness, community: Community, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, alice = await bot.member(community, "Alice")
    bot.api.clear()

    def down(*_args: object, **_kwargs: object) -> bool:
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(bot.container.update_log, "claim", down)
    await bot.feed(bot.updates.private(alice, "/balance"))

    texts = bot.api.texts(alice.id)
    assert len(texts) == 1
    assert "Sorry, something went wrong on my side" in texts[0]
    logged = capsys.readouterr().out
    assert "update_claim_failed" in logged
    assert "handler_failed" not in logged  # no later handler ran
