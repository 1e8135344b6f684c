"""Sending rendered notices: ``BotNotifier`` through the running PTB bot (the embedded ``tgexchange
run``: jobs run in worker threads of the same process), ``TelegramNotifier`` with httpx straight to
the Bot API (``tgexchange worker`` processes, which have no bot of their own). Each says how a
delivery went, so the outbox keeps what failed; neither raises for a member who cannot be reached."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog
from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from tgexchange.bot.keyboards import to_json, to_markup
from tgexchange.bot.notifications.render import Outgoing, UowFactory, render_notice
from tgexchange.bot.texts import Texts
from tgexchange.domain.errors import ChatTaken
from tgexchange.services import community as community_service
from tgexchange.services.community import MoveResult
from tgexchange.services.ports import DeliveryOutcome, Notice

log = structlog.get_logger("tgexchange.bot.notifications")

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def follow_group(
    uow: UowFactory, old_chat_id: int, new_chat_id: int, *, noticed_by: str, now: datetime | None = None
) -> MoveResult | None:
    """The group became a supergroup (a new chat id): its community follows (see move_to_chat).
    Noticed by Telegram's service message, or by a refused send when the bot missed that (it was
    away longer than Telegram keeps updates). A refused move (ChatTaken) is logged, not raised:
    a send still goes to the new chat, it is the same group of people."""
    try:
        moved = community_service.move_to_chat(
            uow(), from_chat_id=old_chat_id, to_chat_id=new_chat_id, now=now or datetime.now(UTC)
        )
    except ChatTaken:
        log.warning(
            "community_move_refused", from_chat_id=old_chat_id, to_chat_id=new_chat_id, reason="members joined it"
        )
        return None
    if moved is not None:
        log.info(
            "community_moved",
            community_id=moved.community.id,
            from_chat_id=old_chat_id,
            to_chat_id=new_chat_id,
            noticed_by=noticed_by,
        )
    return moved


async def send(bot: Bot, outgoing: Outgoing, uow: UowFactory | None = None) -> DeliveryOutcome:
    """Sends one rendered message and says how it went (logged unless sent). With ``uow``, a
    group that became a supergroup is followed (see follow_group) and the message resent there."""
    try:
        if outgoing.photo is not None:
            await bot.send_photo(
                outgoing.chat_id, outgoing.photo, caption=outgoing.text, reply_markup=to_markup(outgoing.keyboard)
            )
        else:
            await bot.send_message(
                outgoing.chat_id,
                outgoing.text,
                reply_markup=to_markup(outgoing.keyboard),
                link_preview_options=NO_PREVIEW,
            )
    except ChatMigrated as error:
        if uow is None:
            log.warning("notice_not_sent", chat_id=outgoing.chat_id, error=str(error))
            return DeliveryOutcome.UNREACHABLE
        new_chat_id = int(error.new_chat_id)
        await asyncio.to_thread(follow_group, uow, outgoing.chat_id, new_chat_id, noticed_by="send")
        return await send(bot, replace(outgoing, chat_id=new_chat_id))  # no uow: at most one hop
    except (Forbidden, BadRequest) as error:
        # Blocked, left, chat gone, or a message Telegram will never take: trying again cannot help.
        log.info("notice_unreachable", chat_id=outgoing.chat_id, error=str(error))
        return DeliveryOutcome.UNREACHABLE
    except TelegramError as error:  # network errors, timeouts, flood waits beyond the limiter's
        log.warning("notice_not_sent", chat_id=outgoing.chat_id, error=str(error))
        return DeliveryOutcome.RETRY
    return DeliveryOutcome.SENT


async def send_all(bot: Bot, messages: list[Outgoing], uow: UowFactory | None = None) -> DeliveryOutcome:
    """The messages of one notice: the first goes to the member and decides the outcome; the rest
    (a note in the group) are sent as well as they can be, and never sent again on a retry."""
    if not messages:
        return DeliveryOutcome.UNREACHABLE  # the member, or what the notice is about, is gone
    outcome = await send(bot, messages[0], uow)
    if outcome is DeliveryOutcome.SENT:
        for extra in messages[1:]:
            await send(bot, extra, uow)
    return outcome


class BotNotifier:
    """Delivers through the running bot: renders in the caller's thread (it reads storage), sends
    on the bot's event loop and waits for the answer there. Called from job threads, never from
    the event loop itself."""

    def __init__(
        self,
        bot: Bot,
        texts: Texts,
        uow: UowFactory,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        timeout_s: float = 60.0,
    ) -> None:
        self._bot = bot
        self._texts = texts
        self._uow = uow
        self._clock = clock
        self._timeout_s = timeout_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[Future[DeliveryOutcome]] = set()
        self._lock = threading.Lock()

    @property
    def bot(self) -> Bot:
        return self._bot

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def render(self, notice: Notice) -> list[Outgoing]:
        return render_notice(self._texts, self._uow, notice, now=self._clock())

    def deliver(self, notice: Notice) -> DeliveryOutcome:
        loop = self._loop
        if loop is None or loop.is_closed():
            log.warning("notice_waits_bot_not_running", member_id=notice.member_id, kind=notice.kind)
            return DeliveryOutcome.RETRY  # it stays in the outbox
        messages = self.render(notice)
        future = asyncio.run_coroutine_threadsafe(send_all(self._bot, messages, self._uow), loop)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        try:
            return future.result(timeout=self._timeout_s)
        except TimeoutError:
            log.warning("notice_send_timed_out", member_id=notice.member_id, kind=notice.kind)
            return DeliveryOutcome.RETRY

    def _done(self, future: Future[DeliveryOutcome]) -> None:
        with self._lock:
            self._pending.discard(future)

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Waits for sends still on the loop (on shutdown, and in tests)."""
        with self._lock:
            pending = list(self._pending)
        if pending:
            await asyncio.wait([asyncio.wrap_future(f) for f in pending], timeout=timeout_s)


