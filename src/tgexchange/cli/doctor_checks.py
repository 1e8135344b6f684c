"""What ``tgexchange doctor`` finds and how: the findings, the configuration's rules and the model
files. The database and the queue are in ``doctor_storage``, the network in ``doctor_network``.
Each check returns findings (ok, warn or problem, what was found, how to fix it) and raises
nothing it can foresee; doctor turns anything else into a problem line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import SecretStr, ValidationError

from tgexchange.bootstrap import MIN_SECRET_KEY_LENGTH
from tgexchange.config import ConfigurationError, Settings
from tgexchange.logs import LEVELS

# Telegram's rule for setWebhook's secret_token (the webhook route refuses anything else).
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
SHARED_QUEUES = frozenset({"redis", "rediss", "postgresql", "postgres"})
PLATFORM_URLS = ("https://www.youtube.com/", "https://www.tiktok.com/", "https://www.instagram.com/")


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    what: str
    fix: str = ""


@dataclass(frozen=True)
class Probe:
    """How far and how long doctor looks. Tests point the platform look-ups and the spam model
    elsewhere (hidden options of the command), so that no test needs the internet."""

    timeout_s: float = 4.0
    platform_urls: tuple[str, ...] = PLATFORM_URLS
    spam_model_dir: Path | None = None


def ok(check: str, what: str) -> Finding:
    return Finding(check, Status.OK, what)


def warn(check: str, what: str, fix: str) -> Finding:
    return Finding(check, Status.WARN, what, fix)


def problem(check: str, what: str, fix: str) -> Finding:
    return Finding(check, Status.PROBLEM, what, fix)


def secret(value: SecretStr | None) -> str:
    """A secret setting's value as the commands use it; empty when unset (``NAME=`` in a file
    means unset to ``tgexchange serve`` and ``run`` too)."""
    return value.get_secret_value() if value is not None else ""


def is_webhook_mode(settings: Settings) -> bool:
    """``tgexchange serve`` mounts the webhook when the webhook secret is set (with the token)."""
    return bool(secret(settings.telegram_webhook_secret))


def queue_scheme(settings: Settings) -> str:
    return urlsplit(settings.effective_queue_url).scheme.split("+")[0]


def is_shared(settings: Settings) -> bool:
    """Scale-out: several processes, maybe on several machines, share a server database or queue."""
    from tgexchange.adapters.db.engine import is_sqlite

    return not is_sqlite(settings.effective_database_url) or queue_scheme(settings) in SHARED_QUEUES


def safe_url(url: str) -> str:
    """``url`` without its password."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value a finding could carry, to be blotted out before anything is printed."""
    found = [
        s.get_secret_value()
        for s in (
            settings.telegram_bot_token,
            settings.telegram_webhook_secret,
            settings.secret_key,
            settings.operator_token,
            settings.youtube_api_key,
        )
        if s is not None
    ]
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    found.append(token.partition(":")[2])
    for url in (settings.database_url or "", settings.queue_url or ""):
        try:
            password = urlsplit(url).password or ""
        except ValueError:
            continue
        found.extend((password, unquote(password)))  # drivers may quote either form
    return [s for s in found if len(s) >= 4]


def settings_findings(error: ValidationError) -> list[Finding]:
    """One problem per setting pydantic refused; the value itself is never shown (it may be a
    secret)."""
    return [
        Finding(
            "configuration",
            Status.PROBLEM,
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}",
            "Fix it in the environment or .env (deploy/env.example explains each setting).",
        )
        for e in error.errors()
    ]


SAME_EVERYWHERE = "the same on every process"
NEW_SECRET_KEY = f"Set SECRET_KEY=$(openssl rand -hex 32), {SAME_EVERYWHERE}."
NEW_WEBHOOK_SECRET = f"Set TELEGRAM_WEBHOOK_SECRET=$(openssl rand -hex 32), {SAME_EVERYWHERE}."


