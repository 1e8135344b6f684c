"""The double-entry ledger's rules, and a random walk over the in-memory reference ledger."""

from __future__ import annotations

from typing import cast

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.fakes import T0
from tgexchange.domain.errors import DomainError, DuplicatePosting, InsufficientCredits, InvalidAmount, SelfTransfer
from tgexchange.domain.ledger import (
    AccountKey,
    AccountKind,
    Ledger,
    Posting,
    PostingKind,
    check_amount,
    check_transfer,
    posting_key_for_task,
)

ISSUANCE = AccountKey.issuance(1)
ALICE = AccountKey.member(1)
BOB = AccountKey.member(2)
ESCROW = AccountKey.escrow(1)

NOT_POSITIVE_INTS: list[object] = [0, -1, -10_000, True, False, 1.0, 2.5, float("nan"), "3", None]


def posting(source: AccountKey, target: AccountKey, amount: int, key: str = "k1") -> Posting:
    return Posting(source, target, amount, PostingKind.GRANT, key, T0)


def funded_ledger(**balances: int) -> Ledger:
    """A ledger where the issuance account has granted each named member account its balance."""
    ledger = Ledger()
    for name, amount in balances.items():
        ledger.transfer(posting(ISSUANCE, {"alice": ALICE, "bob": BOB, "escrow": ESCROW}[name], amount, f"fund:{name}"))
    return ledger


def test_account_constructors_name_the_kind_and_owner() -> None:
    assert AccountKey.member(5) == AccountKey(AccountKind.MEMBER, 5)
    assert AccountKey.escrow(5) == AccountKey(AccountKind.ESCROW, 5)
    assert AccountKey.issuance(5) == AccountKey(AccountKind.ISSUANCE, 5)


def test_accounts_of_different_kinds_with_the_same_owner_id_are_distinct() -> None:
    keys = {AccountKey.member(5), AccountKey.escrow(5), AccountKey.issuance(5)}
    assert len(keys) == 3


def test_only_the_issuance_account_may_go_negative() -> None:
    assert AccountKey.issuance(1).may_go_negative
    assert not AccountKey.member(1).may_go_negative
    assert not AccountKey.escrow(1).may_go_negative


def test_a_tasks_posting_key_is_derived_from_its_id_alone() -> None:
    assert posting_key_for_task(42) == "task:42"
    assert posting_key_for_task(42) != posting_key_for_task(43)


@pytest.mark.parametrize("amount", [1, 7, 10**12])
def test_check_amount_accepts_positive_whole_numbers(amount: int) -> None:
    check_amount(amount)


@pytest.mark.parametrize("amount", NOT_POSITIVE_INTS, ids=repr)
def test_check_amount_refuses_anything_but_a_positive_int(amount: object) -> None:
    with pytest.raises(InvalidAmount):
        check_amount(cast("int", amount))


@pytest.mark.parametrize("amount", NOT_POSITIVE_INTS, ids=repr)
def test_check_transfer_refuses_a_bad_amount_even_from_issuance(amount: object) -> None:
    with pytest.raises(InvalidAmount):
        check_transfer(source=ISSUANCE, source_balance=0, amount=cast("int", amount))


@pytest.mark.parametrize("source", [ALICE, ESCROW], ids=lambda a: a.kind.value)
def test_check_transfer_refuses_an_overdraft(source: AccountKey) -> None:
    with pytest.raises(InsufficientCredits) as refusal:
        check_transfer(source=source, source_balance=9, amount=10)

    assert refusal.value.params == {"needed": 10, "available": 9}


def test_check_transfer_allows_spending_the_whole_balance() -> None:
    check_transfer(source=ALICE, source_balance=10, amount=10)


def test_check_transfer_lets_issuance_overdraw() -> None:
    check_transfer(source=ISSUANCE, source_balance=-1_000, amount=500)


def test_transfer_moves_credits_and_keeps_the_ledger_balanced() -> None:
    ledger = funded_ledger(alice=30)

    ledger.transfer(posting(ALICE, ESCROW, 20, "escrow:1"))

    assert ledger.balance(ALICE) == 10
    assert ledger.balance(ESCROW) == 20
    assert ledger.balance(ISSUANCE) == -30
    assert ledger.is_balanced()
    assert [p.key for p in ledger.postings] == ["fund:alice", "escrow:1"]


def test_transfer_rejects_overdraft_and_changes_nothing() -> None:
    ledger = funded_ledger(alice=30)

    with pytest.raises(InsufficientCredits):
        ledger.transfer(posting(ALICE, BOB, 31, "gift"))

    assert ledger.balance(ALICE) == 30
    assert ledger.balance(BOB) == 0
    assert len(ledger.postings) == 1


