"""What ``tgexchange doctor`` asks over the network: Telegram's Bot API (getMe, getWebhookInfo)
and whether the platforms' public pages answer. Every request has a short timeout; nothing here
logs in anywhere or sends anything but a read."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from tgexchange.cli.doctor_checks import Finding, Probe, Status, is_webhook_mode
from tgexchange.config import Settings

USER_AGENT = "tgexchange-doctor/0.1"
RECORDED_PREFIX = "recorded:"


def masked(token: str) -> str:
    """The bot's id (public: it is in every message the bot sends) and never the secret part."""
    bot_id, _, _secret = token.partition(":")
    return f"{bot_id[:12]}:***" if bot_id.isdigit() else "***"


def _client(probe: Probe) -> httpx.Client:
    # No proxy or .netrc from the environment, like the platform readers' own client.
    return httpx.Client(timeout=probe.timeout_s, trust_env=False, headers={"User-Agent": USER_AGENT})


def _bot_api(client: httpx.Client, base_url: str, token: str, method: str) -> tuple[int, dict[str, Any]]:
    response = client.post(f"{base_url}{token}/{method}")
    try:
        body = response.json()
    except ValueError:
        body = {}
    return response.status_code, body if isinstance(body, dict) else {}


def check_telegram(settings: Settings, probe: Probe) -> list[Finding]:
    """getMe proves the token; getWebhookInfo shows whether Telegram's delivery fits the mode."""
    if settings.telegram_bot_token is None:
        return [Finding("telegram", Status.OK, "TELEGRAM_BOT_TOKEN unset: no Bot API to ask")]
    token = settings.telegram_bot_token.get_secret_value()
    base = settings.telegram_api_base_url
    host = urlsplit(base).netloc or base
    with _client(probe) as client:
        try:
            code, me = _bot_api(client, base, token, "getMe")
        except httpx.HTTPError as error:
            return [Finding("telegram", Status.PROBLEM, f"the Bot API at {host} does not answer ({_why(error)}).",
                            "Check this machine's outbound HTTPS, or TELEGRAM_API_BASE_URL.")]  # fmt: skip
        if code in {401, 404}:
            return [Finding("telegram", Status.PROBLEM,
                            f"TELEGRAM_BOT_TOKEN ({masked(token)}): token rejected by Telegram ({code} {me.get('description', '')}).",
                            "Copy the token again from @BotFather (/mybots → API Token).")]  # fmt: skip
        if code != 200 or not me.get("ok"):
            return [Finding("telegram", Status.PROBLEM, f"getMe answered {code} {me.get('description', '')}.",
                            "Try again later; if it persists, check TELEGRAM_API_BASE_URL.")]  # fmt: skip
        user = me.get("result") or {}
        found = [Finding("telegram", Status.OK, f"token {masked(token)} is @{user.get('username')} (id {user.get('id')})")]
        try:
            code, info = _bot_api(client, base, token, "getWebhookInfo")
        except httpx.HTTPError as error:
            return [*found, Finding("telegram", Status.WARN, f"getWebhookInfo failed ({_why(error)}).", "Run doctor again.")]
    if code != 200 or not isinstance(info.get("result"), dict):
        return [*found, Finding("telegram", Status.WARN, f"getWebhookInfo answered {code}.", "Run doctor again.")]
    return found + _webhook_findings(settings, info["result"])


