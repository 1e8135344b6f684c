"""Composition root: builds the adapters the faces use. Nothing is built at import time; tests
pass their own clock, platform readers, quality gate and notifier here."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from tgexchange.adapters.clock import SystemClock
from tgexchange.adapters.db.engine import make_engine, stop_checkpoints
from tgexchange.adapters.db.fair_play import SqlFairPlayReader
from tgexchange.adapters.db.fair_play_dashboard import SqlFairPlayDashboard
from tgexchange.adapters.db.member_reader import SqlMemberReader
from tgexchange.adapters.db.migrate import current_revision, head_revision, upgrade
from tgexchange.adapters.db.miniapp_reader import SqlMiniAppReader
from tgexchange.adapters.db.notifications import SqlOutbox
from tgexchange.adapters.db.rollup import update_rollups
from tgexchange.adapters.db.rollup_reader import SqlDashboardReader
from tgexchange.adapters.db.unit_of_work import EventHandler, SqlAlchemyUnitOfWork, make_session_factory
from tgexchange.adapters.notifications import LogNotifier
from tgexchange.config import ConfigurationError, Settings
from tgexchange.services.notifications import record_notices
from tgexchange.services.ports import (
    Clock,
    CommentReader,
    ContentReader,
    DashboardReader,
    FairPlayDashboard,
    FairPlayReader,
    MemberReader,
    MiniAppReader,
    Notifier,
    Outbox,
    QualityGate,
    ShortLinkResolver,
)
from tgexchange.services.ports.reciprocity import ReciprocityLearner, ReciprocityScores
from tgexchange.services.ports.rings import RingStore

if TYPE_CHECKING:
    from tgexchange.adapters.db.inbox import SqlWebhookInbox
    from tgexchange.adapters.db.updates import SqlUpdateLog
    from tgexchange.adapters.platforms.circuit_breaker import BreakerStore


@dataclass
class Storage:
    engine: Engine
    session_factory: sessionmaker[Session]
    in_transaction_handlers: list[EventHandler] = field(default_factory=list)

    def uow(self) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work; one per use-case call (they are not shared across threads)."""
        return SqlAlchemyUnitOfWork(self.session_factory, in_transaction_handlers=self.in_transaction_handlers)

    def dispose(self) -> None:
        stop_checkpoints(self.engine)
        self.engine.dispose()

    @cached_property
    def dashboard_reader(self) -> DashboardReader:
        return SqlDashboardReader(self.engine)

    @cached_property
    def member_reader(self) -> MemberReader:
        return SqlMemberReader(self.engine)

    @cached_property
    def fair_play_reader(self) -> FairPlayReader:
        return SqlFairPlayReader(self.engine)

    @cached_property
    def fair_play_dashboard(self) -> FairPlayDashboard:
        return SqlFairPlayDashboard(self.engine)

    @cached_property
    def miniapp_reader(self) -> MiniAppReader:
        return SqlMiniAppReader(self.engine)

    @cached_property
    def outbox(self) -> Outbox:
        return SqlOutbox(self.engine)

    @cached_property
    def rings(self) -> RingStore:
        from tgexchange.adapters.db.ring import SqlRingStore

        return SqlRingStore(self.engine)

    def without_notices(self) -> Storage:
        """The same database, writing no notices: for simulated members, whom nobody can tell."""
        handlers = [h for h in self.in_transaction_handlers if h is not record_notices]
        return Storage(engine=self.engine, session_factory=self.session_factory, in_transaction_handlers=handlers)

    def is_at_head(self) -> bool:
        """Whether the database answers and its schema is at the latest migration. Raises the
        driver's error when the database cannot be reached."""
        return current_revision(self.engine) == head_revision()


def storage_on(engine: Engine) -> Storage:
    """Storage on a ready engine, with the in-transaction handlers every writer must run: the
    dashboard rollups change in the same transaction as the task transitions they count, and the
    notices announcing a decision are written to the outbox with it."""
    return Storage(
        engine=engine,
        session_factory=make_session_factory(engine),
        in_transaction_handlers=[update_rollups, record_notices],
    )


def build_storage(
    database_url: str, *, migrate: bool = True, throwaway: bool = False, background_checkpoints: bool = False
) -> Storage:
    """Storage on ``database_url``, migrated to the latest schema unless told otherwise;
    ``throwaway``: a SQLite file nobody keeps, not synced to disk; ``background_checkpoints``:
    a SQLite file's WAL copied back by a thread, never by a commit (see ``make_engine``)."""
    engine = make_engine(database_url, throwaway=throwaway, background_checkpoints=background_checkpoints)
    if migrate:
        upgrade(engine)
    return storage_on(engine)


SECRET_KEY_FILE = "secret_key"  # noqa: S105 - the file's name, not a secret
MIN_SECRET_KEY_LENGTH = 32


def session_secret(settings: Settings) -> str:
    """SECRET_KEY, or a random key generated on first use and kept in TGEXCHANGE_DATA_DIR (mode
    0600), so sessions survive restarts. Processes on several machines need SECRET_KEY set."""
    given = settings.secret_key.get_secret_value().strip() if settings.secret_key is not None else ""
    if given:
        if len(given) < MIN_SECRET_KEY_LENGTH:
            # A short key can be guessed, and with it anyone can sign a session as any admin.
            raise ConfigurationError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters (or unset)")
        return given
    # Unset or empty (``SECRET_KEY=${SECRET_KEY}`` with nothing behind it): an empty key would
    # let anyone sign a session cookie, so a generated one is used instead.
    path = Path(settings.data_dir) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            # link() publishes the whole file or fails if another process published first.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


