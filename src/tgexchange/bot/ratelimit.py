"""What Telegram limits is messages sent (about 30 a second overall, 20 a minute in one group);
python-telegram-bot's AIORateLimiter counts every request that names a chat instead, reads
included. The join path asks ``getChatMember`` about the community's group for every newcomer,
so a group with more than 20 joins a minute queued its membership checks behind the group's
message limit: each waiting check held one of the bot's concurrent update slots, and once they
were all held every member's answer waited too (bench/load.py soak, docs/RELIABILITY.md "Load")."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

# Requests that read a chat rather than post to it: never counted against a chat's message limits.
Answer = bool | dict[str, Any] | list[dict[str, Any]]
READS = frozenset({"getChat", "getChatMember", "getChatAdministrators", "getChatMemberCount"})


class MessageRateLimiter(AIORateLimiter):
    """AIORateLimiter for messages only: a read goes out at once (a 429 on it is still waited out
    and retried, as AIORateLimiter does for everything)."""

    async def process_request(  # noqa: PLR0917 - AIORateLimiter's signature
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        if endpoint in READS:
            # AIORateLimiter decides which limits apply from ``data``'s chat_id alone; the request
            # itself goes out through ``callback`` with its own arguments.
            data = {}
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
