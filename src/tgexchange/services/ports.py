"""What the use cases need from the outside world, as narrow Protocols."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from tgexchange.domain.audit import AuditEntry
from tgexchange.domain.channel import Channel, OwnershipProof
from tgexchange.domain.community import Community
from tgexchange.domain.content import ContentInfo, ContentRef, Platform, PublicComment
from tgexchange.domain.events import Event
from tgexchange.domain.ledger import AccountKey, Posting
from tgexchange.domain.matching import Candidate
from tgexchange.domain.member import Member
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.rollup import Counts
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task, TaskStatus


class Clock(Protocol):
    def now(self) -> datetime: ...


class ContentReader(Protocol):
    def read_content(self, ref: ContentRef, *, fresh: bool = False) -> ContentInfo:
        """Public metadata. ``fresh``: not from a cache (an ownership proof the member has just
        posted). Raises ContentUnavailable or PlatformUnavailable."""
        ...


class CommentReader(Protocol):
    def read_comments(self, ref: ContentRef, *, limit: int, fresh: bool = False) -> Sequence[PublicComment]:
        """Up to ``limit`` public comments, newest first; ``fresh`` as for read_content. Raises
        ContentUnavailable or PlatformUnavailable."""
        ...


class CommunityRepository(Protocol):
    def add(self, community: Community) -> None: ...
    def find(self, community_id: int) -> Community | None: ...
    def find_by_chat(self, telegram_chat_id: int, *, for_update: bool = False) -> Community | None:
        """``for_update`` locks the row until the transaction ends (PostgreSQL; SQLite's writers
        are serialized anyway)."""
        ...

    def list_all(self) -> Sequence[Community]: ...
    def remove_unused(self, community: Community) -> bool:
        """Deletes a community nobody joined and no credit moved in, with its empty issuance
        account; False, deleting nothing, otherwise."""
        ...


class MemberRepository(Protocol):
    def add(self, member: Member) -> None: ...
    def find(self, member_id: int) -> Member | None: ...
    def find_with_community(self, member_id: int) -> tuple[Member, Community] | None: ...
    def find_by_user(self, community_id: int, telegram_user_id: int) -> Member | None: ...
    def find_by_username(self, community_id: int, username: str) -> Member | None:
        """Case-insensitive, without the leading @."""
        ...

    def list_for_user(self, telegram_user_id: int) -> Sequence[Member]: ...
    def list_admins(self, community_id: int) -> Sequence[Member]: ...
    def set_language(self, member_id: int, language: str) -> bool:
        """Stores the language without loading the member; False when there is no such member."""
        ...


class ChannelRepository(Protocol):
    def add(self, channel: Channel) -> None: ...
    def list_for_member(self, member_id: int) -> Sequence[Channel]: ...
    def find_by_platform_id(self, community_id: int, platform: Platform, channel_id: str) -> Channel | None: ...


class ProofRepository(Protocol):
    def add(self, proof: OwnershipProof) -> None: ...
    def find_latest(self, member_id: int, platform: Platform | None = None) -> OwnershipProof | None: ...


class SubmissionRepository(Protocol):
    def add(self, submission: Submission) -> None: ...
    def find(self, submission_id: int, *, for_update: bool = False) -> Submission | None: ...
    def find_open_by_content(self, community_id: int, platform: Platform, content_id: str) -> Submission | None: ...
    def list_for_owner(self, owner_id: int, *, limit: int = 20) -> Sequence[Submission]: ...
    def candidates(
        self, *, community_id: int, giver_id: int, platforms: frozenset[Platform], limit: int
    ) -> Sequence[Candidate]:
        """Open submissions with a free slot on ``platforms`` that the giver neither owns nor has
        served, longest waiting first, with their owners' stats."""
        ...


