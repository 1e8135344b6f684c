"""Double-entry credit ledger: every posting moves a positive amount from one account to another.

Credits are created only by debiting the community's issuance account (which alone may go
negative), so the balances of a community always sum to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tgexchange.domain.errors import DuplicatePosting, InsufficientCredits, InvalidAmount, SelfTransfer


class AccountKind(StrEnum):
    MEMBER = "member"
    ESCROW = "escrow"
    ISSUANCE = "issuance"


class PostingKind(StrEnum):
    WELCOME = "welcome"
    ESCROW = "escrow"
    PAYOUT = "payout"
    REFUND = "refund"
    GRANT = "grant"


@dataclass(frozen=True, slots=True)
class AccountKey:
    """Names an account: a member's wallet, a submission's escrow, or a community's issuance."""

    kind: AccountKind
    owner_id: int

    @classmethod
    def member(cls, member_id: int) -> AccountKey:
        return cls(AccountKind.MEMBER, member_id)

    @classmethod
    def escrow(cls, submission_id: int) -> AccountKey:
        return cls(AccountKind.ESCROW, submission_id)

    @classmethod
    def issuance(cls, community_id: int) -> AccountKey:
        return cls(AccountKind.ISSUANCE, community_id)

    @property
    def may_go_negative(self) -> bool:
        return self.kind is AccountKind.ISSUANCE


@dataclass(frozen=True, slots=True)
class Posting:
    source: AccountKey
    target: AccountKey
    amount: int
    kind: PostingKind
    key: str
    posted_at: datetime
    task_id: int | None = None


def posting_key_for_task(task_id: int) -> str:
    """The one key every credit movement caused by a task uses, so a task moves credits once."""
    return f"task:{task_id}"


def rest_key_for_task(task_id: int) -> str:
    """The key of what a verified task did not earn going back to its owner (credit by
    substance): a second, fixed key, so it too moves at most once."""
    return f"task:{task_id}:rest"


def check_amount(amount: int) -> None:
    """Raises InvalidAmount unless ``amount`` is a positive int (credits are never floats)."""
    if type(amount) is not int or amount <= 0:
        raise InvalidAmount(amount)


def check_transfer(*, source: AccountKey, source_balance: int, amount: int, target: AccountKey | None = None) -> None:
    """Raises InvalidAmount for a non-positive amount, SelfTransfer when ``target`` is the source,
    InsufficientCredits for an overdraft."""
    check_amount(amount)
    if target == source:
        raise SelfTransfer()
    if not source.may_go_negative and source_balance < amount:
        raise InsufficientCredits(amount, source_balance)


@dataclass
class Ledger:
    """An in-memory ledger with the same rules as the stored one; the reference model."""

    balances: dict[AccountKey, int] = field(default_factory=dict)
    postings: list[Posting] = field(default_factory=list)
    _keys: set[str] = field(default_factory=set)

    def balance(self, account: AccountKey) -> int:
        return self.balances.get(account, 0)

    def transfer(self, posting: Posting) -> None:
        """Applies ``posting``. Raises DuplicatePosting, InvalidAmount or InsufficientCredits,
        changing nothing."""
        if posting.key in self._keys:
            raise DuplicatePosting(posting.key)
        check_transfer(
            source=posting.source,
            source_balance=self.balance(posting.source),
            amount=posting.amount,
            target=posting.target,
        )
        self.balances[posting.source] = self.balance(posting.source) - posting.amount
        self.balances[posting.target] = self.balance(posting.target) + posting.amount
        self.postings.append(posting)
        self._keys.add(posting.key)

    def is_balanced(self) -> bool:
        return sum(self.balances.values()) == 0
