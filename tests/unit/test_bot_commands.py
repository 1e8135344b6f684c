"""Ids and commands typed or pressed by members are read strictly."""

from __future__ import annotations

import pytest

from tgexchange.bot.commands import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        ("007", 7),
        (str(MAX_ID + 1), None),  # would overflow a BIGINT column
        ("12345678901234567890123", None),
        ("0", None),
        ("-5", None),
        ("+5", None),
        (" 5", None),
        ("²", None),  # "²".isdigit() is True, int("²") raises
        ("٣", None),  # an Arabic-Indic three: isdecimal() but not ASCII
        ("５", None),  # fullwidth five
        ("5e3", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id_takes_only_ascii_decimals_within_64_bits(text: str | None, expected: int | None) -> None:
    assert parse_id(text) == expected
