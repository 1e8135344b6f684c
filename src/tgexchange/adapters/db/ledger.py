"""The stored ledger: balances change only by atomic, guarded UPDATEs beside their posting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.errors import is_unique_violation
from tgexchange.domain.errors import DuplicatePosting
from tgexchange.domain.ledger import AccountKey, AccountKind, Posting, check_amount, check_transfer
from tgexchange.services.conflicts import ConcurrencyConflict

_a = tables.accounts
_p = tables.postings

# Built once, values bound at execution: every credit movement runs these, and building (and
# cache-keying) them cost about as much as running them.
# (Bound names differ from the columns': UPDATE reserves those for its SET clause.)
_KIND = sa.bindparam("account_kind", type_=_a.c.kind.type)
_OWNER = sa.bindparam("account_owner", type_=sa.BigInteger)
_ACCOUNT = sa.and_(_a.c.kind == _KIND, _a.c.owner_id == _OWNER)
_AMOUNT = sa.bindparam("amount", type_=sa.BigInteger)
_ACCOUNT_ID = sa.select(_a.c.id).where(_ACCOUNT)
_BALANCE = sa.select(_a.c.balance).where(_ACCOUNT)
_POSTING_WITH_KEY = sa.select(_p.c.id).where(_p.c.key == sa.bindparam("key", type_=sa.String))
_WITHDRAW = _a.update().where(_ACCOUNT).values(balance=_a.c.balance - _AMOUNT).returning(_a.c.id)
# The guard that keeps balances from going negative: the UPDATE finds no row when it would.
_WITHDRAW_GUARDED = (
    _a.update().where(_ACCOUNT, _a.c.balance >= _AMOUNT).values(balance=_a.c.balance - _AMOUNT).returning(_a.c.id)
)
_DEPOSIT = _a.update().where(_ACCOUNT).values(balance=_a.c.balance + _AMOUNT).returning(_a.c.id)
_OPEN_ACCOUNT = _a.insert()
_POST = _p.insert()
_KEYS = sa.tuple_(_a.c.kind, _a.c.owner_id)
_ACCOUNTS_OF = sa.select(_a.c.id, _a.c.kind, _a.c.owner_id).where(_KEYS.in_(sa.bindparam("keys", expanding=True)))
_TAKEN_KEY = sa.select(_p.c.key).where(_p.c.key.in_(sa.bindparam("keys", expanding=True))).limit(1)
_ADD_TO_BALANCE = (
    _a.update().where(_a.c.id == sa.bindparam("account_id")).values(balance=_a.c.balance + sa.bindparam("delta"))
)


class SqlLedgerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def open_account(self, account: AccountKey, *, community_id: int) -> None:
        exists = self._session.scalar(_ACCOUNT_ID, {"account_kind": account.kind, "account_owner": account.owner_id})
        if exists is None:
            self._session.execute(
                _OPEN_ACCOUNT,
                {"community_id": community_id, "kind": account.kind, "owner_id": account.owner_id, "balance": 0},
            )

    def open_accounts(self, accounts: Sequence[AccountKey], *, community_id: int) -> None:
        existing = set(self._ids_of(accounts))
        missing = [a for a in dict.fromkeys(accounts) if (a.kind, a.owner_id) not in existing]
        if missing:
            self._session.execute(
                _OPEN_ACCOUNT,
                [{"community_id": community_id, "kind": a.kind, "owner_id": a.owner_id, "balance": 0} for a in missing],
            )

    def _ids_of(self, accounts: Sequence[AccountKey]) -> dict[tuple[AccountKind, int], int]:
        keys = [(a.kind, a.owner_id) for a in dict.fromkeys(accounts)]
        rows = self._session.execute(_ACCOUNTS_OF, {"keys": keys}) if keys else ()
        return {(AccountKind(row.kind), row.owner_id): row.id for row in rows}

    def balance(self, account: AccountKey) -> int:
        value = self._session.scalar(_BALANCE, {"account_kind": account.kind, "account_owner": account.owner_id})
        return int(value or 0)

    def transfer(self, posting: Posting, *, community_id: int) -> None:
        if self._session.scalar(_POSTING_WITH_KEY, {"key": posting.key}) is not None:
            raise DuplicatePosting(posting.key)
        check_amount(posting.amount)
        if posting.source == posting.target:
            check_transfer(source=posting.source, source_balance=0, amount=posting.amount, target=posting.target)
        withdraw = _WITHDRAW if posting.source.may_go_negative else _WITHDRAW_GUARDED
        source_id = self._session.scalar(
            withdraw,
            {"account_kind": posting.source.kind, "account_owner": posting.source.owner_id, "amount": posting.amount},
        )
        if source_id is None:
            # Let the domain name the refusal (bad amount or overdraft) from the current balance.
            check_transfer(source=posting.source, source_balance=self.balance(posting.source), amount=posting.amount)
            raise LookupError(f"no account {posting.source}")
        target_id = self._session.scalar(
            _DEPOSIT,
            {"account_kind": posting.target.kind, "account_owner": posting.target.owner_id, "amount": posting.amount},
        )
        if target_id is None:
            raise LookupError(f"no account {posting.target}")
        self._session.flush()  # the posting's task row must exist before the posting refers to it
        try:
            self._session.execute(_POST, _posting_row(posting, community_id, source_id, target_id))
        except IntegrityError as error:
            # Another transaction posted the same key since our check: retrying re-reads its outcome.
            if is_unique_violation(error):
                raise ConcurrencyConflict(str(error)) from error
            raise

    def transfer_many(self, postings: Sequence[Posting], *, community_id: int) -> None:
        """One statement per step when every source may go negative (no overdraft to guard,
        account by account); otherwise one ``transfer`` after another."""
        if len(postings) < 2 or not all(p.source.may_go_negative for p in postings):
            for posting in postings:
                self.transfer(posting, community_id=community_id)
            return
        keys = [p.key for p in postings]
        repeated = next((key for key, n in Counter(keys).items() if n > 1), None)
        taken = repeated or self._session.scalar(_TAKEN_KEY, {"keys": keys})
        if taken is not None:
            raise DuplicatePosting(taken)
        for posting in postings:
            check_amount(posting.amount)
            if posting.source == posting.target:
                check_transfer(source=posting.source, source_balance=0, amount=posting.amount, target=posting.target)
        ids = self._ids_of([a for p in postings for a in (p.source, p.target)])
        deltas: Counter[int] = Counter()
        rows = []
        for posting in postings:
            source_id, target_id = (ids.get((a.kind, a.owner_id)) for a in (posting.source, posting.target))
            if source_id is None or target_id is None:
                raise LookupError(f"no account {posting.source if source_id is None else posting.target}")
            deltas[source_id] -= posting.amount
            deltas[target_id] += posting.amount
            rows.append(_posting_row(posting, community_id, source_id, target_id))
        self._session.execute(_ADD_TO_BALANCE, [{"account_id": i, "delta": d} for i, d in deltas.items()])
        self._session.flush()
        try:
            self._session.execute(_POST, rows)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise ConcurrencyConflict(str(error)) from error
            raise

    def is_balanced(self, community_id: int | None = None) -> bool:
        scope = sa.true() if community_id is None else _a.c.community_id == community_id
        sums = self._session.execute(
            sa.select(_a.c.community_id, sa.func.sum(_a.c.balance)).where(scope).group_by(_a.c.community_id)
        ).all()
        if any(int(total) != 0 for _, total in sums):
            return False
        negative = self._session.scalar(
            sa.select(sa.func.count()).where(scope, _a.c.kind != AccountKind.ISSUANCE, _a.c.balance < 0)
        )
        if negative:
            return False
        incoming = sa.select(_p.c.target_id.label("account_id"), _p.c.amount.label("delta"))
        outgoing = sa.select(_p.c.source_id.label("account_id"), (-_p.c.amount).label("delta"))
        moves = sa.union_all(incoming, outgoing).subquery()
        from_postings = (
            sa.select(moves.c.account_id, sa.func.sum(moves.c.delta).label("total")).group_by(moves.c.account_id)
        ).subquery()
        mismatched = self._session.scalar(
            sa.select(sa.func.count())
            .select_from(_a.outerjoin(from_postings, from_postings.c.account_id == _a.c.id))
            .where(scope, sa.func.coalesce(from_postings.c.total, 0) != _a.c.balance)
        )
        return not mismatched


def _posting_row(posting: Posting, community_id: int, source_id: int, target_id: int) -> dict[str, object]:
    return {
        "community_id": community_id,
        "source_id": source_id,
        "target_id": target_id,
        "amount": posting.amount,
        "kind": posting.kind,
        "key": posting.key,
        "task_id": posting.task_id,
        "posted_at": posting.posted_at,
    }
