"""Deep links from a group to the bot's private chat: ``t.me/<bot>?start=<payload>``.

A join link's payload is ``c<community id>-<mac>``; an admin's is ``<view><community id>-<mac>``,
one letter for what it opens (ADMIN_VIEWS). The short MAC (48 bits of HMAC-SHA256 keyed by a
secret derived from the bot token, over the letter and the id) means a payload cannot be made up
for a community whose link one has not seen, nor turned from one kind into another. Neither is a
credential: joining checks with getChatMember that the person is really in that group, and an
admin view checks that they are still one of its admins.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re

_PAYLOAD = re.compile(r"c([0-9]{1,18})-([A-Za-z0-9_-]{8})")
# The admin menu, its settings, stats and audit, and a dashboard login link.
ADMIN_VIEWS = "mstad"
_ADMIN_PAYLOAD = re.compile(rf"([{ADMIN_VIEWS}])([0-9]{{1,18}})-([A-Za-z0-9_-]{{8}})")
# "/start <admin payload>", as a filter can tell it from a join before any handler runs.
ADMIN_START = re.compile(rf"^/start(@\w+)?\s+[{ADMIN_VIEWS}][0-9]")


def _mac(key: bytes, subject: str) -> str:
    digest = hmac.new(key, subject.encode(), hashlib.sha256).digest()[:6]
    return base64.urlsafe_b64encode(digest).decode()


def link_key(bot_token: str) -> bytes:
    return hashlib.sha256(b"tgexchange deep link\0" + bot_token.encode()).digest()


def make_payload(key: bytes, community_id: int) -> str:
    """At most 28 characters of [A-Za-z0-9_-], as Telegram's start parameter requires."""
    return f"c{community_id}-{_mac(key, f'c{community_id}')}"


# Every newcomer of a group brings the same payload: its check (an HMAC) is done once, as long as
# it is among the latest payloads seen. The answer depends on nothing else, so it cannot go stale.
@functools.lru_cache(maxsize=4096)
def read_payload(key: bytes, payload: str) -> int | None:
    """The community id, or None for anything this bot did not make."""
    match = _PAYLOAD.fullmatch(payload.strip())
    if match is None:
        return None
    community_id = int(match.group(1))
    return community_id if hmac.compare_digest(match.group(2), _mac(key, f"c{community_id}")) else None


def make_admin_payload(key: bytes, community_id: int, view: str) -> str:
    """``view`` is one letter of ADMIN_VIEWS."""
    if len(view) != 1 or view not in ADMIN_VIEWS:
        raise ValueError(f"no admin view {view!r}")
    return f"{view}{community_id}-{_mac(key, f'{view}{community_id}')}"


def read_admin_payload(key: bytes, payload: str) -> tuple[str, int] | None:
    """(view, community id), or None for anything this bot did not make."""
    match = _ADMIN_PAYLOAD.fullmatch(payload.strip())
    if match is None:
        return None
    view, community_id = match.group(1), int(match.group(2))
    return (view, community_id) if hmac.compare_digest(match.group(3), _mac(key, f"{view}{community_id}")) else None


def start_url(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"
