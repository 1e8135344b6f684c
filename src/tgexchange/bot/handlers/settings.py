"""The community's settings, in the admin's private chat: a menu of sections (credits, tasks,
submissions, platforms, the group's language, matching), each showing its settings with a one-line hint and
buttons that change them, [⬅ Back] and [✖ Close]. Every button does something.

Callback data: ``st:<community>`` (the sections), ``st:<community>:s:<section>``, and the changes
``st:<community>:c:<setting>:<+|->``, ``st:<community>:p:<platform>``, ``st:<community>:l:<language>``,
``st:<community>:m`` (matching by who gives back, on or off), ``st:<community>:r:<on|off|+|->`` (the
daily report's hour), ``st:<community>:b`` (credit by substance, on or off), ``st:<community>:q`` (the
relevance check, on or off; in the tasks section).
Each press asks Telegram again whether the presser is still an admin of that community's group.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Chat, Update

from tgexchange.bot import directory
from tgexchange.bot.admin_gate import admin_of_button
from tgexchange.bot.keyboards import ADMIN_MENU, SETTINGS, Button, back_and_close, callback, parse_callback
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import Answer, answer, edit
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.bot.texts import SUPPORTED, plain
from tgexchange.domain.community import Community, CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import DomainError, InvalidSettings
from tgexchange.domain.matching import HOLD
from tgexchange.domain.member import Member
from tgexchange.domain.penalty import LADDER_PRESETS, PenaltyKind
from tgexchange.services import community as community_service

AUTO_LANGUAGE = "auto"  # group posts in the language of whoever's action it is
SECTION, CHANGE, PLATFORM, LANGUAGE, MATCHING, REPORT = "s", "c", "p", "l", "m", "r"
SUBSTANCE, LADDER, RELEVANCE = "b", "f", "q"
# The numeric settings of each section, in the order shown; platforms and the group's language
# have their own sections.
SECTIONS: dict[str, tuple[str, ...]] = {
    "credits": ("credits_per_feedback", "welcome_credits"),
    "tasks": ("max_open_tasks_per_member", "task_deadline", "min_words"),
    "submissions": ("max_feedback_per_submission", "default_feedback_per_submission"),
    "platforms": (),
    "language": (),
    "matching": (),
    "reports": (),
    "fairplay": ("penalty_cooldown_hours", "warning_expiry_days", "health_threshold_pct", "admission_cap_per_day"),
}
# How far one tap moves each numeric setting.
STEPS: dict[str, int] = {
    "credits_per_feedback": 1,
    "welcome_credits": 10,
    "max_open_tasks_per_member": 1,
    "task_deadline": 6,  # hours
    "min_words": 1,
    "max_feedback_per_submission": 1,
    "default_feedback_per_submission": 1,
    "penalty_cooldown_hours": 6,
    "warning_expiry_days": 5,
    "health_threshold_pct": 5,
    "admission_cap_per_day": 10,
}


def _value(settings: CommunitySettings, name: str) -> int:
    if name == "task_deadline":
        return int(settings.task_deadline.total_seconds() // 3600)
    value: int = getattr(settings, name)
    return value


def _section_of(name: str) -> str:
    return next((section for section, names in SECTIONS.items() if name in names), "")


def settings_main(rt: Runtime, lang: str, community: Community) -> Answer:
    """The sections; [⬅ Back] leads to the admin menu."""
    cid = community.id

    def to(section: str) -> Button:
        return Button(
            rt.texts.label(lang, f"settings-section-{section}"), callback_data=callback(SETTINGS, cid, SECTION, section)
        )

    keyboard = (
        (to("credits"), to("tasks")),
        (to("submissions"), to("platforms")),
        (to("language"), to("matching")),
        (to("reports"), to("fairplay")),
        back_and_close(rt.texts, lang, back=callback(ADMIN_MENU, cid), community_id=cid),
    )
    return rt.texts.get(lang, "settings-title", community=community.title), keyboard


def section_view(rt: Runtime, lang: str, community: Community, section: str) -> Answer:
    """One section: a line per setting with its value and what it means, and its buttons."""
    settings, cid = community.settings, community.id
    title = rt.texts.get(
        lang,
        "settings-section-title",
        community=community.title,
        section=rt.texts.label(lang, f"settings-section-{section}"),
    )
    lines = [title]
    rows: list[tuple[Button, ...]] = []
    if section == "fairplay":  # the ladder first: one tap moves to the next shape (LADDER_PRESETS)
        lines.append(rt.texts.get(lang, "settings-line-penalty_ladder", value=ladder_words(rt, lang, settings)))
        label = rt.texts.label(lang, "settings-button-penalty_ladder")
        rows.append((Button(label, callback_data=callback(SETTINGS, cid, LADDER)),))
    for name in SECTIONS[section]:
        lines.append(rt.texts.get(lang, f"settings-line-{name}", value=_value(settings, name)))
        label = rt.texts.label(lang, f"settings-button-{name}")
        rows.append(
            (
                Button(f"➖ {label}", callback_data=callback(SETTINGS, cid, CHANGE, name, "-")),
                Button(f"➕ {label}", callback_data=callback(SETTINGS, cid, CHANGE, name, "+")),
            )
        )
    if section == "credits":
        on = settings.credit_by_substance
        lines.append(rt.texts.get(lang, "settings-line-credit_by_substance", on="yes" if on else "no"))
        label = rt.texts.label(lang, "settings-button-credit_by_substance", on="no" if on else "yes")
        rows.append((Button(label, callback_data=callback(SETTINGS, cid, SUBSTANCE)),))
    if section == "tasks":
        on = settings.check_relevance
        lines.append(rt.texts.get(lang, "settings-line-check_relevance", on="yes" if on else "no"))
        label = rt.texts.label(lang, "settings-button-check_relevance", on="no" if on else "yes")
        rows.append((Button(label, callback_data=callback(SETTINGS, cid, RELEVANCE)),))
    if section == "platforms":
        lines.append(rt.texts.get(lang, "settings-platforms"))
        rows.append(
            tuple(
                Button(
                    ("✅ " if p in settings.allowed_platforms else "⬜ ") + p.label,
                    callback_data=callback(SETTINGS, cid, PLATFORM, p.value),
                )
                for p in Platform
            )
        )
    if section == "language":
        chosen = settings.group_language or AUTO_LANGUAGE
        shown = rt.texts.label(lang, f"settings-group-language-{chosen}")
        lines.append(rt.texts.get(lang, "settings-group-language", value=shown))
        rows.append(_language_button(rt, lang, cid, AUTO_LANGUAGE, chosen))
        rows.append(tuple(b for code in SUPPORTED for b in _language_button(rt, lang, cid, code, chosen)))
    if section == "matching":
        on = settings.match_by_reciprocity
        hold_h = round(HOLD.total_seconds() / 3600)
        lines.append(rt.texts.get(lang, "settings-line-match_by_reciprocity", on="yes" if on else "no", hours=hold_h))
        label = rt.texts.label(lang, "settings-button-match_by_reciprocity", on="no" if on else "yes")
        rows.append((Button(label, callback_data=callback(SETTINGS, cid, MATCHING)),))
    if section == "reports":
        hour = settings.daily_report_hour
        lines.append(
            rt.texts.get(lang, "settings-line-daily_report_hour", hour="off" if hour is None else f"{hour:02d}:00")
        )
        report = (
            (
                Button(
                    rt.texts.label(lang, "settings-button-report-on"),
                    callback_data=callback(SETTINGS, cid, REPORT, "on"),
                ),
            )
            if hour is None
            else (
                Button("➖ 1 h", callback_data=callback(SETTINGS, cid, REPORT, "-")),
                Button("➕ 1 h", callback_data=callback(SETTINGS, cid, REPORT, "+")),
                Button(
                    rt.texts.label(lang, "settings-button-report-off"),
                    callback_data=callback(SETTINGS, cid, REPORT, "off"),
                ),
            )
        )
        rows.append(report)
    rows.append(back_and_close(rt.texts, lang, back=callback(SETTINGS, cid), community_id=cid))
    return "\n".join(lines), tuple(rows)


def _language_button(rt: Runtime, lang: str, cid: int, code: str, chosen: str) -> tuple[Button]:
    label = rt.texts.label(lang, f"settings-group-language-{code}")
    if code == AUTO_LANGUAGE:
        label = label[:1].upper() + label[1:]
    return (Button(("✅ " if code == chosen else "") + label, callback_data=callback(SETTINGS, cid, LANGUAGE, code)),)


def ladder_words(rt: Runtime, lang: str, settings: CommunitySettings) -> str:
    return " → ".join(rt.texts.label(lang, "penalty-kind", kind=step.value) for step in settings.penalty_ladder)


def _next_ladder(settings: CommunitySettings) -> tuple[PenaltyKind, ...]:
    shapes = list(LADDER_PRESETS)
    at = shapes.index(settings.penalty_ladder) if settings.penalty_ladder in shapes else -1
    return shapes[(at + 1) % len(shapes)]


def _change(settings: CommunitySettings, op: str, args: list[str]) -> tuple[str, dict[str, object]] | None:
    """(the section to show, the changes), or None for anything this menu does not offer."""
    if op == LANGUAGE and args and (args[0] == AUTO_LANGUAGE or args[0] in SUPPORTED):
        return "language", {"group_language": None if args[0] == AUTO_LANGUAGE else args[0]}
    if op in {MATCHING, REPORT, SUBSTANCE, LADDER, RELEVANCE}:
        return _switch(settings, op, args)
    if op == PLATFORM and args and args[0] in {p.value for p in Platform}:
        return "platforms", {"allowed_platforms": settings.allowed_platforms ^ {Platform(args[0])}}
    if op != CHANGE or len(args) != 2 or args[0] not in STEPS or args[1] not in {"+", "-"}:
        return None
    name, how = args
    step = STEPS[name] if how == "+" else -STEPS[name]
    if name == "task_deadline":
        return "tasks", {name: settings.task_deadline + timedelta(hours=step)}
    return _section_of(name), {name: _value(settings, name) + step}


def _switch(settings: CommunitySettings, op: str, args: list[str]) -> tuple[str, dict[str, object]] | None:
    """Matching by who gives back, credit by substance and the relevance check (on or off), the
    penalty ladder (the next one), and the daily report's hour (on, off, an hour later or earlier)."""
    if op == SUBSTANCE:
        return "credits", {"credit_by_substance": not settings.credit_by_substance}
    if op == MATCHING:
        return "matching", {"match_by_reciprocity": not settings.match_by_reciprocity}
    if op == LADDER:
        return "fairplay", {"penalty_ladder": _next_ladder(settings)}
    if op == RELEVANCE:
        return "tasks", {"check_relevance": not settings.check_relevance}
    if not args or args[0] not in {"on", "off", "+", "-"}:
        return None
    hour = settings.daily_report_hour
    shift = {"+": 1, "-": -1}.get(args[0], 0)
    chosen = None if args[0] == "off" else (9 if hour is None else (hour + shift) % 24)
    return "reports", {"daily_report_hour": chosen}


