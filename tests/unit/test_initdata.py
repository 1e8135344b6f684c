"""Telegram's init data, checked as the Bot API documents it: only data Telegram signed for this
bot, recently, proves a user."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from tgexchange.web.initdata import InitDataInvalid, data_check_string, secret_key, sign, user_fields, validate

TOKEN = "7000000001:AAtest-token-for-offline-tests"
OTHER_BOT = "7000000002:AAanother-bot-entirely"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def signed(*, token: str = TOKEN, auth_date: datetime = NOW, **extra: str) -> str:
    return sign(user_fields(42, first_name="Ana", auth_date=auth_date, language_code="es", **extra), bot_token=token)


def check(init_data: str, *, now: datetime = NOW) -> str:
    """The reason the init data is refused."""
    with pytest.raises(InitDataInvalid) as refused:
        validate(init_data, bot_token=TOKEN, now=now, max_age=HOUR)
    return refused.value.reason


def test_init_data_signed_for_the_bot_proves_its_user() -> None:
    user = validate(signed(start_param="c1"), bot_token=TOKEN, now=NOW + timedelta(minutes=59), max_age=HOUR)

    assert (user.user_id, user.first_name, user.language_code, user.start_param) == (42, "Ana", "es", "c1")
    assert user.auth_date == NOW


def test_the_check_is_the_documented_one_computed_independently() -> None:
    # Built here by hand from the Bot API's description, not with the module's own helpers.
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": '{"id":279058397,"first_name":"Vladislav","language_code":"ru"}',
        "auth_date": str(int(NOW.timestamp())),
        "signature": "T8aGLlGIWqc7wWiLgMv5eGgqBgs68CM9TlzgpvFjLoNR4RBOKXjlozKDYKdyitVsUx9W1VugcLyJHkE088HDAA",
    }
    check_string = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    key = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, check_string.encode(), hashlib.sha256).hexdigest()

    user = validate(urlencode({**fields, "hash": digest}), bot_token=TOKEN, now=NOW, max_age=HOUR)

    assert user.user_id == 279058397
    assert secret_key(TOKEN) == key
    assert data_check_string({**fields, "hash": digest}) == check_string


def test_a_forged_hash_is_refused() -> None:
    fields = dict(parse_qsl(signed()))
    fields["hash"] = hashlib.sha256(b"forged").hexdigest()

    assert check(urlencode(fields)) == "bad_hash"


def test_init_data_signed_for_another_bot_is_refused() -> None:
    assert check(signed(token=OTHER_BOT)) == "bad_hash"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("user", json.dumps({"id": 1, "first_name": "Admin", "language_code": "en"})),  # someone else
        ("auth_date", str(int((NOW + timedelta(minutes=1)).timestamp()))),  # a fresher date
        ("chat_type", "group"),
    ],
)
def test_a_tampered_field_is_refused(field: str, value: str) -> None:
    fields = dict(parse_qsl(signed()))
    fields[field] = value

    assert check(urlencode(fields)) == "bad_hash"


def test_an_added_field_or_a_dropped_one_is_refused() -> None:
    fields = dict(parse_qsl(signed()))
    added = {**fields, "start_param": "admin"}
    dropped = {k: v for k, v in fields.items() if k != "chat_instance"}

    assert check(urlencode(added)) == "bad_hash"
    assert check(urlencode(dropped)) == "bad_hash"


def test_init_data_older_than_the_allowed_age_is_refused() -> None:
    assert check(signed(auth_date=NOW - HOUR - timedelta(seconds=1))) == "expired"


def test_init_data_from_the_future_is_refused_beyond_a_little_clock_skew() -> None:
    validate(signed(auth_date=NOW + timedelta(minutes=4)), bot_token=TOKEN, now=NOW, max_age=HOUR)

    assert check(signed(auth_date=NOW + timedelta(minutes=6))) == "from_the_future"


@pytest.mark.parametrize(
    "init_data",
    ["", "x" * 5000, "user=1&user=2&hash=" + "0" * 64, "no-equals-sign", "auth_date=%FF%FE&hash=" + "0" * 64],
)
def test_malformed_init_data_is_refused(init_data: str) -> None:
    assert check(init_data) in {"malformed", "no_hash"}


def test_init_data_without_a_hash_is_refused() -> None:
    fields = {k: v for k, v in parse_qsl(signed()) if k != "hash"}

    assert check(urlencode(fields)) == "no_hash"


def test_a_key_given_twice_is_refused_even_if_one_of_them_was_signed() -> None:
    assert check(signed() + "&user=" + json.dumps({"id": 1})) == "malformed"


def test_signed_data_without_a_user_proves_nobody() -> None:
    fields = {"auth_date": str(int(NOW.timestamp())), "query_id": "AAH"}
    assert check(sign(fields, bot_token=TOKEN)) == "no_user"
    assert check(sign({**fields, "user": '{"id": "42"}'}, bot_token=TOKEN)) == "no_user"
    assert check(sign({**fields, "user": '{"id": true}'}, bot_token=TOKEN)) == "no_user"


def test_a_signed_non_numeric_date_is_refused() -> None:
    fields = user_fields(42, first_name="Ana", auth_date=NOW)
    fields["auth_date"] = "yesterday"

    assert check(sign(fields, bot_token=TOKEN)) == "malformed"
