"""Storage: one repository per aggregate, and the unit of work (one transaction) that holds them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from tgexchange.domain.audit import AuditEntry
from tgexchange.domain.channel import Channel, OwnershipProof
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.events import Event
from tgexchange.domain.ledger import AccountKey, Posting
from tgexchange.domain.matching import Candidate
from tgexchange.domain.member import Member
from tgexchange.domain.rating import Rating, RatingSummary
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services.ports.fair_play import FairPlayRepository
from tgexchange.services.ports.notifications import NoticeRepository
from tgexchange.services.ports.operations import OperationsRepository


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
    def find_by_users(self, community_id: int, telegram_user_ids: Sequence[int]) -> Sequence[Member]: ...
    def find_by_username(self, community_id: int, username: str) -> Member | None:
        """Case-insensitive, without the leading @."""
        ...

    def list_for_user(self, telegram_user_id: int) -> Sequence[Member]: ...
    def list_admins(self, community_id: int) -> Sequence[Member]: ...
    def set_language(self, member_id: int, language: str) -> bool:
        """Stores the language without loading the member; False when there is no such member."""
        ...


class JoinRepository(Protocol):
    def add_newcomers(self, members: Sequence[Member], *, welcome: int, now: datetime) -> None:
        """Stores new members of one community (their ids set), opens each one's wallet and
        counters and, when ``welcome`` is positive, moves that many credits from the community's
        issuance account into each wallet (a WELCOME posting keyed ``welcome:<member id>``).
        Raises DuplicatePosting, InvalidAmount, or ConcurrencyConflict when another transaction
        stored one of them first."""
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
    def find_by_update(self, update_id: int) -> Submission | None:
        """The submission the Telegram update ``update_id`` made, if any."""
        ...

    def list_for_owner(self, owner_id: int, *, limit: int = 20) -> Sequence[Submission]: ...
    def candidates(
        self,
        *,
        community_id: int,
        giver_id: int,
        platforms: frozenset[Platform],
        limit: int,
        holds_made_after: datetime | None = None,
    ) -> Sequence[Candidate]:
        """Open submissions with a free slot on ``platforms`` that the giver may be given under
        every hard rule of matching (``holds_made_after``: ``Giver.holds_made_after``), longest
        waiting first, with their owners' stats."""
        ...


class TaskRepository(Protocol):
    def add(self, task: Task) -> None: ...
    def find(self, task_id: int, *, for_update: bool = False) -> Task | None: ...
    def count_open_for_giver(self, giver_id: int) -> int: ...
    def find_by_update(self, update_id: int) -> Task | None:
        """The task the Telegram update ``update_id`` took, if any."""
        ...

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

    def open_accounts(self, accounts: Sequence[AccountKey], *, community_id: int) -> None:
        """``open_account`` for each, in one statement per step (a join burst opens many)."""
        ...

    def balance(self, account: AccountKey) -> int: ...

    def transfer(self, posting: Posting, *, community_id: int) -> None:
        """Applies the posting atomically. Raises InsufficientCredits, InvalidAmount or
        DuplicatePosting, changing nothing."""
        ...

    def transfer_many(self, postings: Sequence[Posting], *, community_id: int) -> None:
        """``transfer`` for each posting, all or none (the welcome credits of a join burst)."""
        ...

    def is_balanced(self, community_id: int | None = None) -> bool:
        """Every community's balances sum to zero, no account but issuance is negative, and each
        stored balance equals the sum of its postings."""
        ...


class StatsRepository(Protocol):
    def open(self, member_id: int, *, community_id: int) -> None: ...
    def open_many(self, member_ids: Sequence[int], *, community_id: int) -> None: ...
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

    def note_unmet_requests(self, member_ids: Sequence[int], *, community_id: int, hour: datetime) -> None:
        """These members asked for a task in this hour and none was there (one row per member and
        hour, however often they asked)."""
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

    def next_session_epoch(self, telegram_user_id: int) -> int:
        """Moves the user's dashboard sessions to a new epoch (atomically) and returns it: every
        cookie issued in an older one stops working."""
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
    decided: int = 0


class RatingRepository(Protocol):
    def find(self, task_id: int) -> Rating | None: ...
    def save(self, rating: Rating, *, new: bool) -> None: ...
    def count_for_giver(self, giver_id: int) -> int: ...
    def first_for_giver(self, giver_id: int, *, limit: int) -> list[Rating]: ...
    def publish(self, giver_id: int, *, community_id: int, summary: RatingSummary, now: datetime) -> None: ...
    def summary(self, member_id: int) -> RatingSummary: ...


class UnitOfWork(Protocol):
    """One transaction. ``with uow:`` opens it; leaving without ``commit()`` rolls back."""

    @property
    def communities(self) -> CommunityRepository: ...
    @property
    def members(self) -> MemberRepository: ...
    @property
    def joins(self) -> JoinRepository: ...
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
    @property
    def notices(self) -> NoticeRepository: ...
    @property
    def operations(self) -> OperationsRepository: ...
    @property
    def ratings(self) -> RatingRepository: ...
    @property
    def fair_play(self) -> FairPlayRepository: ...

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

    def take_notices(self) -> list[int]:
        """Outbox ids of the notices committed work wrote, each returned once."""
        ...
