"""A YouTube comment not found by the deadline may be held for the owner's review: before it is
rejected, the owner is asked in private, in their language, with yes/no buttons; "yes" verifies and
pays (audited as owner-confirmed), "no" rejects it as not found. English and Spanish."""

from __future__ import annotations

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
from tgexchange.domain.task import TaskStatus

VIDEO_ID = "Xk3mRv9TqLw"


async def done_without_a_public_comment(
    bot: BotHarness, community: Community, *, language: str
) -> tuple[TgUser, Member, TgUser]:
    """Olga submits a video; Gus says done but no comment of his shows; the deadline passes."""
    owner, olga = await bot.member(community, "Olga", language=language)
    bot.video(owner, VIDEO_ID, title="Night timelapse")
    await bot.submit(olga, f"https://youtu.be/{VIDEO_ID}")
    giver, gus = await bot.member(community, "Gus", language=language)
    card = await bot.say(gus, "/task")
    await bot.press(gus, card, "td:")
    bot.world.clock.advance(hours=55)  # past the task's deadline and the grace after "done"
    run = await bot.verify(bot.queue.submission_ids[-1])
    assert (run.rejected, run.waiting) == (0, 1)
    return olga, giver, gus


def task_of(bot: BotHarness, giver: Member):  # type: ignore[no-untyped-def]
    with bot.world.uow() as uow:
        (task,) = uow.tasks.list_for_giver(giver.id, statuses=frozenset(TaskStatus))
        return task


async def test_the_owner_is_asked_about_held_comments_and_their_yes_verifies(
    bot: BotHarness, community: Community
) -> None:
    olga, giver, gus = await done_without_a_public_comment(bot, community, language="en")

    question = bot.api.last(olga.id)
    assert "Gus says they commented on your “Night timelapse”" in question.text
    assert "YouTube Studio → Comments → Held for review" in question.text
    assert "No answer by" in question.text
    assert [b["text"] for b in question.buttons] == ["Open ▶️", "Yes, it's held ✅", "Not there ❌"]
    assert task_of(bot, giver).status is TaskStatus.VERIFYING

    await bot.press(olga, question, "Yes, it's held")
    card = bot.api.sent(olga.id, method="editMessageText")[-1]
    assert "Confirmed" in card.text
    assert "was verified: <b>+10</b> credits" in bot.api.last(gus.id).text
    assert bot.world.balance(giver) == 40
    with bot.world.uow() as uow:
        (entry,) = [e for e in uow.audit.recent(community.id, limit=10) if e.action is AuditAction.OWNER_CONFIRMED]
    assert (entry.actor_member_id, entry.target_member_id) == (task_of(bot, giver).owner_id, giver.id)


async def test_la_duena_no_ve_el_comentario_retenido_y_cuenta_como_no_encontrado(
    bot: BotHarness, community: Community
) -> None:
    olga, giver, gus = await done_without_a_public_comment(bot, community, language="es")

    question = bot.api.last(olga.id)
    assert "Gus dice que comentó en tu «Night timelapse»" in question.text
    assert "YouTube Studio → Comentarios → Retenidos para revisión" in question.text
    assert [b["text"] for b in question.buttons] == ["Abrir ▶️", "Sí, está retenido ✅", "No está ❌"]

    await bot.press(olga, question, "No está")
    card = bot.api.sent(olga.id, method="editMessageText")[-1]
    assert "el comentario de Gus cuenta como no encontrado" in card.text
    assert [b["text"] for b in card.buttons][-2:] == ["Recibir una tarea", "Mis envíos"]
    told = bot.api.last(gus.id)
    assert "no fue aceptada" in told.text
    assert "no encontré tu comentario" in told.text
    stored = task_of(bot, giver)
    assert (stored.status, stored.reason) == (TaskStatus.REJECTED, "not_found")
    assert bot.world.balance(giver) == 30


async def test_only_the_owner_can_answer_the_held_question(bot: BotHarness, community: Community) -> None:
    olga, giver, gus = await done_without_a_public_comment(bot, community, language="en")
    question = bot.api.last(olga.id)
    await bot.press(gus, question, "Yes, it's held")
    assert task_of(bot, giver).status is TaskStatus.VERIFYING
    assert bot.world.balance(giver) == 30
