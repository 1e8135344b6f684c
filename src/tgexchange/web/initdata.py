"""Telegram Mini App init data: who opened the app, as Telegram signed it for this bot.

Telegram hands the page a query string (``initData``: ``user``, ``auth_date``, ``hash`` and a few
more fields). The check is the one the Bot API documents ("Validating data received via the Mini
App"): the data-check string is every received field but ``hash``, sorted by key, as
``key=value`` lines joined by ``\\n``; the secret key is HMAC-SHA-256 of the bot token keyed with
``"WebAppData"``; ``hash`` must be the hex HMAC-SHA-256 of the data-check string under that key
(compared in constant time), and ``auth_date`` recent. Init data signed for another bot fails the
HMAC, since the key comes from the token. ``signature`` (Telegram's Ed25519 signature for third
parties) is a received field like any other here, so it is part of the data-check string.

Init data is a bearer credential for up to ``max_age``: it travels in the Authorization header of
the app's own requests, never in a cookie, so a browser never sends it on its own (see
web/miniapp.py on CSRF)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

# Telegram's init data is a few hundred characters (a photo URL and a signature make it longer);
# anything far beyond is not init data.
MAX_INIT_DATA_CHARS = 4096
# A client's clock may run a little ahead of ours.
FUTURE_TOLERANCE = timedelta(minutes=5)
_HEX_SHA256 = 64


class InitDataInvalid(Exception):
    """Init data that does not prove a Telegram user: ``reason`` says which check failed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class InitData:
    """What a valid init data says about the person who opened the app."""

    user_id: int
    first_name: str
    auth_date: datetime
    username: str | None = None
    language_code: str | None = None
    start_param: str | None = None


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def _fields(init_data: str) -> dict[str, str]:
    if not init_data or len(init_data) > MAX_INIT_DATA_CHARS:
        raise InitDataInvalid("malformed")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise InitDataInvalid("malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataInvalid("malformed")  # a key given twice: which one did Telegram sign?
    return fields


def validate(init_data: str, *, bot_token: str, now: datetime, max_age: timedelta) -> InitData:
    """The user the init data proves. Raises InitDataInvalid: ``malformed``, ``no_hash``,
    ``bad_hash`` (forged, tampered, or signed for another bot), ``expired`` (``auth_date`` older
    than ``max_age``), ``from_the_future``, or ``no_user``."""
    fields = _fields(init_data)
    given = fields.get("hash", "")
    if len(given) != _HEX_SHA256:
        raise InitDataInvalid("no_hash")
    expected = hmac.new(secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise InitDataInvalid("bad_hash")
    # Only signed data is read from here on.
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), tz=UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        raise InitDataInvalid("malformed") from None
    if now - auth_date > max_age:
        raise InitDataInvalid("expired")
    if auth_date - now > FUTURE_TOLERANCE:
        raise InitDataInvalid("from_the_future")
    return _user(fields, auth_date)


def _user(fields: Mapping[str, str], auth_date: datetime) -> InitData:
    try:
        user = json.loads(fields["user"])
    except (KeyError, ValueError):
        raise InitDataInvalid("no_user") from None
    user_id = user.get("id") if isinstance(user, dict) else None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise InitDataInvalid("no_user")

    def text(key: str) -> str | None:
        value = user.get(key)
        return value if isinstance(value, str) and value else None

    return InitData(
        user_id=user_id,
        first_name=text("first_name") or "",
        auth_date=auth_date,
        username=text("username"),
        language_code=text("language_code"),
        start_param=fields.get("start_param") or None,
    )


def sign(fields: Mapping[str, str], *, bot_token: str) -> str:
    """``fields`` as init data signed for the bot, as Telegram would send it (the tests and the
    benchmark open the app with it)."""
    unsigned = {key: value for key, value in fields.items() if key != "hash"}
    digest = hmac.new(secret_key(bot_token), data_check_string(unsigned).encode(), hashlib.sha256).hexdigest()
    return urlencode({**unsigned, "hash": digest})


def user_fields(
    user_id: int, *, first_name: str, auth_date: datetime, language_code: str | None = "en", **extra: str
) -> dict[str, str]:
    """Init data fields for one user, shaped as Telegram's clients send them."""
    user: dict[str, object] = {"id": user_id, "first_name": first_name, "allows_write_to_pm": True}
    if language_code is not None:
        user["language_code"] = language_code
    return {
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        "chat_instance": "-3788475317572404878",
        "chat_type": "sender",
        "auth_date": str(int(auth_date.timestamp())),
        **extra,
    }