class TaskRepository(Protocol):
    def add(self, task: Task) -> None: ...
    def find(self, task_id: int, *, for_update: bool = False) -> Task | None: ...
    def count_open_for_giver(self, giver_id: int) -> int: ...
    def list_for_giver(
        self, giver_id: int, *, statuses: frozenset[TaskStatus], limit: int | None = 20
    ) -> Sequence[Task]:
        """Newest first; ``limit=None``: all of them."""
        ...

    def list_for_submission(self, submission_id: int, *, statuses: frozenset[TaskStatus]) -> Sequence[Task]: ...
    def list_in_community(self, community_id: int, *, statuses: frozenset[TaskStatus]) -> Sequence[Task]: ...
    def list_overdue_ids(self, *, now: datetime, limit: int) -> Sequence[int]:
        """Ids of assigned tasks whose deadline has passed."""
        ...

    def recent_feedback_texts(self, giver_id: int, *, limit: int) -> Sequence[str]:
        """The giver's latest feedback texts on verified tasks, newest first (for near copies)."""
        ...

    def submissions_due_for_check(self, *, now: datetime, limit: int) -> Sequence[int]:
        """Submissions with a task marked done or verifying, not waiting on a person, whose next
        look was due by ``now``, oldest first: what the sweeper re-enqueues so that a lost job
        never loses a task."""
        ...

    def count_waiting_for_verification(self, submission_id: int) -> int:
        """Tasks of the submission marked done or verifying that no person is reviewing."""
        ...

    def list_review_expired(self, *, now: datetime, limit: int) -> Sequence[int]:
        """Ids of verifying tasks whose owner, dispute or admin review window has passed."""
        ...


class LedgerRepository(Protocol):
    def open_account(self, account: AccountKey, *, community_id: int) -> None:
        """Creates the account with a zero balance if it does not exist."""
        ...

    def balance(self, account: AccountKey) -> int: ...

    def transfer(self, posting: Posting, *, community_id: int) -> None:
        """Applies the posting atomically. Raises InsufficientCredits, InvalidAmount or
        DuplicatePosting, changing nothing."""
        ...

    def is_balanced(self, community_id: int | None = None) -> bool:
        """Every community's balances sum to zero, no account but issuance is negative, and each
        stored balance equals the sum of its postings."""
        ...


class StatsRepository(Protocol):
    def open(self, member_id: int, *, community_id: int) -> None: ...
    def get(self, member_id: int) -> MemberStats: ...
    def record(
        self,
        member_id: int,
        *,
        tasks_taken: int = 0,
        verified: int = 0,
        rejected: int = 0,
        expired: int = 0,
        skipped: int = 0,
        feedback_received: int = 0,
    ) -> None:
        """Adds the deltas atomically."""
        ...

    def leaderboard(self, community_id: int, *, limit: int) -> Sequence[LeaderboardRow]: ...


class FailureRepository(Protocol):
    def record(
        self,
        *,
        kind: str,
        job: str,
        detail: str,
        at: datetime,
        platform: Platform | None = None,
        community_id: int | None = None,
        submission_id: int | None = None,
    ) -> None:
        """Keeps why a job could not finish (an outage, vanished content, a crash)."""
        ...


class LoginLinkRepository(Protocol):
    def add(self, *, token_digest: str, telegram_user_id: int, created_at: datetime, expires_at: datetime) -> None: ...

    def redeem(self, token_digest: str, *, now: datetime) -> int | None:
        """Marks the link used and returns its Telegram user, in one atomic step; None when the
        link is unknown, already used or expired (so two redemptions never both succeed)."""
        ...

    def purge(self, *, before: datetime) -> int:
        """Deletes links that expired before ``before``; returns how many."""
        ...


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> None: ...
    def recent(self, community_id: int, *, limit: int) -> Sequence[AuditEntry]: ...


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    member_id: int
    display_name: str
    verified: int
    feedback_received: int
    reliability: float
    balance: int