@dataclass
class Container:
    """Everything the faces need. Platform readers, the quality gate and the notifier are built on
    first use (loading the spam model takes a moment), unless given."""

    settings: Settings
    storage: Storage
    clock: Clock
    breaker_store: BreakerStore | None = None
    _readers: tuple[ContentReader, CommentReader] | None = None
    _quality_gate: QualityGate | None = None
    _notifier: Notifier | None = None
    _short_links: ShortLinkResolver | None = None
    _community_watchers: list[Callable[[int], None]] = field(default_factory=list)

    @cached_property
    def readers(self) -> tuple[ContentReader, CommentReader]:
        if self._readers is not None:
            return self._readers
        from tgexchange.adapters.platforms.factory import build_platform_readers

        key = self.settings.youtube_api_key
        return build_platform_readers(
            self.settings.platform_source,
            youtube_api_key=key.get_secret_value() if key else None,
            breaker_store=self.breaker_store,
            clock=self.clock,
            # A pass must see what the previous pass over the same submission could not: a comment
            # list is never kept longer than the pacing between two passes (VERIFY_MIN_INTERVAL_S).
            comments_ttl_s=self.settings.verify_min_interval_s,
        )

    @cached_property
    def short_links(self) -> ShortLinkResolver | None:
        """Where TikTok short links lead, looked up live only when the platforms are read live
        (``PLATFORM_SOURCE=live``, readers not given): recordings and given readers never reach
        the network, and then a member is asked for the full address. None: no lookups."""
        if self._short_links is not None:
            return self._short_links
        # "live" is factory.LIVE, not imported: the factory brings yt-dlp, seconds to import.
        if self._readers is not None or self.settings.platform_source != "live":
            return None
        from tgexchange.adapters.platforms.short_links import HttpShortLinkResolver, PoliteShortLinks, build_client

        return PoliteShortLinks(HttpShortLinkResolver(build_client()))

    @property
    def content_reader(self) -> ContentReader:
        return self.readers[0]

    @property
    def comment_reader(self) -> CommentReader:
        return self.readers[1]

    @cached_property
    def quality_gate(self) -> QualityGate:
        if self._quality_gate is not None:
            return self._quality_gate
        from tgexchange.adapters.quality import ClassifierQualityGate

        return ClassifierQualityGate()

    @cached_property
    def reciprocity_learner(self) -> ReciprocityLearner:
        from tgexchange.adapters.db.reciprocity import SqlReciprocityHistory
        from tgexchange.adapters.reciprocity import ReciprocityLearner as Learner

        return Learner(SqlReciprocityHistory(self.storage.engine), self.settings.model_dir)

    @cached_property
    def reciprocity_scores(self) -> ReciprocityScores:
        from tgexchange.adapters.db.reciprocity import SqlReciprocityScores

        return SqlReciprocityScores(self.storage.engine)

    @cached_property
    def session_secret(self) -> str:
        return session_secret(self.settings)

    @cached_property
    def notifier(self) -> Notifier:
        return self._notifier if self._notifier is not None else LogNotifier()

    def use_notifier(self, notifier: Notifier) -> None:
        """Replaces the notifier: a face that can reach members (the Telegram bot) plugs in here
        once it is built, after the container it needs for its own look-ups."""
        self._notifier = notifier
        self.__dict__.pop("notifier", None)

    def watch_communities(self, watcher: Callable[[int], None]) -> None:
        """``watcher(community_id)`` runs when another face of this process changes a community
        (the Mini App's settings): the bot drops what it cached about it."""
        self._community_watchers.append(watcher)

    def community_changed(self, community_id: int) -> None:
        for watcher in self._community_watchers:
            watcher(community_id)

    @cached_property
    def update_log(self) -> SqlUpdateLog:
        """The Telegram updates already taken on (the bot's guard against redelivery)."""
        from tgexchange.adapters.db.updates import SqlUpdateLog

        return SqlUpdateLog(self.storage.engine)

    @cached_property
    def webhook_inbox(self) -> SqlWebhookInbox:
        """The updates the webhook accepted, until their handlers have run."""
        from tgexchange.adapters.db.inbox import SqlWebhookInbox

        return SqlWebhookInbox(self.storage.engine)


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    migrate: bool = True,
    readers: tuple[ContentReader, CommentReader] | None = None,
    quality_gate: QualityGate | None = None,
    notifier: Notifier | None = None,
    breaker_store: BreakerStore | None = None,
    short_links: ShortLinkResolver | None = None,
) -> Container:
    settings = settings or Settings()
    return Container(
        settings=settings,
        # The faces answer people from an event loop: no commit there waits for a checkpoint.
        storage=build_storage(settings.effective_database_url, migrate=migrate, background_checkpoints=True),
        clock=clock or SystemClock(),
        breaker_store=breaker_store,
        _readers=readers,
        _quality_gate=quality_gate,
        _notifier=notifier,
        _short_links=short_links,
    )