def _limit(rt: Runtime, lang: str, settings: CommunitySettings, args: list[str]) -> str:
    """Why a change was refused, in the admin's words (the domain's reason is for logs)."""
    if len(args) == 2 and args[0] in STEPS:
        value = _value(settings, args[0])
        shown = f"{value} h" if args[0] == "task_deadline" else value
        return rt.texts.label(lang, "settings-limit", direction="down" if args[1] == "-" else "up", value=shown)
    return rt.texts.label(lang, "settings-last-platform")


async def _pressed_by_admin(update: Update, context: Context) -> tuple[Member, Community, list[str]] | None:
    """The presser as a verified admin of the button's community, and the button's arguments;
    None after telling them why not."""
    gate = await admin_of_button(update, context)
    if gate is None:
        return None
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    return gate[0], gate[1], parts[1:]


@refusals
async def settings_button(update: Update, context: Context) -> None:
    rt = runtime(context)
    pressed = await _pressed_by_admin(update, context)
    if pressed is None:
        return
    member, community, parts = pressed
    lang = member.language
    if update.effective_chat is None or update.effective_chat.type != Chat.PRIVATE:
        # A menu posted in the group before the settings moved to the private chat.
        await answer(update)
        await edit(update, context, rt.texts.get(lang, "settings-moved"))
        return
    op, args = (parts[0], parts[1:]) if parts else ("", [])
    change = _change(community.settings, op, args)
    if change is None:  # a section, or the sections
        await answer(update)
        shown = section_view(rt, lang, community, args[0]) if op == SECTION and args and args[0] in SECTIONS else None
        await edit(update, context, *(shown or settings_main(rt, lang, community)))
        return
    section, changes = change
    try:
        await rt.run(community_service.update_settings, rt.uow(), actor_member_id=member.id, now=rt.now(), **changes)
    except InvalidSettings:
        await answer(update, _limit(rt, lang, community.settings, args), alert=True)
        return
    except DomainError as error:
        await answer(update, plain(rt.texts.error(lang, error)), alert=True)
        return
    # Cached memberships carry the community and its settings (a pause from the private chat
    # reads its group language there); settings change rarely, so forget them all.
    rt.forget_communities()
    await answer(update, rt.texts.label(lang, "settings-saved"))
    fresh = await rt.run(directory.community, rt.uow(), community.id)
    await edit(update, context, *section_view(rt, lang, fresh or community, section))
