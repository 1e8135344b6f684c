"""Settings from the environment (and an optional ``.env``); the only reader of env variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    youtube_api_key: SecretStr | None = Field(default=None, validation_alias="YOUTUBE_API_KEY")
    platform_source: str = Field(default="live", validation_alias="PLATFORM_SOURCE")
    operator_token: SecretStr | None = Field(default=None, validation_alias="OPERATOR_TOKEN")
    # Signs dashboard session cookies; generated once into the data folder when unset.
    secret_key: SecretStr | None = Field(default=None, validation_alias="SECRET_KEY")
    public_base_url: str = Field(default="http://127.0.0.1:8080", validation_alias="PUBLIC_BASE_URL")
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
    def effective_database_url(self) -> str:
        """DATABASE_URL, or the embedded SQLite file under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tgexchange.db').resolve()}"
