"""The community's settings menu: one message of buttons an admin taps to change a setting."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from tgexchange.bot import directory
from tgexchange.bot.admins import admin_member
from tgexchange.bot.commands import parse_id
from tgexchange.bot.keyboards import SETTINGS, Button, Keyboard, callback, parse_callback
from tgexchange.bot.refusals import refusals
from tgexchange.bot.replies import answer, edit
from tgexchange.bot.runtime import Context, Runtime, runtime
from tgexchange.bot.texts import SUPPORTED, plain
from tgexchange.domain.community import Community, CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import DomainError
from tgexchange.services import community as community_service

# Numeric settings on the menu, and how far one tap moves each.
AUTO_LANGUAGE = "auto"  # group posts in the language of whoever's action it is
STEPS: dict[str, int] = {
    "credits_per_feedback": 1,
    "min_words": 1,
    "max_open_tasks_per_member": 1,
    "task_deadline": 6,  # hours
    "welcome_credits": 10,
    "max_feedback_per_submission": 1,
    "default_feedback_per_submission": 1,
}


def _setting_value(settings: CommunitySettings, name: str) -> int:
    if name == "task_deadline":
        return int(settings.task_deadline.total_seconds() // 3600)
    value: int = getattr(settings, name)
    return value


def settings_menu(rt: Runtime, lang: str, community: Community) -> tuple[str, Keyboard]:
    settings = community.settings
    cid = community.id
    rows: list[tuple[Button, ...]] = []
    for name in STEPS:
        label = rt.texts.label(lang, f"settings-{name}", value=_setting_value(settings, name))
        rows.append(
            (
                Button(label, callback_data=callback(SETTINGS, cid, name, "=")),
                Button("−", callback_data=callback(SETTINGS, cid, name, "-")),
                Button("+", callback_data=callback(SETTINGS, cid, name, "+")),
            )
        )
    rows.append(
        tuple(
            Button(
                ("✅ " if p in settings.allowed_platforms else "⬜ ") + p.label,
                callback_data=callback(SETTINGS, cid, "platform", p.value),
            )
            for p in Platform
        )
    )
    chosen = settings.group_language
    shown = rt.texts.label(lang, f"settings-group-language-{chosen or 'auto'}")
    rows.append(
        (
            Button(
                rt.texts.label(lang, "settings-group-language", value=shown),
                callback_data=callback(SETTINGS, cid, "group_language", _next_group_language(chosen)),
            ),
        )
    )
    text = (
        rt.texts.get(lang, "settings-title", community=community.title)
        + "\n"
        + rt.texts.get(lang, "settings-platforms")
    )
    return text, tuple(rows)


def _next_group_language(current: str | None) -> str:
    """The button cycles: each person's language, then every supported language in turn."""
    cycle = [AUTO_LANGUAGE, *SUPPORTED]
    now = current if current in cycle else AUTO_LANGUAGE
    return cycle[(cycle.index(now) + 1) % len(cycle)]


def _change(settings: CommunitySettings, name: str, how: str) -> dict[str, object] | None:
    if name == "group_language":
        if how == AUTO_LANGUAGE:
            return {"group_language": None}
        return {"group_language": how} if how in SUPPORTED else None
    if name == "platform":
        platform = Platform(how)
        return {"allowed_platforms": settings.allowed_platforms ^ {platform}}
    if name not in STEPS or how not in {"+", "-"}:
        return None
    step = STEPS[name] if how == "+" else -STEPS[name]
    if name == "task_deadline":
        return {name: settings.task_deadline + timedelta(hours=step)}
    return {name: _setting_value(settings, name) + step}


@refusals
async def settings_button(update: Update, context: Context) -> None:
    rt = runtime(context)
    user = update.effective_user
    _, parts = parse_callback(update.callback_query.data if update.callback_query else None)
    community_id = parse_id(parts[0]) if len(parts) == 3 else None
    if user is None or community_id is None:
        await answer(update)
        return
    community = await rt.run(directory.community, rt.uow(), community_id)
    if community is None:
        await answer(update, rt.texts.label(rt.language(user, None, context), "expired-button"))
        return
    member = await admin_member(rt, context, community, user)
    if member is None:
        await answer(update, rt.texts.label(rt.language(user, None, context), "admin-only"), alert=True)
        return
    lang = member.language
    try:
        changes = _change(community.settings, parts[1], parts[2])
    except ValueError:
        changes = None
    if changes is not None:
        try:
            await rt.run(
                community_service.update_settings, rt.uow(), actor_member_id=member.id, now=rt.now(), **changes
            )
        except DomainError as error:
            await answer(update, plain(rt.texts.error(lang, error)), alert=True)
            return
        # Cached memberships carry the community and its settings (a pause from the private chat
        # reads its group language there); settings change rarely, so forget them all.
        rt.memberships.clear()
    await answer(update, rt.texts.label(lang, "settings-saved") if changes else None)
    fresh = await rt.run(directory.community, rt.uow(), community.id)
    text, keyboard = settings_menu(rt, lang, fresh or community)
    await edit(update, context, text, keyboard)
