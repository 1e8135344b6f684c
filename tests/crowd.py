"""Telegram users driving a running cluster (tests/cluster.py) through its webhook, as Telegram
would: each update is POSTed until it is answered 2xx (the same update_id every time), and what the
bot did is read back from the Bot API stand-in's log. Used by the multi-process test and the fault
run (bench/faults.py).

Members follow the exchange's steps: join through the group's link, link a channel (the code is
posted as a comment on their own video in the platform recordings), submit a video, take a task,
comment on the video (in the recordings) and press [Done]. Every step waits for the bot's answer
(up to ``patience_s``) before the next, as a person would; a step that gets no answer in time
returns None and the member's script stops there."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from tests.botapi import Call, TgUser, Updates
from tests.recordings import RecordedComment, write_youtube_recording

CODE = re.compile(r"TGX-[A-Z0-9]{6}")
JOIN_LINK = re.compile(r"start=(c\d+-[A-Za-z0-9_-]+)")
# The bot's answers to /task when it gives no task (English).
NO_TASK = ("Nothing is waiting for feedback", "Nothing is open to you", "open tasks (the limit")
VIDEO = re.compile(r"(?:v=|youtu\.be/)([A-Za-z0-9_-]{11})")


class BotApiLog:
    """The stand-in's JSON-lines log, read as it grows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.calls: list[Call] = []
        self._offset = 0

    def refresh(self) -> list[Call]:
        if not self.path.exists():
            return self.calls
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            chunk = handle.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self._offset += len(complete)
        for line in complete.splitlines():
            record = json.loads(line)
            self.calls.append(Call(record["method"], record["params"], record["result"]))
        return self.calls

    def messages_to(self, chat_id: int, since: int = 0) -> list[Call]:
        return [
            c
            for c in self.calls[since:]
            if c.method in {"sendMessage", "editMessageText"} and c.chat_id == chat_id and c.result is not None
        ]

    def answered_queries(self) -> Counter[str]:
        """How many times each callback query was answered (answerCallbackQuery)."""
        return Counter(str(c.params.get("callback_query_id")) for c in self.calls if c.method == "answerCallbackQuery")


@dataclass
class Delivery:
    """One update as Telegram saw it: every answer it got, until a 2xx."""

    update_id: int
    kind: str
    user_id: int
    answers: list[str] = field(default_factory=list)  # status codes, or the connection error's name
    times: list[float] = field(default_factory=list)  # when each answer came (time.time())
    first_at: float = 0.0
    accepted_at: float | None = None
    query_id: str | None = None  # a button press: its callback query, which the bot answers
    data: str | None = None  # and the button's data

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


