"""What every handler needs, built once per Application and kept in ``bot_data``: the container,
the texts, the verification queue, the notifier, and the helpers that run synchronous use cases
off the event loop, each in a fresh unit of work."""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, ParamSpec, TypeVar

import structlog
from telegram import Bot, ChatMember, Update, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from tgexchange.bootstrap import Container
from tgexchange.bot import directory
from tgexchange.bot.flood import FloodGate
from tgexchange.bot.inbox import Inbox
from tgexchange.bot.joins import JoinBatcher
from tgexchange.bot.notifications import BotNotifier, Outgoing, send, send_all
from tgexchange.bot.texts import Texts, language_for
from tgexchange.domain.community import Community
from tgexchange.domain.content import ContentRef
from tgexchange.domain.errors import ShortLinkNeedsLookup
from tgexchange.domain.links import parse_link
from tgexchange.domain.member import Member, acting_membership
from tgexchange.domain.task import Task
from tgexchange.services import community_choice, joining, link_reading
from tgexchange.services import task as task_service
from tgexchange.services.joining import Joiner, Outcome
from tgexchange.services.notifications import HOLD, is_for_actor, settle_delivery
from tgexchange.services.ports import DeliveryOutcome, UnitOfWork, VerificationQueue

P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K")
V = TypeVar("V")

log = structlog.get_logger("tgexchange.bot")

RUNTIME_KEY = "tgexchange"
# The longest text the exchange stores (feedback is capped at 4000 characters).
MAX_INPUT_CHARS = 4000
ADMIN_CACHE_S = 60.0
# Memberships change rarely (joining, a language switch); this process forgets them after this
# long, or at once when it makes the change itself. Bans and pauses are checked by the use cases.
MEMBERSHIP_CACHE_S = 30.0

Context = ContextTypes.DEFAULT_TYPE


