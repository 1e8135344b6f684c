"""The stored ledger: balances change only by atomic, guarded UPDATEs beside their posting."""

from __future__ import annotations

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
            self._session.execute(
                _POST,
                {
                    "community_id": community_id,
                    "source_id": source_id,
                    "target_id": target_id,
                    "amount": posting.amount,
                    "kind": posting.kind,
                    "key": posting.key,
                    "task_id": posting.task_id,
                    "posted_at": posting.posted_at,
                },
            )
        except IntegrityError as error:
            # Another transaction posted the same key since our check: retrying re-reads its outcome.
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
