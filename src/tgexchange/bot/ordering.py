"""Concurrent updates, in order per person: different users are served at the same time, while
one user's updates run one after another (a "/link" must be handled before the link that
follows it)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def sender_key(update: object) -> int | None:
    """Who sent the update, for ordering and flood limits: the person, or the chat a message was
    posted as (an anonymous admin's group, a channel). Telegram shows every anonymous admin of every
    group as one user (GroupAnonymousBot), so keying those on the user would make all of them
    share one queue and one flood limit. User ids are positive and chat ids negative: no clash."""
    if not isinstance(update, Update):
        return None
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


class PerSenderUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        # Told of each update once its handlers have run (the webhook's inbox marks it done).
        self.finished: Callable[[object], None] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._in_order(update, coroutine)
        finally:
            if self.finished is not None:
                self.finished(update)

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = sender_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued behind: forget the lock
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
