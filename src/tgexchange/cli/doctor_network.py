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

from tgexchange.cli.doctor_checks import Finding, Probe, Status, is_webhook_mode, ok, problem, secret, warn
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
    token = secret(settings.telegram_bot_token)
    if not token:
        return [ok("telegram", "TELEGRAM_BOT_TOKEN unset: no Bot API to ask")]
    base = settings.telegram_api_base_url
    with _client(probe) as client:
        try:
            me = _bot_api(client, base, token, "getMe")
            found = _identity(me, token)
            if found.status is not Status.OK:
                return [found]
            info = _bot_api(client, base, token, "getWebhookInfo")
        except httpx.HTTPError as error:
            what = f"the Bot API at {urlsplit(base).netloc or base} does not answer ({_why(error)})."
            return [problem("telegram", what, "Check this machine's outbound HTTPS, or TELEGRAM_API_BASE_URL.")]
    code, body = info
    if code != 200 or not isinstance(body.get("result"), dict):
        return [
            found,
            warn("telegram", f"getWebhookInfo answered {code} {body.get('description', '')}.", "Run doctor again."),
        ]
    return [found, *_webhook_findings(settings, body["result"])]


def _identity(answer: tuple[int, dict[str, Any]], token: str) -> Finding:
    code, me = answer
    if code in {401, 404}:  # Telegram answers 404 for a token that is not even well formed
        what = f"TELEGRAM_BOT_TOKEN ({masked(token)}): token rejected by Telegram ({code} {me.get('description', '')})."
        return problem("telegram", what, "Copy the token again from @BotFather (/mybots, API Token).")
    if code != 200 or not me.get("ok"):
        what = f"getMe answered {code} {me.get('description', '')}."
        return problem("telegram", what, "Try again later; if it lasts, check TELEGRAM_API_BASE_URL.")
    user = me.get("result") or {}
    return ok("telegram", f"token {masked(token)} is @{user.get('username')} (id {user.get('id')})")


def _webhook_findings(settings: Settings, info: dict[str, Any]) -> list[Finding]:
    from tgexchange.bot.webhook import WEBHOOK_PATH

    registered = str(info.get("url") or "")
    pending = int(info.get("pending_update_count") or 0)
    found: list[Finding] = []
    if is_webhook_mode(settings):
        expected = settings.public_base_url.rstrip("/") + WEBHOOK_PATH
        if not registered:
            what = f"no webhook is registered yet ({pending} updates waiting)."
            found.append(warn("telegram", what, f"Start `tgexchange serve`: it registers {expected}."))
        elif registered != expected:
            what = f"the webhook is registered at {registered}, not {expected}: updates go elsewhere."
            fix = "Fix PUBLIC_BASE_URL and restart `tgexchange serve` (it registers the webhook again)."
            found.append(problem("telegram", what, fix))
        else:
            found.append(ok("telegram", f"webhook registered at {registered} ({pending} updates waiting)"))
    elif registered:
        what = f"a webhook is registered at {registered} but this configuration polls: getUpdates conflicts with it."
        fix = (
            "Set TELEGRAM_WEBHOOK_SECRET and run `tgexchange serve`, or stop what serves that URL"
            " (`tgexchange run` deletes the webhook when it starts)."
        )
        found.append(problem("telegram", what, fix))
    else:
        found.append(ok("telegram", f"no webhook registered: long polling can run ({pending} updates waiting)"))
    error = str(info.get("last_error_message") or "")
    if error:
        when = info.get("last_error_date")
        at = datetime.fromtimestamp(int(when), UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "recently"
        what = f"Telegram's last delivery to the webhook failed ({at}): {error}."
        found.append(
            warn("telegram", what, "Check the reverse proxy, its TLS certificate and that `tgexchange serve` answers.")
        )
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
            what = f"PLATFORM_SOURCE: {directory} is not a folder of recordings."
            return [problem("platforms", what, "Fix the path after recorded:, or set PLATFORM_SOURCE=live.")]
        count = sum(1 for _ in directory.rglob("*.info.json"))
        if not count:
            return [warn("platforms", f"no recordings in {directory}.", "Put <platform>/<id>.info.json files there.")]
        return [ok("platforms", f"{count} recordings in {directory} (no platform is asked)")]
    if source != "live":
        what = f"PLATFORM_SOURCE {source!r} is neither live nor recorded:<folder>."
        return [problem("platforms", what, "Set PLATFORM_SOURCE=live.")]
    results: dict[str, Finding] = {}
    with _client(probe) as client:
        threads = [
            threading.Thread(target=_reach, args=(client, url, results), daemon=True) for url in probe.platform_urls
        ]
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
        fix = "Verification of that platform waits and retries; nothing to do unless it lasts."
        results[url] = warn("platforms", f"{host} answers {response.status_code}.", fix)
    else:
        results[url] = ok("platforms", f"{host} reachable ({response.status_code})")


def _unreachable(url: str, why: str) -> Finding:
    fix = "Verification waits and retries; check this machine's outbound HTTPS if it lasts."
    return warn("platforms", f"{urlsplit(url).netloc} unreachable ({why}).", fix)
