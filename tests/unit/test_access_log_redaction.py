"""Login tokens never reach the access log."""

from __future__ import annotations

import logging

from tgexchange.cli.serve import RedactLoginTokens


def access_line(path: str) -> str:
    # The shape of uvicorn's access records: a %-format and its arguments.
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4:5", "GET", path, "1.1", 303),
        None,
    )
    assert RedactLoginTokens().filter(record)
    return record.getMessage()


def test_a_login_token_is_redacted_and_the_rest_of_the_line_kept() -> None:
    line = access_line("/exchange/dashboard/login?token=Zx9_secret-token&next=1")

    assert "Zx9_secret-token" not in line
    assert '"GET /exchange/dashboard/login?token=[redacted]&next=1 HTTP/1.1" 303' in line


def test_other_lines_are_unchanged() -> None:
    assert access_line("/exchange/dashboard/overview?period=all").endswith(
        '"GET /exchange/dashboard/overview?period=all HTTP/1.1" 303'
    )
