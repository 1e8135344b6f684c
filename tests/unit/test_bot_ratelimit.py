"""The bot's rate limiter holds back messages as Telegram limits them (20 a minute in one group),
never the membership checks of newcomers joining that group (bench/load.py soak found them
queued behind the group's message limit, holding every other member's answer back)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tgexchange.bot.ratelimit import MessageRateLimiter

GROUP = -100_123


async def send(limiter: MessageRateLimiter, endpoint: str, n: int) -> list[str]:
    async def callback(*_args: Any, **_kwargs: Any) -> bool:
        return True

    await asyncio.gather(
        *(
            limiter.process_request(
                callback=callback,
                args=(endpoint, {}),
                kwargs={},
                endpoint=endpoint,
                data={"chat_id": GROUP, "user_id": 1000 + i},
                rate_limit_args=None,
            )
            for i in range(n)
        )
    )
    return [endpoint] * n


async def test_thirty_joins_a_minute_to_one_group_are_checked_at_once() -> None:
    limiter = MessageRateLimiter()
    await limiter.initialize()
    started = time.monotonic()

    checked = await asyncio.wait_for(send(limiter, "getChatMember", 30), timeout=2)

    assert len(checked) == 30
    assert time.monotonic() - started < 2


async def test_messages_to_one_group_still_wait_for_telegrams_limit() -> None:
    limiter = MessageRateLimiter()
    await limiter.initialize()

    with pytest.raises(TimeoutError):  # the 21st message of the minute waits about 3 s
        await asyncio.wait_for(send(limiter, "sendMessage", 21), timeout=1)