class AdminCache:
    """getChatMember answers, kept briefly: admins are checked on every admin action, and Telegram
    limits how often a bot may ask."""

    def __init__(self, ttl_s: float = ADMIN_CACHE_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_s
        self._clock = clock
        self._seen: dict[tuple[int, int], tuple[float, str | None]] = {}

    async def status(self, bot: Bot, chat_id: int, user_id: int) -> str | None:
        """The user's status in the chat ("member", "administrator", ...), None if Telegram could
        not tell (a network error, a rate limit, the bot cannot see the chat). Only answers are
        cached: an error is asked again next time."""
        key = (chat_id, user_id)
        cached = self._seen.get(key)
        now = self._clock()
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError as error:
            log.warning("admin_check_failed", chat_id=chat_id, user_id=user_id, error=str(error))
            return None
        status = member.status
        if member.status == ChatMember.RESTRICTED and not getattr(member, "is_member", True):
            status = ChatMember.LEFT
        if len(self._seen) > 50_000:
            self._seen.clear()
        self._seen[key] = (now, status)
        return status

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool | None:
        """True or False as Telegram answers; None when it could not be asked. Callers keep the
        stored role then: a failed call must never demote (or promote) anyone."""
        status = await self.status(bot, chat_id, user_id)
        return None if status is None else status in {ChatMember.ADMINISTRATOR, ChatMember.OWNER}

    def forget(self, chat_id: int) -> None:
        self._seen = {k: v for k, v in self._seen.items() if k[0] != chat_id}


class Recent(Generic[K, V]):
    """Values kept briefly (``ttl_s``), then asked for again; bounded by clearing when full."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic, *, max_size: int = 100_000) -> None:
        self._ttl = ttl_s
        self._clock = clock
        self._max_size = max_size
        self._found: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        found = self._found.get(key)
        if found is None or self._clock() - found[0] >= self._ttl:
            return None
        return found[1]

    def put(self, key: K, value: V) -> None:
        if len(self._found) >= self._max_size:
            self._found.clear()
        self._found[key] = (self._clock(), value)

    def forget(self, key: K) -> None:
        self._found.pop(key, None)

    def clear(self) -> None:
        self._found.clear()


class MembershipCache(Recent[int, list[tuple[Member, Community]]]):
    """Each user's memberships, kept briefly: nearly every update needs them."""

    def __init__(self, ttl_s: float = MEMBERSHIP_CACHE_S, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(ttl_s, clock)

    def set_language(self, user_id: int, language: str) -> None:
        """Keeps the cached memberships in step with a language this process just stored."""
        for member, _ in self.get(user_id) or []:
            member.language = language


@dataclass
class Runtime:
    container: Container
    texts: Texts
    queue: VerificationQueue
    notifier: BotNotifier
    link_key: bytes
    admins: AdminCache = field(default_factory=AdminCache)
    flood: FloodGate = field(default_factory=FloodGate)
    memberships: MembershipCache = field(default_factory=MembershipCache)
    # Communities by id, for the join link (every newcomer's first update): they change rarely,
    # and forget_communities() drops them when this process changes one.
    communities: Recent[int, Community] = field(default_factory=lambda: Recent(MEMBERSHIP_CACHE_S))
    # Set by the webhook router: updates arrive already stored and leased (bot/inbox.py).
    inbox: Inbox | None = None

    @functools.cached_property
    def joins(self) -> JoinBatcher:
        return JoinBatcher(self._write_joins)

    async def _write_joins(self, community_id: int, joiners: Sequence[Joiner]) -> list[Outcome]:
        return await self.run(joining.join_many, self.uow(), community_id=community_id, joiners=joiners, now=self.now())

    async def community(self, community_id: int) -> Community | None:
        """The community (cached briefly, see ``communities``)."""
        found = self.communities.get(community_id)
        if found is None:
            found = await self.run(directory.community, self.uow(), community_id)
            if found is not None:
                self.communities.put(community_id, found)
        return found

    def forget_communities(self) -> None:
        """A community changed (settings, its chat, the bot's presence): what this process cached
        about communities, and the memberships that carry them, is read again."""
        self.communities.clear()
        self.memberships.clear()

    def handled_again(self, update: Update) -> bool:
        """Whether this update is being handled a second time, after the process that had it died
        (or its handlers failed on storage): its effect may already be committed."""
        return self.inbox is not None and update.update_id in self.inbox.again

    def uow(self) -> UnitOfWork:
        return self.container.storage.uow()

    def now(self) -> datetime:
        return self.container.clock.now()

    async def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Runs a synchronous use case (or look-up) that only touches storage.

        On PostgreSQL it runs in a worker thread (a network round trip per query), side by side
        with others. On SQLite it runs right here on the event loop, one at a time: these calls
        take a fraction of a millisecond of CPU, every SQLite write transaction is serialized
        anyway (BEGIN IMMEDIATE), and a hop to a worker thread and back cost more than the call
        itself (measured in bench/bot.py). The lock keeps turns with the other threads of this
        process that also use storage (the in-process job worker waits in SQLite's busy handler
        instead)."""
        lock = self._storage_lock
        if lock is None:
            return await asyncio.to_thread(fn, *args, **kwargs)
        with lock:
            return fn(*args, **kwargs)

    async def run_slow(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Runs a use case that also reads a platform (seconds of network I/O) outside the turns,
        so that it never holds up other members."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    def pasted(self, link: str) -> ContentRef | str:
        """What a pasted ``link`` names, or, for a TikTok short link this deployment can look up,
        the link itself, for ``read_link`` once the member is told of the wait. Raises a
        DomainError (UnsupportedLink, ShortLinkNeedsLookup without lookups) right away."""
        try:
            return parse_link(link)
        except ShortLinkNeedsLookup:
            if self.container.short_links is None:
                raise
            return link

    async def read_link(self, link: ContentRef | str) -> ContentRef:
        """``pasted``'s answer as content: a short link is looked up in a worker thread (one
        public request, remembered; see services/link_reading.py)."""
        if isinstance(link, ContentRef):
            return link
        return await asyncio.to_thread(link_reading.read_link, link, self.container.short_links)

    @functools.cached_property
    def _storage_lock(self) -> threading.Lock | None:
        return threading.Lock() if self.container.storage.engine.dialect.name == "sqlite" else None

    async def deliver(self, uow: UnitOfWork, *, actor_member_id: int | None = None) -> None:
        """Delivers the notices the last use case on ``uow`` wrote to the outbox, awaiting each
        send so a handler finishes only once everyone concerned was told. What fails stays in the
        outbox for the delivery job; the actor is not told what their own answer says."""
        ids = uow.take_notices()
        if not ids:
            return
        outbox = self.container.storage.outbox
        now = self.now()
        for pending in await self.run(outbox.claim, now=now, hold_until=now + HOLD, ids=ids):
            if is_for_actor(pending.notice, actor_member_id):
                await self.run(outbox.close, pending.id, outcome="skipped", now=now)
                continue
            try:
                messages = await self.run(self.notifier.render, pending.notice)
            except Exception:  # left to a later attempt rather than lost
                log.exception("notice_render_failed", notice_id=pending.id, kind=pending.notice.kind)
                outcome = DeliveryOutcome.RETRY
            else:
                outcome = await send_all(self.notifier_bot, messages, self.container.storage.uow)
            await self.run(settle_delivery, outbox, pending, outcome, now=self.now())

    async def request_verification(self, task: Task, *, after_crash: bool = False) -> None:
        """Queues verification of a task just marked done. A queue that cannot be reached is no
        reason to tell the member to try again (their Done is recorded): the sweeper is asked to
        pick the task up on its next round instead."""
        try:
            self.queue.enqueue_verification(task.submission_id, after_crash=after_crash)
        except Exception:
            log.exception("verification_not_queued", task_id=task.id, submission_id=task.submission_id)
            await self.run(task_service.check_soon, self.uow(), task_id=task.id, now=self.now())

    async def send(self, outgoing: Outgoing) -> DeliveryOutcome:
        return await send(self.notifier_bot, outgoing, self.container.storage.uow)

    @property
    def notifier_bot(self) -> Bot:
        return self.notifier.bot

    def language(self, user: User | None, member: Member | None = None, context: Context | None = None) -> str:
        """The member's stored language, else the one chosen with /language, else Telegram's."""
        if member is not None:
            return member.language
        if context is not None and context.user_data is not None and "language" in context.user_data:
            return str(context.user_data["language"])
        return language_for(user.language_code if user else None)

    async def all_memberships(self, user_id: int) -> list[tuple[Member, Community]]:
        """The user's memberships, oldest first (cached briefly; see MembershipCache)."""
        found = self.memberships.get(user_id)
        if found is None:
            found = await self.run(directory.memberships_of, self.container.storage.member_reader, self.uow, user_id)
            self.memberships.put(user_id, found)
        return found

    async def membership(self, user: User, context: Context) -> tuple[Member, Community] | None:
        """The membership the user acts in from the private chat: the community chosen (menu,
        switch, deep link) or joined last (``acting_membership``)."""
        found = await self.all_memberships(user.id)
        if len(found) > 1:
            # The choice may have been made through another webhook process since these were
            # cached: read it again (only users of several groups pay for it).
            found = await self.run(directory.memberships, self.uow(), user.id)
            self.memberships.put(user.id, found)
        acting = acting_membership(found)
        if acting is None:
            return None
        if context.user_data is not None:
            context.user_data["language"] = acting[0].language
        return acting

    async def choose(self, member: Member) -> None:
        """The user's private commands act in this member's community from now on, in every
        process. A user of one group has nothing to choose (and joining is choosing)."""
        if len(await self.all_memberships(member.telegram_user_id)) > 1:
            await self.run(community_choice.choose_community, self.uow(), member_id=member.id, now=self.now())
            self.memberships.forget(member.telegram_user_id)


def runtime(context: Context) -> Runtime:
    found = context.bot_data[RUNTIME_KEY]
    assert isinstance(found, Runtime)
    return found
