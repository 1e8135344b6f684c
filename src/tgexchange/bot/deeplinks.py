"""Deep links from a group to the bot's private chat: ``t.me/<bot>?start=c<community id>-<mac>``.

The short MAC (48 bits of HMAC-SHA256 keyed by a secret derived from the bot token) means a
payload cannot be made up for a community whose link one has not seen; joining also checks with
getChatMember that the person is really in that group.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

_PAYLOAD = re.compile(r"c([0-9]{1,18})-([A-Za-z0-9_-]{8})")


def _mac(key: bytes, community_id: int) -> str:
    digest = hmac.new(key, f"c{community_id}".encode(), hashlib.sha256).digest()[:6]
    return base64.urlsafe_b64encode(digest).decode()


def link_key(bot_token: str) -> bytes:
    return hashlib.sha256(b"tgexchange deep link\0" + bot_token.encode()).digest()


def make_payload(key: bytes, community_id: int) -> str:
    """At most 28 characters of [A-Za-z0-9_-], as Telegram's start parameter requires."""
    return f"c{community_id}-{_mac(key, community_id)}"


def read_payload(key: bytes, payload: str) -> int | None:
    """The community id, or None for anything this bot did not make."""
    match = _PAYLOAD.fullmatch(payload.strip())
    if match is None:
        return None
    community_id = int(match.group(1))
    return community_id if hmac.compare_digest(match.group(2), _mac(key, community_id)) else None


def start_url(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"
