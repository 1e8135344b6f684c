"""The line we never cross, checked mechanically: no code or dependency that would log in to a
platform, drive a browser or a Telegram user account, or disguise where requests come from."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "tgexchange"
# Libraries whose purpose is automating accounts or evading platforms' defences.
FORBIDDEN_PACKAGES = {
    "telethon",
    "pyrogram",
    "instagrapi",
    "instaloader",
    "selenium",
    "undetected-chromedriver",
    "tiktokapi",
    "curl-cffi",
    "playwright-stealth",
    "fake-useragent",
    "2captcha-python",
    "anticaptchaofficial",
}


def locked_packages() -> set[str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {package["name"].lower() for package in lock["package"]}


def runtime_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {re.split(r"[\[<>=! ]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]}


def test_no_account_automation_or_evasion_library_is_a_dependency() -> None:
    assert not (locked_packages() & FORBIDDEN_PACKAGES)


def test_browser_automation_is_a_test_tool_only() -> None:
    assert "playwright" not in runtime_dependencies()


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_source_file_imports_such_a_library(path: Path) -> None:
    imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", path.read_text(), flags=re.MULTILINE)
    roots = {name.split(".")[0].lower().replace("_", "-") for name in imports}
    assert not (roots & FORBIDDEN_PACKAGES | roots & {"playwright", "undetected-chromedriver"})


def test_ytdlp_is_never_given_credentials_or_a_disguise() -> None:
    from tgexchange.adapters.platforms import ytdlp

    text = Path(ytdlp.__file__).read_text()
    for option in ("cookiefile", "cookiesfrombrowser", "username", "password", "usenetrc", "ap_username"):
        assert f'"{option}":' not in text, option