def test_transfer_rejects_a_reused_key_even_for_other_accounts() -> None:
    ledger = funded_ledger(alice=30, bob=30)
    ledger.transfer(posting(ALICE, ESCROW, 10, "task:1"))

    with pytest.raises(DuplicatePosting) as refusal:
        ledger.transfer(posting(BOB, ESCROW, 10, "task:1"))

    assert refusal.value.params == {"key": "task:1"}
    assert ledger.balance(BOB) == 30
    assert ledger.balance(ESCROW) == 10


def test_a_refused_transfer_does_not_use_up_its_key() -> None:
    ledger = funded_ledger(alice=5)
    with pytest.raises(InsufficientCredits):
        ledger.transfer(posting(ALICE, BOB, 10, "retry-me"))

    ledger.transfer(posting(ALICE, BOB, 5, "retry-me"))

    assert ledger.balance(BOB) == 5


def test_an_unknown_account_has_a_zero_balance() -> None:
    assert Ledger().balance(AccountKey.member(404)) == 0


# --- the reference ledger under random use --------------------------------------------------------

ACCOUNTS = [
    AccountKey.issuance(1),
    AccountKey.member(1),
    AccountKey.member(2),
    AccountKey.member(3),
    AccountKey.escrow(1),
    AccountKey.escrow(2),
]
# Mostly valid amounts, some zero/negative, and values that are not ints at all.
AMOUNTS = st.one_of(
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=-5, max_value=0),
    st.sampled_from([True, False, 1.0, 2.5]),
)
# A small key space so that keys get reused.
KEYS = st.integers(min_value=0, max_value=25).map(lambda n: f"key:{n}")


class LedgerMachine(RuleBasedStateMachine):
    """Random transfers between member, escrow and issuance accounts, checked against a model."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger()
        self.expected: dict[AccountKey, int] = dict.fromkeys(ACCOUNTS, 0)
        self.used_keys: set[str] = set()

    @rule(
        source=st.sampled_from(ACCOUNTS),
        destination=st.sampled_from(ACCOUNTS),
        amount=AMOUNTS,
        key=KEYS,
    )
    def transfer(self, source: AccountKey, destination: AccountKey, amount: object, key: str) -> None:
        before_balances = dict(self.ledger.balances)
        before_postings = list(self.ledger.postings)
        wanted: type[DomainError] | None = None
        if key in self.used_keys:
            wanted = DuplicatePosting
        elif type(amount) is not int or amount <= 0:
            wanted = InvalidAmount
        elif source == destination:
            wanted = SelfTransfer
        elif not source.may_go_negative and self.expected[source] < amount:
            wanted = InsufficientCredits

        if wanted is None:
            self.ledger.transfer(posting(source, destination, cast("int", amount), key))
            self.expected[source] -= cast("int", amount)
            self.expected[destination] += cast("int", amount)
            self.used_keys.add(key)
        else:
            with pytest.raises(wanted):
                self.ledger.transfer(posting(source, destination, cast("int", amount), key))
            assert self.ledger.balances == before_balances, "a refused transfer changed a balance"
            assert self.ledger.postings == before_postings, "a refused transfer was recorded"

    @invariant()
    def balances_sum_to_zero(self) -> None:
        assert self.ledger.is_balanced()
        assert sum(self.ledger.balances.values()) == 0

    @invariant()
    def no_account_but_issuance_is_negative(self) -> None:
        for account, balance in self.ledger.balances.items():
            if account.kind is not AccountKind.ISSUANCE:
                assert balance >= 0, account

    @invariant()
    def balances_match_the_model(self) -> None:
        for account in ACCOUNTS:
            assert self.ledger.balance(account) == self.expected[account], account

    @invariant()
    def balances_are_the_sum_of_the_postings(self) -> None:
        folded: dict[AccountKey, int] = {}
        for p in self.ledger.postings:
            folded[p.source] = folded.get(p.source, 0) - p.amount
            folded[p.target] = folded.get(p.target, 0) + p.amount
        for account in ACCOUNTS:
            assert self.ledger.balance(account) == folded.get(account, 0), account

    @invariant()
    def each_key_posts_once(self) -> None:
        keys = [p.key for p in self.ledger.postings]
        assert len(keys) == len(set(keys))
        assert set(keys) == self.used_keys

    @invariant()
    def every_posting_moves_a_positive_int(self) -> None:
        assert all(type(p.amount) is int and p.amount > 0 for p in self.ledger.postings)


LedgerMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)
TestTheLedgerKeepsItsInvariantsUnderRandomTransfers = LedgerMachine.TestCase
