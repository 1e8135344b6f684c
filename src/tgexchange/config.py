"""Settings from the environment (and an optional ``.env``); the only reader of env variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from tgexchange.domain.operations import WatchdogPolicy
from tgexchange.domain.verification import VerificationPolicy


class ConfigurationError(ValueError):
    """A setting that cannot work as given; the CLI prints the message and exits 2."""


# The operator's bearer token opens every community's data: as long as SECRET_KEY must be.
MIN_OPERATOR_TOKEN_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(default=Path("data"), validation_alias="TGEXCHANGE_DATA_DIR")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    queue_url: str | None = Field(default=None, validation_alias="QUEUE_URL")
    telegram_bot_token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default="https://api.telegram.org/bot", validation_alias="TELEGRAM_API_BASE_URL")
    telegram_webhook_secret: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_WEBHOOK_SECRET")
    # The webhook's inbox (bot/inbox.py): how long a process's hold on an accepted update lasts
    # without renewal (a dead process's updates are taken again after it), and how often each
    # process renews its holds and looks for updates whose hold ran out.
    webhook_lease_s: float = Field(default=30.0, ge=1, le=3600, validation_alias="WEBHOOK_LEASE_S")
    webhook_recovery_every_s: float = Field(default=3.0, gt=0, le=600, validation_alias="WEBHOOK_RECOVERY_EVERY_S")
    youtube_api_key: SecretStr | None = Field(default=None, validation_alias="YOUTUBE_API_KEY")
    platform_source: str = Field(default="live", validation_alias="PLATFORM_SOURCE")
    operator_token: SecretStr | None = Field(default=None, validation_alias="OPERATOR_TOKEN")
    # Signs dashboard session cookies; generated once into the data folder when unset.
    secret_key: SecretStr | None = Field(default=None, validation_alias="SECRET_KEY")
    public_base_url: str = Field(default="http://127.0.0.1:8080", validation_alias="PUBLIC_BASE_URL")
    # How long the dashboard's refreshed answers are shared between viewers (web/shared_answers.py).
    dashboard_shared_s: float = Field(default=2.0, ge=0, le=10, validation_alias="DASHBOARD_SHARED_S")
    # How old the Mini App's init data may be (Telegram signs it when the app opens).
    mini_app_max_age_s: int = Field(default=3600, ge=60, le=7 * 86400, validation_alias="MINI_APP_MAX_AGE_S")
    worker_threads: int = Field(default=2, validation_alias="WORKER_THREADS")
    # Pacing of verification passes per submission (see worker/pacing.py).
    verify_debounce_s: float = Field(default=120.0, ge=0, validation_alias="VERIFY_DEBOUNCE_S")
    verify_min_interval_s: float = Field(default=600.0, ge=0, validation_alias="VERIFY_MIN_INTERVAL_S")
    # How long a crashed worker's hold on a submission blocks others; a pass takes seconds.
    verification_lock_ttl_s: float = Field(default=120.0, gt=0, validation_alias="VERIFICATION_LOCK_TTL_S")
    platform_rate_limits: str = Field(
        default="youtube=60/60,tiktok=20/60,instagram=10/60", validation_alias="PLATFORM_RATE_LIMITS"
    )
    ml_model_path: Path | None = Field(default=None, validation_alias="ML_MODEL_PATH")
    reciprocity_retrain_every_h: float = Field(default=24.0, gt=0, validation_alias="RECIPROCITY_RETRAIN_EVERY_H")
    reciprocity_scores_every_min: float = Field(default=60.0, gt=0, validation_alias="RECIPROCITY_SCORES_EVERY_MIN")
    ring_detection_every_h: float = Field(default=6.0, gt=0, validation_alias="RING_DETECTION_EVERY_H")
    # Operations (issue 18): who operates, where alerts go, the watchdog's thresholds, the autoscaler.
    operator_telegram_ids: str = Field(default="", validation_alias="OPERATOR_TELEGRAM_IDS")
    alert_urls: str = Field(default="", validation_alias="ALERT_URLS")
    watchdog_interval_s: float = Field(default=30.0, ge=5, le=3600, validation_alias="WATCHDOG_INTERVAL_S")
    watchdog_error_rate: float = Field(default=0.30, gt=0, lt=1, validation_alias="WATCHDOG_ERROR_RATE")
    watchdog_error_window_s: float = Field(default=900.0, ge=60, le=86400, validation_alias="WATCHDOG_ERROR_WINDOW_S")
    watchdog_min_passes: int = Field(default=10, ge=1, validation_alias="WATCHDOG_MIN_PASSES")
    watchdog_read_failures: int = Field(default=5, ge=1, validation_alias="WATCHDOG_READ_FAILURES")
    watchdog_spam_factor: float = Field(default=5.0, gt=1, validation_alias="WATCHDOG_SPAM_FACTOR")
    watchdog_spam_min_per_hour: int = Field(default=10, ge=1, validation_alias="WATCHDOG_SPAM_MIN_PER_HOUR")
    watchdog_backlog_age_s: float = Field(default=300.0, gt=0, validation_alias="WATCHDOG_BACKLOG_AGE_S")
    watchdog_stuck_after_s: float = Field(default=1800.0, gt=0, validation_alias="WATCHDOG_STUCK_AFTER_S")
    watchdog_job_failures: int = Field(default=5, ge=1, validation_alias="WATCHDOG_JOB_FAILURES")
    watchdog_pause_severity: float = Field(default=0.8, gt=0, le=1, validation_alias="WATCHDOG_PAUSE_SEVERITY")
    watchdog_auto_pause: bool = Field(default=True, validation_alias="WATCHDOG_AUTO_PAUSE")
    autoscale_load: float = Field(default=0.7, gt=0, le=1, validation_alias="AUTOSCALE_LOAD")
    autoscale_interval_s: float = Field(default=5.0, ge=0.5, le=300, validation_alias="AUTOSCALE_INTERVAL_S")
    autoscale_horizon_s: float = Field(default=30.0, gt=0, validation_alias="AUTOSCALE_HORIZON_S")
    autoscale_up_after: int = Field(default=3, ge=1, validation_alias="AUTOSCALE_UP_AFTER")
    autoscale_idle_after: int = Field(default=12, ge=1, validation_alias="AUTOSCALE_IDLE_AFTER")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    log_json: bool = Field(default=False, validation_alias="LOG_JSON")

    @field_validator("operator_token", mode="after")
    @classmethod
    def _operator_token_long_enough(cls, token: SecretStr | None) -> SecretStr | None:
        """Whitespace around the token (a pasted newline) is dropped; empty means unset; a short
        token is refused at start (a ValidationError: the CLI prints one line and exits 2)."""
        text = token.get_secret_value().strip() if token is not None else ""
        if not text:
            return None
        if len(text) < MIN_OPERATOR_TOKEN_LENGTH:
            raise PydanticCustomError(
                "operator_token_too_short",
                "must be at least {minimum} characters (or unset), e.g. `openssl rand -hex 32`",
                {"minimum": MIN_OPERATOR_TOKEN_LENGTH},
            )
        return SecretStr(text)

    @field_validator("operator_telegram_ids", mode="after")
    @classmethod
    def _operator_ids_are_numbers(cls, ids: str) -> str:
        for part in filter(None, (p.strip() for p in ids.replace(",", " ").split())):
            if not part.isdigit() or int(part) <= 0:
                raise PydanticCustomError(
                    "operator_id",
                    "must be Telegram user ids (positive numbers) separated by commas, not {part!r}",
                    {"part": part},
                )
        return ids

    @field_validator("alert_urls", mode="after")
    @classmethod
    def _alert_urls_have_a_scheme(cls, urls: str) -> str:
        for url in urls.split():
            if "://" not in url:
                raise PydanticCustomError(
                    "alert_url",
                    "must be Apprise URLs (scheme://...) separated by spaces, not {url!r}",
                    {"url": url[:40]},
                )
        return urls

    @property
    def operators(self) -> tuple[int, ...]:
        """OPERATOR_TELEGRAM_IDS: who may use the bot's operator commands and gets alerts."""
        return tuple(dict.fromkeys(int(p) for p in self.operator_telegram_ids.replace(",", " ").split()))

    @property
    def alert_url_list(self) -> tuple[str, ...]:
        """ALERT_URLS: Apprise URLs (email, Slack, Discord, ntfy, json://, ...), separated by spaces."""
        return tuple(self.alert_urls.split())

    def watchdog_policy(self) -> WatchdogPolicy:
        return WatchdogPolicy(
            error_rate=self.watchdog_error_rate,
            error_window=timedelta(seconds=self.watchdog_error_window_s),
            min_passes=self.watchdog_min_passes,
            read_failures=self.watchdog_read_failures,
            spam_factor=self.watchdog_spam_factor,
            spam_min_per_hour=self.watchdog_spam_min_per_hour,
            backlog_age=timedelta(seconds=self.watchdog_backlog_age_s),
            stuck_after=timedelta(seconds=self.watchdog_stuck_after_s),
            job_failures=self.watchdog_job_failures,
            pause_severity=self.watchdog_pause_severity,
            auto_pause=self.watchdog_auto_pause,
        )

    def verification_policy(self) -> VerificationPolicy:
        return VerificationPolicy(
            debounce=timedelta(seconds=self.verify_debounce_s),
            min_interval=timedelta(seconds=self.verify_min_interval_s),
        )

    @property
    def effective_queue_url(self) -> str:
        """QUEUE_URL, or the embedded SQLite queue file under the data folder."""
        if self.queue_url:
            return self.queue_url
        return f"sqlite:///{(self.data_dir / 'queue.db').resolve()}"

    def rate_limits(self) -> dict[str, tuple[int, int]]:
        """PLATFORM_RATE_LIMITS as {platform: (requests, per seconds)}, shared by all workers.
        Raises ConfigurationError for a malformed value."""
        limits: dict[str, tuple[int, int]] = {}
        for item in filter(None, (part.strip() for part in self.platform_rate_limits.split(","))):
            name, _, rate = item.partition("=")
            count, _, per = rate.partition("/")
            if not (name and count.isdigit() and per.isdigit() and int(count) > 0 and int(per) > 0):
                raise ConfigurationError(f"PLATFORM_RATE_LIMITS item {item!r} is not platform=requests/seconds")
            limits[name.strip()] = (int(count), int(per))
        return limits

    @property
    def model_dir(self) -> Path:
        """Where the reciprocity model's versions live: ML_MODEL_PATH, else models/ in the data folder."""
        return self.ml_model_path or self.data_dir / "models"

    @property
    def effective_database_url(self) -> str:
        """DATABASE_URL, or the embedded SQLite file under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tgexchange.db').resolve()}"
