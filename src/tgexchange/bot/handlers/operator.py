"""The operator's commands, in the private chat, for Telegram users listed in
OPERATOR_TELEGRAM_IDS only: /operator_status, /operator_pause_all <reason>,
/operator_resume_all, /operator_pause <community> <reason>, /operator_resume <community> (their own names:
the admins' /exchange_pause and /exchange_resume act on the admin's own community).
Namespaced so they never clash with commands other bots in a group answer; not in the menus."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from tgexchange.bot import directory
from tgexchange.bot.commands import parse_id
from tgexchange.bot.operations import duration
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import reply
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.services import operations

COMMANDS = ("operator_status", "operator_pause_all", "operator_resume_all", "operator_pause", "operator_resume")


def handlers(private: filters.BaseFilter) -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler(list(COMMANDS), operator_command, filters=private)]


@refusals
async def operator_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    user, message = update.effective_user, update.message
    if user is None or message is None or not message.text:
        return
    memberships = await rt.all_memberships(user.id)
    lang = rt.language(user, memberships[-1][0] if memberships else None, context)
    if user.id not in rt.container.settings.operators:
        await reply(update, context, rt.texts.get(lang, "operator-only"))
        return
    command = message.text.split()[0].lstrip("/").split("@")[0]
    args = list(context.args or [])
    by = f"telegram:{user.id}"
    if command == "operator_status":
        text = await rt.run(_status_text, rt, lang)
    elif command == "operator_pause_all":
        if not args:
            await reply(update, context, rt.texts.get(lang, "operator-usage-pause-all"))
            return
        reason = " ".join(args)
        paused = await rt.run(operations.pause_exchange, rt.uow(), reason=reason, by=by, now=rt.now())
        await rt.deliver(rt.uow())
        text = rt.texts.get(lang, "operator-paused-all", reason=reason, cancelled=paused.cancelled)
    elif command == "operator_resume_all":
        resumed = await rt.run(operations.resume_exchange, rt.uow(), by=by, now=rt.now())
        held = int(resumed.held_for.total_seconds()) if resumed.held_for else 0
        text = rt.texts.get(lang, "operator-resumed-all", lasted=duration(rt.texts, lang, held))
    else:
        community_id = parse_id(args[0]) if args else None
        if community_id is None or (command == "operator_pause" and len(args) < 2):
            await reply(update, context, rt.texts.get(lang, "operator-usage-community"))
            return
        reason = " ".join(args[1:])
        found = await rt.run(directory.community, rt.uow(), community_id)
        title = found.title if found else f"#{community_id}"
        if command == "operator_pause":
            await rt.run(operations.pause_one, rt.uow, community_id=community_id, reason=reason, by=by, now=rt.now())
            text = rt.texts.get(lang, "operator-paused-one", community=title, reason=reason)
        else:
            await rt.run(operations.resume_one, rt.uow, community_id=community_id, by=by, now=rt.now())
            text = rt.texts.get(lang, "operator-resumed-one", community=title)
    await reply(update, context, text)


def _status_text(rt_: Runtime, lang: str) -> str:
    found = operations.status(rt_.uow(), now=rt_.now())
    pause = found.pause
    lines = [
        rt_.texts.get(
            lang,
            "operator-status",
            paused="yes" if pause else "no",
            since=rt_.texts.when(lang, pause.since) if pause else "",
            by=pause.by if pause else "",
            reason=pause.reason if pause else "",
            communities=len(found.communities),
            communities_paused=sum(1 for c in found.communities if c.paused),
            anomalies=len(found.anomalies),
            workers=len(found.workers),
        )
    ]
    lines.extend(
        rt_.texts.get(
            lang,
            "operator-status-anomaly",
            what=rt_.texts.label(lang, f"anomaly-kind-{a.kind.value}"),
            where=a.affects,
            severity=f"{a.severity:.2f}",
        )
        for a in found.anomalies[:10]
    )
    return "\n".join(lines)