def check_configuration(settings: Settings, _probe: Probe) -> list[Finding]:
    """The rules a setting's own validation cannot see: what the chosen mode needs."""
    from tgexchange.adapters.db.engine import is_sqlite

    found: list[Finding] = []
    shared = is_shared(settings)
    key = secret(settings.secret_key).strip()  # as bootstrap.session_secret reads it
    if key and len(key) < MIN_SECRET_KEY_LENGTH:
        found.append(
            problem("configuration", f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters.", NEW_SECRET_KEY)
        )
    elif not key and shared:
        what = "SECRET_KEY is unset: each machine would sign dashboard sessions with its own generated key."
        found.append(problem("configuration", what, NEW_SECRET_KEY))
    if is_webhook_mode(settings):
        found.extend(_webhook_settings(settings))
    elif not secret(settings.telegram_bot_token):
        fix = "Create a bot with @BotFather and set TELEGRAM_BOT_TOKEN."
        found.append(warn("configuration", "TELEGRAM_BOT_TOKEN is unset: there is no bot to run.", fix))
    if settings.log_level.upper() not in LEVELS:
        what = f"LOG_LEVEL {settings.log_level!r} is not a level: every other command refuses to start."
        found.append(problem("configuration", what, f"Set LOG_LEVEL to one of {', '.join(LEVELS)}."))
    try:
        settings.rate_limits()
    except ConfigurationError as error:
        found.append(problem("configuration", str(error), "Write it as youtube=60/60,tiktok=20/60,instagram=10/60."))
    sqlite_database = is_sqlite(settings.effective_database_url)
    if sqlite_database and queue_scheme(settings) in SHARED_QUEUES:
        what = "the queue is shared but the database is a SQLite file only this machine can open."
        found.append(warn("configuration", what, "Use PostgreSQL (DATABASE_URL) when workers run on other machines."))
    elif not sqlite_database and queue_scheme(settings) == "sqlite":
        what = "the database is shared but the job queue is a SQLite file on this machine."
        fix = "Set QUEUE_URL to Redis (redis://host:6379/0) or PostgreSQL for workers on other machines."
        found.append(warn("configuration", what, fix))
    if all(f.status is Status.OK for f in found):
        mode = "webhook (tgexchange serve + workers)" if is_webhook_mode(settings) else "long polling (tgexchange run)"
        found.append(ok("configuration", f"settings load; mode: {mode}; {'shared' if shared else 'embedded'}"))
    return found


def _webhook_settings(settings: Settings) -> list[Finding]:
    found: list[Finding] = []
    given = secret(settings.telegram_webhook_secret)
    if not secret(settings.telegram_bot_token):
        what = "TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_BOT_TOKEN is not: no webhook is served."
        found.append(problem("configuration", what, "Set TELEGRAM_BOT_TOKEN to the token from @BotFather."))
    if not _WEBHOOK_SECRET.fullmatch(given):
        what = "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -."
        found.append(problem("configuration", what, NEW_WEBHOOK_SECRET))
    elif len(given) < 16:
        found.append(
            warn("configuration", "TELEGRAM_WEBHOOK_SECRET is short enough to be guessed.", NEW_WEBHOOK_SECRET)
        )
    if not settings.public_base_url.startswith("https://"):
        what = f"PUBLIC_BASE_URL is {settings.public_base_url}: Telegram delivers webhooks to https only."
        found.append(problem("configuration", what, "Set PUBLIC_BASE_URL to the https address of your reverse proxy."))
    return found


def _toxicity_arrays(directory: Path) -> Finding:
    """profanity-check's arrays: used, not for the installed package (slower start-up), or refused."""
    from tgexchange.ml.model_arrays import ModelArtifactError, load_toxicity

    fix = "Run `tgexchange train arrays` (or reinstall tgexchange)."
    try:
        scores = load_toxicity(directory)
    except ModelArtifactError as error:
        return problem("models", f"profanity-check's arrays refused: {error}.", fix)
    if scores is None:
        what = "profanity-check's arrays are absent or were made from another version: it is imported (~1 s)."
        return warn("models", what, fix)
    return ok("models", "profanity-check's arrays match the installed package")


def check_models(settings: Settings, probe: Probe) -> list[Finding]:
    """The spam model (shipped with the package) and the promoted reciprocity model load through
    their own loaders, which check the sha256, the scikit-learn version and the trusted types."""
    from tgexchange.ml import reciprocity_artifact
    from tgexchange.ml.artifact import ARTIFACT_DIR, ModelArtifactError, load_spam_model

    found: list[Finding] = []
    try:
        spam = load_spam_model(probe.spam_model_dir or ARTIFACT_DIR)
        found.append(ok("models", f"spam model {spam.version} loads (threshold {spam.threshold:.2f})"))
    except ModelArtifactError as error:
        fix = "Run `tgexchange train spam` (or reinstall tgexchange)."
        found.append(problem("models", f"spam model refused: {error}.", fix))
    found.append(_toxicity_arrays(probe.spam_model_dir or ARTIFACT_DIR))
    directory = settings.model_dir
    version = reciprocity_artifact.current_version(directory)
    retrain = "Run `tgexchange train reciprocity` (matching uses each member's own record until then)."
    if version is None and (directory / reciprocity_artifact.CURRENT).exists():
        found.append(problem("models", f"{directory / reciprocity_artifact.CURRENT} cannot be read.", retrain))
    elif version is None:
        found.append(ok("models", "no reciprocity model promoted yet (cold start); workers train one in time"))
    else:
        try:
            reciprocity_artifact.load(directory, version)
            found.append(ok("models", f"reciprocity model {version} loads: {directory}"))
        except reciprocity_artifact.ModelRefused as error:
            # A running worker notices at its next hourly scoring and retrains then (worker/reciprocity.py).
            healing = "A running worker retrains it after its next hourly scoring; to do it now: `tgexchange train reciprocity`."
            found.append(problem("models", f"reciprocity model refused: {error}.", healing))
    if directory.exists() and not os.access(directory, os.W_OK):
        what = f"{directory} is not writable: workers cannot save retrained models."
        found.append(warn("models", what, "Give this user write access, or set ML_MODEL_PATH."))
    return found