def _webhook_findings(settings: Settings, info: dict[str, Any]) -> list[Finding]:
    from tgexchange.bot.webhook import WEBHOOK_PATH

    registered = str(info.get("url") or "")
    pending = int(info.get("pending_update_count") or 0)
    found: list[Finding] = []
    if is_webhook_mode(settings):
        expected = settings.public_base_url.rstrip("/") + WEBHOOK_PATH
        if not registered:
            found.append(Finding("telegram", Status.WARN, f"no webhook is registered yet ({pending} updates waiting).",
                                 f"Start `tgexchange serve`: it registers {expected}."))  # fmt: skip
        elif registered != expected:
            found.append(Finding("telegram", Status.PROBLEM,
                                 f"the webhook is registered at {registered}, not {expected}: updates go elsewhere.",
                                 "Fix PUBLIC_BASE_URL and restart `tgexchange serve` (it registers the webhook again)."))  # fmt: skip
        else:
            found.append(Finding("telegram", Status.OK, f"webhook registered at {registered} ({pending} updates waiting)"))
    elif registered:
        found.append(Finding("telegram", Status.PROBLEM,
                             f"a webhook is registered at {registered} but this configuration polls: getUpdates conflicts with it.",
                             "Set TELEGRAM_WEBHOOK_SECRET and run `tgexchange serve`, or stop what serves that URL "
                             "(`tgexchange run` deletes the webhook when it starts)."))  # fmt: skip
    else:
        found.append(Finding("telegram", Status.OK, f"no webhook registered: long polling can run ({pending} updates waiting)"))
    error = str(info.get("last_error_message") or "")
    if error:
        when = info.get("last_error_date")
        at = datetime.fromtimestamp(int(when), UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "recently"
        found.append(Finding("telegram", Status.WARN, f"Telegram's last delivery to the webhook failed ({at}): {error}.",
                             "Check the reverse proxy, its TLS certificate and that `tgexchange serve` answers."))  # fmt: skip
    return found


def _why(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:200]


def check_platforms(settings: Settings, probe: Probe) -> list[Finding]:
    """Recordings: their folder exists. Live: one HEAD per platform's public home page, side by
    side. An unreachable platform is a warning: verification waits and retries, rejects nobody."""
    source = settings.platform_source
    if source.startswith(RECORDED_PREFIX):
        directory = Path(source.removeprefix(RECORDED_PREFIX)).expanduser()
        if not directory.is_dir():
            return [Finding("platforms", Status.PROBLEM, f"PLATFORM_SOURCE: {directory} is not a folder of recordings.",
                            "Fix the path after recorded:, or set PLATFORM_SOURCE=live.")]  # fmt: skip
        count = sum(1 for _ in directory.rglob("*.info.json"))
        status = Status.OK if count else Status.WARN
        return [Finding("platforms", status, f"{count} recordings in {directory} (no platform is asked)",
                        "" if count else "Put <platform>/<id>.info.json files there.")]  # fmt: skip
    if source != "live":
        return [Finding("platforms", Status.PROBLEM, f"PLATFORM_SOURCE {source!r} is neither live nor recorded:<folder>.",
                        "Set PLATFORM_SOURCE=live.")]  # fmt: skip
    results: dict[str, Finding] = {}
    with _client(probe) as client:
        threads = [threading.Thread(target=_reach, args=(client, url, results), daemon=True) for url in probe.platform_urls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(probe.timeout_s * 2)
    return [results.get(url) or _unreachable(url, "no answer in time") for url in probe.platform_urls]


def _reach(client: httpx.Client, url: str, results: dict[str, Finding]) -> None:
    try:
        response = client.head(url)
    except httpx.HTTPError as error:
        results[url] = _unreachable(url, _why(error))
        return
    host = urlsplit(url).netloc
    if response.status_code == 429 or response.status_code >= 500:
        results[url] = Finding("platforms", Status.WARN, f"{host} answers {response.status_code}.",
                               "Verification of that platform waits and retries; nothing to do unless it lasts.")  # fmt: skip
    else:
        results[url] = Finding("platforms", Status.OK, f"{host} reachable ({response.status_code})")


def _unreachable(url: str, why: str) -> Finding:
    return Finding("platforms", Status.WARN, f"{urlsplit(url).netloc} unreachable ({why}).",
                   "Verification waits and retries; check this machine's outbound HTTPS if it lasts.")  # fmt: skip