class Recordings:
    """The platform's public data, as PLATFORM_SOURCE=recorded:<dir> reads it. Files are replaced
    whole (write, then rename), so a worker never reads half a file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.videos: dict[str, tuple[str, list[RecordedComment]]] = {}
        self._staging = directory.parent / (directory.name + ".staging")

    def publish(self, video_id: str, channel_id: str) -> str:
        self.videos[video_id] = (channel_id, [])
        self._write(video_id)
        return f"https://youtu.be/{video_id}"

    def comment(self, video_id: str, author_channel_id: str, text: str) -> None:
        _, comments = self.videos[video_id]
        comments.insert(0, RecordedComment(author_channel_id, text, datetime.now(UTC)))  # newest first
        self._write(video_id)

    def _write(self, video_id: str) -> None:
        channel_id, comments = self.videos[video_id]
        staged = write_youtube_recording(self._staging, video_id=video_id, channel_id=channel_id, comments=comments)
        target = self.directory / "youtube" / staged.name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)


def channel_of(user_id: int) -> str:
    return f"UC{user_id:022d}"


def own_video(user_id: int, n: int = 0) -> str:
    return f"{'PS'[n % 2]}{user_id:010d}"[:11]


class Telegram:
    """Delivers updates to the cluster's webhook and reads what the bot sent."""

    def __init__(self, webhook_url: str, headers: dict[str, str], log: BotApiLog, *, patience_s: float = 20) -> None:
        self.webhook_url = webhook_url
        self.headers = headers
        self.log = log
        self.patience_s = patience_s
        self.updates = Updates(date=int(time.time()))
        self.deliveries: list[Delivery] = []
        # A new connection per POST, as Telegram's retries come on new connections: the kernel
        # spreads connections (not requests) over the processes sharing the port.
        self.client = httpx.AsyncClient(
            timeout=10, limits=httpx.Limits(max_connections=64, max_keepalive_connections=0)
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def deliver(self, update: dict[str, Any], kind: str, user_id: int) -> Delivery:
        """POSTs ``update`` until the webhook answers 2xx, waiting longer after each failure
        (Telegram's retries, shortened)."""
        delivery = Delivery(int(update["update_id"]), kind, user_id, first_at=time.time())
        if "callback_query" in update:
            delivery.query_id = str(update["callback_query"]["id"])
            delivery.data = str(update["callback_query"]["data"])
        self.deliveries.append(delivery)
        wait = 0.2
        while True:
            try:
                response = await self.client.post(self.webhook_url, json=update, headers=self.headers)
                delivery.answers.append(str(response.status_code))
                delivery.times.append(time.time())
                if 200 <= response.status_code < 300:
                    delivery.accepted_at = time.time()
                    return delivery
            except httpx.HTTPError as error:
                delivery.answers.append(type(error).__name__)
                delivery.times.append(time.time())
            await asyncio.sleep(wait)
            wait = min(wait * 1.5, 2.0)

    async def reply(
        self, chat_id: int, since: int, *, contains: str = "", button: str = "", or_contains: tuple[str, ...] = ()
    ) -> Call | None:
        """The first message to ``chat_id`` after position ``since`` of the log whose text has
        ``contains`` and that has a button starting with ``button``; None after patience_s."""
        deadline = time.monotonic() + self.patience_s
        while time.monotonic() < deadline:
            for call in self.log.messages_to(chat_id, since):
                if (contains in call.text and (not button or _has_button(call, button))) or any(
                    text in call.text for text in or_contains
                ):
                    return call
            await asyncio.sleep(0.05)
            self.log.refresh()
        return None

    def mark(self) -> int:
        return len(self.log.refresh())

    async def say(
        self,
        user: TgUser,
        text: str,
        kind: str,
        *,
        contains: str = "",
        button: str = "",
        or_contains: tuple[str, ...] = (),
    ) -> Call | None:
        since = self.mark()
        await self.deliver(self.updates.private(user, text), kind, user.id)
        return await self.reply(user.id, since, contains=contains, button=button, or_contains=or_contains)

    async def press(
        self,
        user: TgUser,
        call: Call,
        data: str,
        kind: str,
        *,
        contains: str = "",
        button: str = "",
        or_contains: tuple[str, ...] = (),
    ) -> Call | None:
        since = self.mark()
        await self.deliver(self.updates.press(user, call, data), kind, user.id)
        return await self.reply(
            call.chat_id or user.id, since, contains=contains, button=button, or_contains=or_contains
        )

    async def add_bot_to_group(self, admin: TgUser, chat_id: int) -> str | None:
        """The admin adds the bot to the group; returns the join link's payload from the welcome."""
        since = self.mark()
        await self.deliver(self.updates.bot_status(chat_id, admin, "left", "administrator"), "bot_added", admin.id)
        welcome = await self.reply(chat_id, since, contains="")
        if welcome is None:
            return None
        for b in welcome.buttons:
            found = JOIN_LINK.search(str(b.get("url", "")))
            if found:
                return found.group(1)
        return None


def _has_button(call: Call, starts_with: str) -> bool:
    return any(
        str(b.get("callback_data", "")).startswith(starts_with) or str(b.get("url", "")).startswith(starts_with)
        for b in call.buttons
    )


@dataclass
class Member:
    """One person's steps through the exchange."""

    tg: Telegram
    user: TgUser
    recordings: Recordings
    steps: list[str] = field(default_factory=list)

    async def join(self, payload: str) -> Call | None:
        return await self.tg.say(self.user, f"/start {payload}", "join", contains="Welcome")

    async def link_channel(self) -> bool:
        menu = await self.tg.say(self.user, "/link", "link", button="lp:youtube")
        if menu is None:
            return False
        code_message = await self.tg.press(self.user, menu, "lp:youtube", "link_platform", contains="TGX-")
        code = CODE.search(code_message.text) if code_message else None
        if code is None:
            return False
        video = own_video(self.user.id, 0)
        url = self.recordings.publish(video, channel_of(self.user.id))
        self.recordings.comment(video, channel_of(self.user.id), f"my code {code.group()}")
        since = self.tg.mark()
        await self.tg.deliver(self.tg.updates.private(self.user, url), "link_video", self.user.id)
        # "🔎 Checking…" first, then the same message becomes the outcome.
        deadline = time.monotonic() + self.tg.patience_s
        while time.monotonic() < deadline:
            self.tg.log.refresh()
            for call in self.tg.log.messages_to(self.user.id, since):
                if call.buttons and not call.text.startswith("🔎"):
                    return "Linked" in call.text or "linked" in call.text
            await asyncio.sleep(0.05)
        return False

    async def submit(self, count: int = 2) -> bool:
        video = own_video(self.user.id, 1)
        url = self.recordings.publish(video, channel_of(self.user.id))
        question = await self.tg.say(self.user, url, "submit", button="sb:")
        if question is None:
            return False
        done = await self.tg.press(self.user, question, f"sb:{count}", "submit_count", contains="✅")
        return done is not None

    async def take_task(self) -> tuple[Call, str] | None:
        """The task card and the video it is about."""
        card = await self.tg.say(self.user, "/task", "task", button="td:", or_contains=NO_TASK)
        if card is None or not _has_button(card, "td:"):
            return None
        for b in card.buttons:
            found = VIDEO.search(str(b.get("url", "")))
            if found:
                return card, found.group(1)
        return None

    async def comment_and_press_done(self, card: Call, video: str, text: str) -> bool:
        self.recordings.comment(video, channel_of(self.user.id), text)
        data = card.button("td:")["callback_data"]
        answer = await self.tg.press(self.user, card, data, "task_done")
        return answer is not None

    async def balance(self) -> bool:
        return await self.tg.say(self.user, "/balance", "balance", contains="💰 You have") is not None

    async def me(self) -> bool:
        return await self.tg.say(self.user, "/me", "me", contains="Feedback verified:") is not None

    async def language(self, language: str) -> bool:
        menu = await self.tg.say(self.user, "/language", "language", button="lg:")
        if menu is None:
            return False
        done = await self.tg.press(self.user, menu, f"lg:{language}", "language_tap", or_contains=("✅",))
        return done is not None


def admin_user(chat_id: int) -> TgUser:
    return TgUser(900_000 + abs(chat_id) % 100_000, "Admin")
