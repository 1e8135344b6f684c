"""The Telegram bot's Application: one set of handlers for long polling and for webhooks."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import structlog
from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from tgexchange.adapters.db.errors import is_storage_unavailable
from tgexchange.bootstrap import Container
from tgexchange.bot import deeplinks, fair_play, keyboards, miniapp, rings, steps
from tgexchange.bot.flood import FloodGate
from tgexchange.bot.guards import drop_redelivered, limit_floods, refuse_huge_texts
from tgexchange.bot.handlers import (
    account,
    admin,
    appeal,
    cancel,
    dashboard,
    group,
    link,
    menu,
    operator,
    private_text,
    rating,
    review,
    ring,
    settings,
    start,
    submit,
    task,
)
from tgexchange.bot.notifications import BotNotifier
from tgexchange.bot.ordering import PerSenderUpdateProcessor
from tgexchange.bot.ratelimit import MessageRateLimiter
from tgexchange.bot.refusals import Handler
from tgexchange.bot.replies import answer, apologise, reply
from tgexchange.bot.runtime import RUNTIME_KEY, Context, Runtime, runtime
from tgexchange.bot.texts import SUPPORTED, Texts
from tgexchange.services.ports import VerificationQueue

log = structlog.get_logger("tgexchange.bot")

App = Application[Any, Any, Any, Any, Any, Any]

PUBLIC_API = "https://api.telegram.org/bot"
# chat_member reaches a bot only where it is an admin: admins promoted or demoted there are mirrored
# at once (elsewhere at the next admin check).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.CHAT_MEMBER,
]
MEMBER_COMMANDS = ("link", "submit", "task", "balance", "me", "mysubmissions", "leaderboard", "language")
PRIVATE_COMMANDS = ("start", *MEMBER_COMMANDS, "cancel", "help")
# In groups everyone's menu has /exchange, the admins' also the namespaced admin commands: the
# generic names (/ban, /settings...) belong to the moderation bots sharing the group.
GROUP_COMMANDS = ("exchange", "help")
GROUP_ADMIN_COMMANDS = ("exchange", *admin.COMMANDS, "dashboard", "help")
# "/ban@<this bot>": PTB's CommandHandler already refuses a command addressed to another bot.
ADDRESSED = filters.Regex(r"^/[A-Za-z0-9_]+@")


def file_url(base_url: str) -> str:
    """The file endpoint next to a Bot API base url (".../bot" → ".../file/bot")."""
    root, _, tail = base_url.rstrip("/").rpartition("/")
    return f"{root}/file/{tail}"


def build_application(
    container: Container,
    *,
    token: str,
    queue: VerificationQueue,
    base_url: str = PUBLIC_API,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    polling: bool = True,
    rate_limit: bool = True,
    concurrency: int = 32,
    texts: Texts | None = None,
    flood: FloodGate | None = None,
) -> App:
    """The bot over ``container``'s use cases. ``polling=False`` builds it for a webhook (no
    updater). Plugs its notifier into the container, so jobs run in this process reach members
    through this bot. Call ``start_bot`` once the application is initialized."""
    builder = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_url(base_url))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerSenderUpdateProcessor(concurrency))
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if rate_limit:
        # Telegram allows about 30 messages per second overall and 20 per minute in one group.
        # Reads (getChatMember on every join) are not messages: see bot/ratelimit.py.
        builder = builder.rate_limiter(cast(Any, MessageRateLimiter(max_retries=3)))
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    texts = texts or Texts()
    notifier = BotNotifier(application.bot, texts, container.storage.uow, clock=container.clock.now)
    rt = Runtime(
        container=container,
        texts=texts,
        queue=queue,
        notifier=notifier,
        link_key=deeplinks.link_key(token),
        flood=flood or FloodGate(),
    )
    application.bot_data[RUNTIME_KEY] = rt
    container.use_notifier(notifier)
    # Cached communities and memberships carry their community's settings: a change made in the
    # Mini App of this process drops them, as the bot's own settings menu does.
    container.watch_communities(lambda _community_id: rt.forget_communities())
    add_handlers(application)
    return application


def add_handlers(application: App) -> None:
    message = filters.UpdateType.MESSAGE  # edits are never acted on: they would act twice
    private = filters.ChatType.PRIVATE & message
    groups = filters.ChatType.GROUPS & message
    application.add_handler(TypeHandler(Update, drop_redelivered), group=-3)
    application.add_handler(TypeHandler(Update, limit_floods), group=-2)
    application.add_handler(TypeHandler(Update, refuse_huge_texts), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", menu.open_from_link, filters=private & filters.Regex(deeplinks.ADMIN_START)),
            CommandHandler(["exchange", "start", "help"], group.exchange_command, filters=groups),
            CommandHandler("start", start.start, filters=private),
            CommandHandler("help", start.help_command, filters=private),
            CommandHandler("exchange", menu.exchange_in_private, filters=private),
            CommandHandler(list(admin.COMMANDS), admin.admin_command, filters=message),
            CommandHandler(list(admin.GENERIC), admin.admin_command, filters=private | (groups & ADDRESSED)),
            CommandHandler("dashboard", dashboard.dashboard_command, filters=message),
            *operator.handlers(private),
            CommandHandler("link", link.link_command, filters=private),
            CommandHandler("submit", submit.submit_command, filters=private),
            CommandHandler("task", task.task_command, filters=private),
            CommandHandler("balance", account.balance, filters=private),
            CommandHandler("me", account.me, filters=private),
            CommandHandler("mysubmissions", submit.my_submissions, filters=private),
            CommandHandler("leaderboard", account.leaderboard, filters=private),
            CommandHandler("language", start.language_command, filters=private),
            CommandHandler("cancel", cancel.cancel, filters=private),
            CommandHandler(appeal.APPEAL_COMMAND, appeal.appeal_command, filters=private),
            CommandHandler(appeal.QUEUE_COMMAND, appeal.appeals_command, filters=private),
            CommandHandler(ring.RINGS_COMMAND, ring.rings_command, filters=private),
            CommandHandler(list(MEMBER_COMMANDS), group.member_command_in_group, filters=groups),
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, private_text.private_text),
            MessageHandler(private, unknown),
            MessageHandler(filters.StatusUpdate.MIGRATE & message, group.group_migrated),
            ChatMemberHandler(group.bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
            ChatMemberHandler(group.member_status_changed, ChatMemberHandler.CHAT_MEMBER),
            *_callbacks(),
        ]
    )
    application.add_error_handler(on_error)


def _callbacks() -> list[CallbackQueryHandler[Any, Any]]:
    routes: dict[str, Handler] = {
        keyboards.TASK_DONE: task.done,
        keyboards.TASK_SKIP: task.skip,
        keyboards.SUBMISSION_WITHDRAW: submit.ask_withdraw,
        keyboards.SUBMISSION_WITHDRAW_YES: submit.confirm_withdraw,
        keyboards.SUBMISSION_KEEP: submit.keep_submission,
        keyboards.OWNER_REVIEW: review.owner_review,
        keyboards.DISPUTE: review.dispute,
        keyboards.ADMIN_RESOLVE: review.admin_resolve,
        keyboards.LANGUAGE: start.choose_language,
        keyboards.COMMUNITY: start.switch_community,
        keyboards.LINK_PLATFORM: link.choose_platform,
        keyboards.SETTINGS: settings.settings_button,
        keyboards.ADMIN_MENU: menu.menu_button,
        keyboards.ANONYMOUS_ADMIN: admin.anonymous_admin_button,
        keyboards.CANCEL: cancel.cancel,
        keyboards.SUBMIT_COUNT: submit.choose_count,
        keyboards.RATE: rating.rate,
        fair_play.APPEAL_DECIDE: appeal.decide_button,
        fair_play.APPEAL_QUEUE: appeal.queue_button,
        rings.RING_DECIDE: ring.decide_button,
        rings.RING_LIST: ring.list_button,
        steps.GO: go,
    }
    handlers: list[CallbackQueryHandler[Any, Any]] = [
        CallbackQueryHandler(fn, pattern=f"^{action}(:|$)") for action, fn in routes.items()
    ]
    handlers.append(CallbackQueryHandler(stale_button))
    return handlers


STEP_COMMANDS: dict[steps.Step, Handler] = {
    steps.Step.LINK: link.link_command,
    steps.Step.TASK: task.task_command,
    steps.Step.SUBMIT: submit.submit_command,
    steps.Step.SUBMISSIONS: submit.my_submissions,
    steps.Step.ME: account.me,
    steps.Step.HELP: start.help_command,
}


async def go(update: Update, context: Context) -> None:
    """A next-step button: the same as typing its command (with no arguments)."""
    await answer(update)
    _, parts = keyboards.parse_callback(update.callback_query.data if update.callback_query else None)
    try:
        step = steps.Step(parts[0]) if parts else None
    except ValueError:
        step = None
    if step is None:
        await stale_button(update, context)
        return
    context.args = []
    await STEP_COMMANDS[step](update, context)


async def stale_button(update: Update, context: Context) -> None:
    rt = runtime(context)
    await answer(update, rt.texts.label(rt.language(update.effective_user, None, context), "expired-button"))


async def unknown(update: Update, context: Context) -> None:
    """A photo, a sticker, a voice note…: what the bot can do instead."""
    rt = runtime(context)
    lang = rt.language(update.effective_user, None, context)
    await reply(update, context, rt.texts.get(lang, "unknown-text"), steps.after(rt.texts, lang, "unknown-text"))


async def on_error(update: object, context: Context) -> None:
    """Logs the failure with what it was about; the user gets a short apology. Use cases are
    transactions, so a failure in one leaves nothing half done."""
    who: dict[str, object] = {}
    if isinstance(update, Update):
        who = {
            "update_id": update.update_id,
            "user_id": update.effective_user.id if update.effective_user else None,
            "chat_id": update.effective_chat.id if update.effective_chat else None,
            "callback_data": update.callback_query.data if update.callback_query else None,
        }
    log.error("handler_failed", error=repr(context.error), exc_info=context.error, **who)
    if isinstance(update, Update):
        rt = runtime(context)
        if rt.inbox is not None and context.error is not None and is_storage_unavailable(context.error):
            rt.inbox.storage_failed(update.update_id)  # handled again once storage is back
        await apologise(update, context)


async def start_bot(application: App) -> None:
    """After ``initialize()``: lets the notifier reach the event loop and sets the command menus
    in every language (members' commands in private chats, /exchange in groups, and the
    namespaced admin commands for group admins) and the menu button (the Mini App, when
    PUBLIC_BASE_URL is https). An Application not built by build_application (the benchmark's
    bare bot) is left as it is."""
    rt = application.bot_data.get(RUNTIME_KEY)
    if not isinstance(rt, Runtime):
        return
    rt.notifier.bind(asyncio.get_running_loop())
    bot = application.bot
    for language in SUPPORTED:
        code = None if language == "en" else language  # English is the menu for every other language too
        private = _menu(rt, language, PRIVATE_COMMANDS)
        admins = _menu(rt, language, GROUP_ADMIN_COMMANDS)
        in_groups = _menu(rt, language, GROUP_COMMANDS)
        await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats(), language_code=code)
        await bot.set_my_commands(in_groups, scope=BotCommandScopeAllGroupChats(), language_code=code)
        await bot.set_my_commands(admins, scope=BotCommandScopeAllChatAdministrators(), language_code=code)
        # What people read before they press START, in their language.
        await bot.set_my_description(rt.texts.label(language, "bot-description"), language_code=code)
        await bot.set_my_short_description(rt.texts.label(language, "bot-short-description"), language_code=code)
    await miniapp.set_menu_button(bot, rt)


def _menu(rt: Runtime, language: str, commands: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(c, rt.texts.label(language, f"cmd-{c}")) for c in commands]


async def stop_bot(application: App) -> None:
    """Before ``stop()``: waits for notices handed to the bot by job threads."""
    rt = application.bot_data.get(RUNTIME_KEY)
    if isinstance(rt, Runtime):
        await rt.notifier.drain()


def runtime_of(application: App) -> Runtime:
    found = application.bot_data[RUNTIME_KEY]
    assert isinstance(found, Runtime)
    return found