class UnitOfWork(Protocol):
    """One transaction. ``with uow:`` opens it; leaving without ``commit()`` rolls back."""

    @property
    def communities(self) -> CommunityRepository: ...
    @property
    def members(self) -> MemberRepository: ...
    @property
    def channels(self) -> ChannelRepository: ...
    @property
    def proofs(self) -> ProofRepository: ...
    @property
    def submissions(self) -> SubmissionRepository: ...
    @property
    def tasks(self) -> TaskRepository: ...
    @property
    def ledger(self) -> LedgerRepository: ...
    @property
    def stats(self) -> StatsRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def failures(self) -> FailureRepository: ...
    @property
    def login_links(self) -> LoginLinkRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def flush(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def take_events(self) -> list[Event]:
        """Events of committed work, oldest first, each returned once."""
        ...


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell one member, by ``kind`` (faces pick the words in the member's language)."""

    member_id: int
    kind: str
    params: dict[str, object]


class Notifier(Protocol):
    def notify(self, notice: Notice) -> None:
        """Delivers or queues the notice; never raises for a member who cannot be reached."""
        ...


class VerificationQueue(Protocol):
    def enqueue_verification(self, submission_id: int, *, delay_s: float = 0.0) -> None:
        """Asks a worker to verify the pending tasks of a submission (one fetch serves them all)."""
        ...


@dataclass(frozen=True, slots=True)
class QualityVerdict:
    accepted: bool
    rule: str | None
    scores: dict[str, float]


class QualityGate(Protocol):
    def assess(self, text: str, *, min_words: int, earlier: Sequence[str] = ()) -> QualityVerdict:
        """Judges one piece of feedback against the community's rules; ``earlier`` is the same
        member's previous feedback (for the near-copy rule)."""
        ...

    def assess_many(
        self, texts: Sequence[str], *, min_words: int, earlier: Sequence[Sequence[str]] | None = None
    ) -> list[QualityVerdict]:
        """The same rules for many texts at once (classifiers pay per call, so batch). ``earlier``,
        when given, holds each text's author's previous feedback, in the same order as ``texts``."""
        ...


# A member's own read side ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelLine:
    platform: Platform
    channel_id: str
    name: str | None


@dataclass(frozen=True, slots=True)
class TaskLine:
    id: int
    status: TaskStatus
    assigned_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class MemberReport:
    balance: int
    stats: MemberStats
    channels: list[ChannelLine]
    recent_tasks: list[TaskLine]
    """Newest first."""


class MemberReader(Protocol):
    """What a member asks about themselves most often (/balance, /me), read outside any unit of
    work: no write lock, no ORM objects, a few indexed queries on one connection."""

    def balance(self, member_id: int) -> int | None:
        """The member's wallet; None when there is no such member."""
        ...

    def report(self, member_id: int, *, history: int) -> MemberReport | None:
        """Balance, counters, linked channels and the ``history`` latest tasks taken; None when
        there is no such member."""
        ...


# The dashboard's read side --------------------------------------------------------------------

Scope = frozenset[int] | None
"""The communities a dashboard query covers; None means every community (the operator)."""


@dataclass(frozen=True, slots=True)
class PlatformCounts:
    platform: Platform
    counts: Counts


@dataclass(frozen=True, slots=True)
class CommunityCounts:
    community_id: int
    title: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    verified: int


@dataclass(frozen=True, slots=True)
class MemberRow:
    member_id: int
    community_id: int
    display_name: str
    status: str
    stats: MemberStats


@dataclass(frozen=True, slots=True)
class FailureCount:
    source: str  # "job" (job_failures) or "rejection" (tasks)
    type: str  # the job failure's kind or the rejection's reason
    count: int


@dataclass(frozen=True, slots=True)
class FailureRow:
    at: datetime
    source: str
    type: str
    platform: Platform | None
    community_id: int | None
    member: str | None
    detail: str


TASK_EXPORT_COLUMNS = (
    "id",
    "community_id",
    "submission_id",
    "giver_id",
    "owner_id",
    "platform",
    "credits",
    "status",
    "reason",
    "assigned_at",
    "done_at",
    "decided_at",
)


class DashboardReader(Protocol):
    """Read-only queries for the dashboard, outside any unit of work: they never take a writer's
    lock, and the counts come from the rollups, not from history."""

    def admin_communities(self, telegram_user_id: int) -> frozenset[int]:
        """Communities where the user is an admin who is not banned."""
        ...

    def community_titles(self, scope: Scope) -> dict[int, str]: ...
    def counts_by_platform(self, scope: Scope, *, first_day: date | None) -> list[PlatformCounts]: ...
    def counts_by_community(self, scope: Scope, *, first_day: date | None) -> list[CommunityCounts]: ...
    def verified_per_day(self, scope: Scope, *, first_day: date) -> list[DayCount]: ...
    def members(self, scope: Scope, *, min_tasks: int, limit: int) -> list[MemberRow]:
        """Members with at least ``min_tasks`` tasks taken, most verified feedback first."""
        ...

    def failure_counts(self, scope: Scope, *, since: datetime) -> list[FailureCount]: ...
    def recent_failures(self, scope: Scope, *, since: datetime, limit: int) -> list[FailureRow]:
        """The latest job failures and rejections since ``since``, newest first."""
        ...

    def tasks_by_status(self) -> dict[str, int]:
        """Every task by status: finished ones from the rollups, open ones counted live."""
        ...

    def stream_members(self, scope: Scope, *, batch_size: int) -> AbstractContextManager[Iterator[list[MemberRow]]]:
        """Every member in scope, in batches, without holding them all in memory."""
        ...

    def stream_tasks(
        self, scope: Scope, *, first_day: date | None, batch_size: int
    ) -> AbstractContextManager[Iterator[list[tuple[object, ...]]]]:
        """Tasks assigned since ``first_day`` as TASK_EXPORT_COLUMNS, in batches (a server-side
        cursor on PostgreSQL)."""
        ...
