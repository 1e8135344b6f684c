"""Telegram updates under fuzz: the real PTB Application (the handlers, guards and error handler
of bot/app.py) over real storage, with the Bot API answered by tests/botapi.py, fed real update
JSON that Hypothesis varies: texts and commands (with our own arguments and garbage), button
presses with our own callback prefixes and garbage after them, member status changes with odd
statuses, and then fields removed, given the wrong type, huge ints, unknown fields.

Properties, for every update PTB can read: no handler fails (bot/app.on_error logs
``handler_failed``: no error-level log at all, structlog or logging); nothing the bot sends
holds a traceback or an exception's repr; every message parses as Telegram HTML (BotApi answers
400 otherwise, which would fail the handler) and fits Telegram's limits (4096 characters of
text, 200 in a button's answer). Updates PTB cannot read at all are what the webhook answers 400
(tests/fuzzing/web.py), counted as "not an update"."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from hypothesis import strategies as st
from structlog.testing import capture_logs
from telegram import Update

from tests.botapi import BOT_ID, BotApi, Call, TgUser, Updates, parse_html
from tests.e2e.bot.conftest import BotHarness, build_harness_app, container_for
from tests.fakes import RecordingQueue
from tests.fuzzing import unexpected
from tests.fuzzing.links import forms, mutated_form
from tests.world import World
from tgexchange.bot import keyboards
from tgexchange.bot.app import MEMBER_COMMANDS, start_bot, stop_bot
from tgexchange.bot.fair_play import APPEAL_DECIDE, APPEAL_QUEUE
from tgexchange.bot.flood import FloodGate
from tgexchange.bot.handlers import admin, appeal, operator
from tgexchange.bot.handlers import settings as settings_menu
from tgexchange.bot.steps import GO
from tgexchange.domain.community import Community, CommunitySettings

MESSAGE_LIMIT = 4096
ANSWER_LIMIT = 200
# A Python exception's repr or a traceback line, as it would leak into a reply.
LEAK = re.compile(r"Traceback \(most recent call last\)|\b[A-Z]\w*(?:Error|Exception)\(|File \"[^\"]+\.py\"")
PREFIXES = (
    keyboards.TASK_DONE, keyboards.TASK_SKIP, keyboards.SUBMISSION_WITHDRAW, keyboards.SUBMISSION_WITHDRAW_YES,
    keyboards.SUBMISSION_KEEP, keyboards.OWNER_REVIEW, keyboards.DISPUTE, keyboards.ADMIN_RESOLVE,
    keyboards.LANGUAGE, keyboards.COMMUNITY, keyboards.LINK_PLATFORM, keyboards.SETTINGS, keyboards.ADMIN_MENU,
    keyboards.ANONYMOUS_ADMIN, keyboards.CANCEL, keyboards.SUBMIT_COUNT, keyboards.RATE, APPEAL_DECIDE,
    APPEAL_QUEUE, GO,
)  # fmt: skip
COMMANDS = (
    "start", "help", "exchange", "cancel", "dashboard", *MEMBER_COMMANDS, *admin.COMMANDS, *admin.GENERIC,
    *operator.COMMANDS, appeal.APPEAL_COMMAND, appeal.QUEUE_COMMAND, "nonsense",
)  # fmt: skip
STATUSES = ("member", "administrator", "creator", "left", "kicked", "restricted", "banned", "", "MEMBER")
# Fields the Bot API marks optional in the updates made here (the rest are always sent).
OPTIONAL = frozenset(
    {"language_code", "username", "last_name", "entities", "reply_markup", "text", "message", "data", "until_date",
     "is_anonymous", "title", "reply_to_message", "sender_chat", "edit_date"}
)  # fmt: skip
ODD_VALUES: tuple[Any, ...] = (
    None, "", "x", 0, -1, 1.5, 2**31, 2**63, -(2**63), 10**30, True, [], {}, [1, "a"], {"id": "x"}, "\ud800",
)  # fmt: skip


@dataclass
class Cast:
    """Who the fuzzer speaks as and about: ids that exist, so that presses and commands reach
    real rows as well as missing ones."""

    community: Community
    admin: TgUser
    member: TgUser
    stranger: TgUser
    payload: str
    numbers: tuple[int, ...]  # community, submission and task ids, Telegram ids


def words() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(forms()),
        mutated_form(),
        st.integers(-(2**64), 2**64).map(str),
        st.sampled_from(["-1", "0", "999999999999", "+", "-", "on", "off", "auto", "en", "es", "u", "r"]),
    )


def arguments(cast: Cast) -> st.SearchStrategy[list[str]]:
    ours = st.sampled_from([str(n) for n in cast.numbers] + [cast.payload, "@" + cast.member.first_name])
    return st.lists(ours | words(), max_size=4)


def callback_data(cast: Cast) -> st.SearchStrategy[str]:
    setting = st.sampled_from(sorted(settings_menu.STEPS))
    settings_ops = st.one_of(
        st.tuples(st.just(settings_menu.CHANGE), setting, st.sampled_from(["+", "-", "*", ""])).map(list),
        st.tuples(st.sampled_from(["s", "p", "l", "m", "r", "b", "f", "q", "zz"]), words()).map(list),
    )
    settings_press = settings_ops.map(lambda op: ":".join([keyboards.SETTINGS, str(cast.community.id), *op]))
    any_press = st.tuples(st.sampled_from(PREFIXES), arguments(cast)).map(lambda p: ":".join([p[0], *p[1]]))
    return st.one_of(any_press, settings_press, st.text(max_size=70), st.sampled_from(PREFIXES))


@st.composite
def updates(draw: st.DrawFn, cast: Cast) -> tuple[dict[str, Any], bool]:
    """One update as Telegram sends it, then varied (see ``mutate``); and whether Telegram could
    send it (False once a value has the wrong type or an id is beyond Telegram's 52 bits)."""
    maker = Updates(date=draw(st.sampled_from([1_772_452_800, 0, 2**31])))
    maker.ids = iter_from(draw(st.integers(1, 2**40)))  # type: ignore[assignment]
    user = draw(
        st.sampled_from([cast.admin, cast.member, cast.stranger])
        | st.builds(_someone, st.integers(-(2**52), 2**52), words())
    )
    kind = draw(st.sampled_from(["private", "private", "command", "command", "group", "press", "press", "status"]))
    if kind in {"private", "command"}:
        text = draw(words()) if kind == "private" else _command(draw(st.sampled_from(COMMANDS)), draw(arguments(cast)))
        update = maker.private(user, text)
    elif kind == "group":
        command = _command(draw(st.sampled_from(COMMANDS)), draw(arguments(cast)))
        update = maker.group(
            cast.community.telegram_chat_id, user, draw(st.sampled_from([command, command + "@tgx_test_bot"]))
        )
    elif kind == "press":
        chat = draw(st.sampled_from([user.id, cast.community.telegram_chat_id]))
        message = {
            "message_id": draw(st.integers(1, 10**6)),
            "date": maker.date,
            "text": "a menu",
            "chat": {"id": chat},
        }
        call_result = message if draw(st.booleans()) else None
        sent = Call("sendMessage", {"chat_id": chat}, call_result)
        update = maker.press(user, sent, draw(callback_data(cast)))
    else:
        old, new = draw(st.sampled_from(STATUSES)), draw(st.sampled_from(STATUSES))
        bot = TgUser(BOT_ID, "Exchange", username="tgx_test_bot")
        who = draw(st.sampled_from([user, bot]))
        update = maker.member_status(cast.community.telegram_chat_id, cast.admin, who, old, new)
        if who is bot:
            update["my_chat_member"] = update.pop("chat_member")
    return mutate(draw, update)


def mutate(draw: st.DrawFn, update: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Up to three changes anywhere in the update: a field removed, a value replaced by one of
    the wrong type or size, an unknown field added. Removing a field PTB needs makes the update
    unreadable ("not an update"); one PTB reads without it is a shape Telegram sends."""
    possible = True
    for _ in range(draw(st.integers(0, 3))):
        paths = list(_paths(update))
        path = draw(st.sampled_from(paths))
        parent = _at(update, path[:-1])
        how = draw(st.sampled_from(["remove", "replace", "add"]))
        if how == "remove" and path[-1] != "update_id":
            del parent[path[-1]]
            # PTB reads a message without its chat as chat=None: only optional fields may go.
            possible = possible and path[-1] in OPTIONAL
        elif how == "replace":
            old = parent[path[-1]]
            new = draw(st.sampled_from(ODD_VALUES) | st.text(max_size=20) | st.integers())
            parent[path[-1]] = new
            possible = possible and _same_kind(old, new)
        else:
            parent[draw(st.text(max_size=12))] = draw(st.sampled_from(ODD_VALUES))
    return update, possible


def _same_kind(old: object, new: object) -> bool:
    """Whether Telegram could send ``new`` where it sent ``old``: the same JSON type, and ids
    within the 52 bits Telegram promises."""
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, int):
        return isinstance(new, int) and abs(new) < 2**52
    if isinstance(old, str):
        return isinstance(new, str) and not any("\ud800" <= c <= "\udfff" for c in new)
    return type(old) is type(new)


def _paths(node: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in node.items():
        yield (*prefix, key)
        if isinstance(value, dict):
            yield from _paths(value, (*prefix, key))


def _at(node: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key in path:
        node = node[key]
    return node


def iter_from(start: int) -> Iterator[int]:
    n = start
    while True:
        yield n
        n += 1


def _someone(user_id: int, name: str) -> TgUser:
    return TgUser(user_id, name or "x", language_code=None)


def _command(name: str, args: list[str]) -> str:
    return " ".join([f"/{name}", *args])


@dataclass
class Leaks:
    """Error-level logs, from structlog and from the logging module, while updates run."""

    events: list[MutableMapping[str, Any]] = field(default_factory=list)
    records: list[logging.LogRecord] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


@contextmanager
def collecting_errors() -> Iterator[Leaks]:
    leaks = Leaks()
    handler = _Collect(leaks.records)
    logging.getLogger().addHandler(handler)
    try:
        with capture_logs() as events:
            leaks.events = events
            yield leaks
    finally:
        logging.getLogger().removeHandler(handler)


class BotUnderFuzz:
    """The bot over ``world``'s storage, with a community, an admin, a member with a channel and
    an open submission, and a task given to another member: presses and commands reach real rows."""

    def __init__(self, world: World, directory: Path) -> None:
        self.world = world
        self.directory = directory
        self.loop = asyncio.new_event_loop()
        self.api = BotApi()
        self.harness: BotHarness | None = None
        self.cast: Cast | None = None
        self._update_ids = iter_from(10**9)

    def __enter__(self) -> BotUnderFuzz:
        self.loop.run_until_complete(self._start())
        return self

    def __exit__(self, *_exc: object) -> None:
        self.loop.run_until_complete(self._stop())
        self.loop.close()

    async def _start(self) -> None:
        container = container_for(self.world, self.directory)
        queue = RecordingQueue()
        app = build_harness_app(container, self.api, queue, flood=FloodGate(burst=10**9))
        await app.initialize()
        await start_bot(app)
        harness = BotHarness(app, self.api, self.world, container, queue)
        self.harness = harness
        community = self.world.community(welcome_credits=100)
        admin_user = TgUser(7001, "Ada Admin")
        await harness.join(admin_user, community, status="administrator")
        owner, owner_user = await harness.member(community, "Olga <b>Owner</b>")
        giver, _ = await harness.member(community, "Gil")
        submission = self.world.submission(owner, wanted=2)
        task = self.world.task(giver)
        self.cast = Cast(
            community=community,
            admin=admin_user,
            member=owner_user,
            stranger=TgUser(7999, "Stranger", language_code="es"),
            payload=harness.payload(community),
            numbers=(community.id, submission.id, task.id, owner.id, giver.id, community.telegram_chat_id, 7001),
        )
        self.api.clear()

    async def _stop(self) -> None:
        assert self.harness is not None
        await stop_bot(self.harness.app)
        await self.harness.app.shutdown()
        self.harness.container.storage.dispose()

    def feed(self, case: tuple[dict[str, Any], bool]) -> str:
        """Processes one update; raises AssertionError when a property breaks. An update Telegram
        could not send may fail its handler (the Bot API refuses the ids it echoes back), as long
        as the error handler catches it and nothing leaks."""
        payload, possible = case
        assert self.harness is not None
        if type(payload.get("update_id")) is int:
            # A fresh id each time, so that replaying an input (as Hypothesis does) is not
            # dropped as a redelivery.
            payload = {**payload, "update_id": next(self._update_ids)}
        try:
            update = Update.de_json(payload, self.harness.app.bot)
        except Exception:  # the webhook answers 400 to these; tests/fuzzing/web.py checks that
            return "not an update"
        start = len(self.api.calls)
        with collecting_errors() as leaks:
            try:
                self.loop.run_until_complete(self.harness.app.process_update(update))
            except Exception as error:
                # PTB's own bookkeeping (user_data keyed by the user's id) refuses an id that is
                # a list or a dict; Telegram never sends one.
                if possible:
                    raise unexpected(error, payload) from error
                del self.api.calls[start:]
                return "impossible update: refused by PTB"
        calls = self.api.calls[start:]
        del self.api.calls[:]
        errors = [e for e in leaks.events if e.get("log_level") in {"error", "critical", "exception"}]
        # Nothing escaped process_update (it would have raised here); an impossible update may
        # have been logged as a failure on its way.
        assert not possible or (not errors and not leaks.records), (
            errors,
            [r.getMessage() for r in leaks.records],
            payload,
        )
        for call in calls:
            check_sent(call.method, call.params, payload)
        if errors or leaks.records:
            return "impossible update: failed politely"
        kind = next((k for k in payload if k != "update_id"), "nothing")
        return f"{kind}: {'answered' if calls else 'silent'}"

    def stored_settings(self) -> CommunitySettings:
        assert self.cast is not None
        with self.world.uow() as uow:
            community = uow.communities.find(self.cast.community.id)
        assert community is not None
        return community.settings


def check_sent(method: str, params: dict[str, Any], cause: object) -> None:
    """What Telegram would refuse, or a member should never read, in one Bot API call."""
    text = str(params.get("text", ""))
    if method in {"sendMessage", "editMessageText"}:
        plain = parse_html(text)[0] if params.get("parse_mode") == "HTML" else text
        assert plain.strip(), f"an empty message for {cause!r:.300}"
        assert len(plain) <= MESSAGE_LIMIT, f"{len(plain)} characters for {cause!r:.300}"
    if method == "answerCallbackQuery":
        assert len(text) <= ANSWER_LIMIT, f"a {len(text)}-character answer for {cause!r:.300}"
    assert not LEAK.search(text), f"{text!r:.500} for {cause!r:.300}"


def structlog_is_quiet() -> None:
    """Keeps the long run's screen for its progress: structlog's default prints every event. The
    events still pass every level (the checks capture them), they are just written nowhere."""
    structlog.configure(logger_factory=structlog.WriteLoggerFactory(file=open(os.devnull, "w")))  # noqa: SIM115 - for the process's life