class SendPacer:
    """Spaces messages out under Telegram's limits: about 30 messages/s overall, one per second
    in a private chat and 20 per minute in a group. Thread-safe; sleeps in the calling thread."""

    def __init__(
        self,
        *,
        per_s: float = 25.0,
        private_interval_s: float = 1.0,
        group_interval_s: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = 1.0 / per_s
        self._private = private_interval_s
        self._group = group_interval_s
        self._clock = clock
        self._sleep = sleep
        self._next_any = 0.0
        self._next_chat: dict[int, float] = {}
        self._lock = threading.Lock()

    def wait(self, chat_id: int) -> None:
        with self._lock:
            now = self._clock()
            at = max(now, self._next_any, self._next_chat.get(chat_id, 0.0))
            self._next_any = at + self._interval
            self._next_chat[chat_id] = at + (self._group if chat_id < 0 else self._private)
            if len(self._next_chat) > 10_000:  # forget chats whose turn has long passed
                self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        if at > now:
            self._sleep(at - now)


class TelegramNotifier:
    """sendMessage over the Bot API, synchronous (job threads call it). Retries what Telegram asks
    to retry (429 with retry_after, server errors, network errors) a few times, then says so (the
    notice stays in the outbox for a later attempt)."""

    def __init__(
        self,
        *,
        token: str,
        uow: UowFactory,
        base_url: str = "https://api.telegram.org/bot",
        texts: Texts | None = None,
        client: httpx.Client | None = None,
        pacer: SendPacer | None = None,
        max_attempts: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._clock = clock
        self._url = f"{base_url}{token}/sendMessage"
        self._photo_url = f"{base_url}{token}/sendPhoto"
        self._uow = uow
        self._texts = texts or Texts()
        self._client = client or httpx.Client(timeout=10.0, trust_env=False)
        self._pacer = pacer or SendPacer(sleep=sleep)
        self._max_attempts = max_attempts
        self._sleep = sleep

    def deliver(self, notice: Notice) -> DeliveryOutcome:
        messages = render_notice(self._texts, self._uow, notice, now=self._clock())
        if not messages:
            return DeliveryOutcome.UNREACHABLE
        outcome = self.send(messages[0])
        if outcome is DeliveryOutcome.SENT:
            for extra in messages[1:]:
                self.send(extra)
        return outcome

    def send(self, outgoing: Outgoing) -> DeliveryOutcome:
        payload: dict[str, Any] = {
            "chat_id": outgoing.chat_id,
            "text": outgoing.text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        markup = to_json(outgoing.keyboard)
        if markup is not None:
            payload["reply_markup"] = markup
        attempts = self._max_attempts
        attempt = 0
        while attempt < attempts:
            attempt += 1
            self._pacer.wait(int(payload["chat_id"]))
            try:
                response = self._post(payload, outgoing.photo)
            except httpx.HTTPError as error:
                log.warning("telegram_unreachable", attempt=attempt, error=str(error))
                self._sleep(min(2.0**attempt, 30.0))
                continue
            body = _json(response)
            if response.status_code == 200 and body.get("ok"):
                return DeliveryOutcome.SENT
            if response.status_code == 429:
                retry_after = float(body.get("parameters", {}).get("retry_after", 1))
                log.info("telegram_rate_limited", retry_after_s=retry_after, chat_id=outgoing.chat_id)
                self._sleep(retry_after)
                continue
            if response.status_code >= 500:
                self._sleep(min(2.0**attempt, 30.0))
                continue
            moved_to = body.get("parameters", {}).get("migrate_to_chat_id")
            if moved_to is not None and payload["chat_id"] == outgoing.chat_id:  # at most one hop
                follow_group(self._uow, outgoing.chat_id, int(moved_to), noticed_by="send")
                payload["chat_id"] = int(moved_to)
                attempts += 1  # the hop is not a failed attempt: the resend gets its own
                continue
            # 400 (chat not found), 403 (blocked by the user): retrying cannot help.
            log.info(
                "notice_unreachable",
                chat_id=outgoing.chat_id,
                status=response.status_code,
                error=body.get("description"),
            )
            return DeliveryOutcome.UNREACHABLE
        log.warning("notice_not_sent", chat_id=outgoing.chat_id, attempts=self._max_attempts)
        return DeliveryOutcome.RETRY

    def _post(self, payload: dict[str, Any], photo: bytes | None) -> httpx.Response:
        if photo is None:
            return self._client.post(self._url, json=payload)
        # sendPhoto with the file itself: multipart, the text as its caption, markup as JSON text.
        form = {"chat_id": str(payload["chat_id"]), "caption": payload["text"], "parse_mode": "HTML"}
        if "reply_markup" in payload:
            form["reply_markup"] = json.dumps(payload["reply_markup"])
        return self._client.post(self._photo_url, data=form, files={"photo": ("report.png", photo, "image/png")})

    def close(self) -> None:
        self._client.close()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
