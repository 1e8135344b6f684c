"""After a fault run: did every update Telegram saw accepted take effect exactly once?

Reads the database and the Bot API stand-in's log, nothing the processes say about themselves.
For each kind of update the effect is defined where it can be seen:

| kind | its effect |
|---|---|
| bot_added | a community for the group |
| join (/start with the link) | the member exists; one welcome posting per member |
| link_platform, task_done, language_tap (buttons) | the tap was answered (answerCallbackQuery with its id) and: a code was issued / the task left ``assigned`` / — |
| link_video | the member's channel is linked, once |
| submit_count (button) | the member's submission exists, once, with one escrow posting |
| task (/task) | a task keyed by that update (tasks.update_id), or the "nothing to do" answer |
| link, submit, balance, me, language (commands) | their answer reached the member (counted per member) |

Lost: an accepted update without its effect. Doubled: an effect applied twice (a second
member, channel, submission, welcome, escrow or payout). A repeated answer (a message sent again
because the update was handled again after a crash between the answer and the done mark) is
counted apart: Telegram messages cannot join a database transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from tests.botapi import Call
from tests.crowd import NO_TASK, Delivery

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.engine import make_engine
from tgexchange.bootstrap import storage_on
from tgexchange.domain.ledger import PostingKind

# What each command's answer starts with or contains (English: the load never changes language).
ANSWERS: dict[str, Callable[[Call], bool]] = {
    "link": lambda c: "Which platform is your channel on?" in c.text,
    "submit": lambda c: "how many members should give you feedback?" in c.text,
    "balance": lambda c: c.text.startswith("💰 You have"),
    "me": lambda c: "Feedback verified:" in c.text,
    "language": lambda c: c.text.startswith("Choose your language"),
}
FINAL_TASKS = {"verified", "rejected", "expired", "cancelled", "skipped"}


@dataclass
class Verdict:
    accepted: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    repeated_answers: int = 0
    inbox_pending: int = 0
    inbox_taken_again: int = 0  # updates handled more than once (recovered after a crash)
    tasks: Counter[str] = field(default_factory=Counter)
    stuck_tasks: int = 0
    waiting_tasks: int = 0
    queue_pending: int = 0
    ledger_balanced: bool = False
    balances_match_postings: bool = False
    payouts: int = 0
    paid_tasks: int = 0

    @property
    def ok(self) -> bool:
        return (
            not self.lost
            and not self.doubled
            and self.inbox_pending == 0
            and self.stuck_tasks == 0
            and self.queue_pending == 0
            and self.ledger_balanced
            and self.balances_match_postings
            and self.payouts == self.paid_tasks
        )


def _rows(connection: sa.Connection, query: sa.Select[Any]) -> list[sa.Row[Any]]:
    return list(connection.execute(query))


def verifications_waiting(database_url: str, queue_url: str) -> tuple[set[int], int]:
    """The submissions with a verification pass queued or scheduled in the job queue, and how
    many jobs are queued to run now (anything)."""
    from tests.settings import settings_of

    from tgexchange.adapters.clock import SystemClock
    from tgexchange.bootstrap import Container
    from tgexchange.worker.jobs import register_jobs
    from tgexchange.worker.queue import make_huey

    huey = make_huey(queue_url)
    engine = make_engine(database_url)
    try:
        settings = settings_of(DATABASE_URL=database_url, QUEUE_URL=queue_url)
        register_jobs(huey, Container(settings=settings, storage=storage_on(engine), clock=SystemClock()))
        jobs = [*huey.pending(), *huey.scheduled()]
        waiting = {int(job.args[0]) for job in jobs if job.name == "verify_submission" and job.args}
        return waiting, huey.pending_count()
    finally:
        engine.dispose()


def check(
    database_url: str, calls: Sequence[Call], deliveries: Sequence[Delivery], *, queue_url: str, group: int
) -> Verdict:
    waiting, queue_pending = verifications_waiting(database_url, queue_url)
    verdict = Verdict(queue_pending=queue_pending)
    accepted = [d for d in deliveries if d.accepted]
    verdict.accepted = len(accepted)
    verdict.by_kind = Counter(d.kind for d in accepted)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            _check_inbox(connection, accepted, verdict)
            _check_effects(connection, calls, accepted, verdict, group=group, waiting=waiting)
            _check_ledger(connection, verdict)
        with storage_on(engine).uow() as uow:
            verdict.ledger_balanced = uow.ledger.is_balanced()
    finally:
        engine.dispose()
    return verdict


def _check_inbox(connection: sa.Connection, accepted: Sequence[Delivery], verdict: Verdict) -> None:
    i = tables.webhook_inbox
    rows = {r.update_id: r for r in _rows(connection, sa.select(i.c.update_id, i.c.attempts, i.c.done_at))}
    verdict.inbox_pending = sum(1 for r in rows.values() if r.done_at is None)
    verdict.inbox_taken_again = sum(1 for r in rows.values() if r.attempts > 1)
    for delivery in accepted:
        if delivery.update_id not in rows:
            verdict.lost.append(f"update {delivery.update_id} ({delivery.kind}) accepted but not in the inbox")


def _check_effects(  # noqa: PLR0912, PLR0915 - one branch per kind of update, read as a table
    connection: sa.Connection,
    calls: Sequence[Call],
    accepted: Sequence[Delivery],
    verdict: Verdict,
    *,
    group: int,
    waiting: set[int],
) -> None:
    m, ch, s, t, p, pr = (
        tables.members,
        tables.channels,
        tables.submissions,
        tables.tasks,
        tables.postings,
        tables.ownership_proofs,
    )
    members = Counter(r.telegram_user_id for r in _rows(connection, sa.select(m.c.telegram_user_id)))
    member_of = {r.telegram_user_id: r.id for r in _rows(connection, sa.select(m.c.telegram_user_id, m.c.id))}
    channels = Counter(r.member_id for r in _rows(connection, sa.select(ch.c.member_id)))
    proofs = Counter(r.member_id for r in _rows(connection, sa.select(pr.c.member_id)))
    submissions = Counter(r.owner_id for r in _rows(connection, sa.select(s.c.owner_id)))
    task_rows = {r.id: r for r in _rows(connection, sa.select(t.c.id, t.c.status, t.c.update_id, t.c.submission_id))}
    by_update = Counter(r.update_id for r in task_rows.values() if r.update_id is not None)
    verdict.tasks = Counter(str(r.status) for r in task_rows.values())
    # In flight with its next look scheduled is rightly waiting; in flight without one, stuck.
    flying = [r for r in task_rows.values() if str(r.status) in {"submitted", "verifying"}]
    verdict.stuck_tasks = sum(1 for r in flying if r.submission_id not in waiting)
    verdict.waiting_tasks = len(flying) - verdict.stuck_tasks
    a = tables.accounts
    wallets = {r.id: r.owner_id for r in _rows(connection, sa.select(a.c.id, a.c.owner_id).where(a.c.kind == "member"))}
    welcomes = Counter(
        wallets.get(r.target_id)
        for r in _rows(connection, sa.select(p.c.target_id).where(p.c.kind == PostingKind.WELCOME))
    )
    escrows = Counter(
        r.target_id for r in _rows(connection, sa.select(p.c.target_id).where(p.c.kind == PostingKind.ESCROW))
    )
    communities = {r.telegram_chat_id for r in _rows(connection, sa.select(tables.communities.c.telegram_chat_id))}
    answered = Counter(str(c.params.get("callback_query_id")) for c in calls if c.method == "answerCallbackQuery")
    sent_to: dict[int, list[Call]] = {}
    for call in calls:
        # An answer may come as an edit (a "🔎 Checking…" message that becomes the outcome).
        if call.method in {"sendMessage", "editMessageText"} and call.chat_id is not None and call.result is not None:
            sent_to.setdefault(call.chat_id, []).append(call)

    _doubled(verdict, "user {} is {} members", members)
    _doubled(verdict, "member {} welcomed {} times", welcomes)
    _doubled(verdict, "member {} has {} channels", channels)
    _doubled(verdict, "member {} has {} submissions", submissions)
    _doubled(verdict, "escrow account {} filled {} times", escrows)

    commands: Counter[tuple[int, str]] = Counter()
    task_asks: Counter[int] = Counter()
    for d in accepted:
        member_id = member_of.get(d.user_id)
        if d.query_id is not None and not answered[d.query_id]:
            verdict.lost.append(f"update {d.update_id} ({d.kind}): the tap was never answered")
        if d.kind == "bot_added" and group not in communities:
            verdict.lost.append("the bot joined the group but no community exists")
        elif d.kind == "join" and not members[d.user_id]:
            verdict.lost.append(f"update {d.update_id}: user {d.user_id} joined but is no member")
        elif d.kind == "link_platform" and (member_id is None or not proofs[member_id]):
            verdict.lost.append(f"update {d.update_id}: no code issued for user {d.user_id}")
        elif d.kind == "link_video" and (member_id is None or not channels[member_id]):
            verdict.lost.append(f"update {d.update_id}: user {d.user_id}'s channel is not linked")
        elif d.kind == "submit_count" and (member_id is None or not submissions[member_id]):
            verdict.lost.append(f"update {d.update_id}: user {d.user_id}'s submission does not exist")
        elif d.kind == "task_done":
            task_id = int(str(d.data).split(":")[1])
            if str(task_rows[task_id].status) == "assigned":
                verdict.lost.append(f"update {d.update_id}: task {task_id} still assigned after Done")
        elif d.kind == "task":
            if not by_update[d.update_id]:
                task_asks[d.user_id] += 1  # answered with a refusal, counted below
        elif d.kind in ANSWERS:
            commands[d.user_id, d.kind] += 1

    for (user_id, kind), asked in commands.items():
        got = sum(1 for c in sent_to.get(user_id, []) if ANSWERS[kind](c))
        if got < asked:
            verdict.lost.append(f"user {user_id}: {asked} {kind} accepted, {got} answered")
        verdict.repeated_answers += max(0, got - asked)
    for user_id, asked in task_asks.items():
        got = sum(1 for c in sent_to.get(user_id, []) if any(text in c.text for text in NO_TASK))
        if got < asked:
            verdict.lost.append(f"user {user_id}: {asked} /task without a task, {got} refusals")
        verdict.repeated_answers += max(0, got - asked)


def _doubled(verdict: Verdict, what: str, counts: Counter[Any]) -> None:
    verdict.doubled += [what.format(key, count) for key, count in counts.items() if count > 1]


def _check_ledger(connection: sa.Connection, verdict: Verdict) -> None:
    p, a = tables.postings, tables.accounts
    payouts = _rows(connection, sa.select(p.c.task_id).where(p.c.kind == PostingKind.PAYOUT))
    verdict.payouts = len(payouts)
    verdict.paid_tasks = len({r.task_id for r in payouts})
    flows: Counter[int] = Counter()
    for r in _rows(connection, sa.select(p.c.source_id, p.c.target_id, p.c.amount)):
        flows[r.source_id] -= int(r.amount)
        flows[r.target_id] += int(r.amount)
    balances = {r.id: int(r.balance) for r in _rows(connection, sa.select(a.c.id, a.c.balance))}
    verdict.balances_match_postings = all(balances[k] == flows.get(k, 0) for k in balances)


def describe(verdict: Verdict) -> list[str]:
    """The verdict as lines for a report."""
    return [
        f"accepted updates: {verdict.accepted} ({', '.join(f'{k} {n}' for k, n in sorted(verdict.by_kind.items()))})",
        f"lost: {len(verdict.lost)}; doubled: {len(verdict.doubled)}; answers repeated after a crash: "
        f"{verdict.repeated_answers}; updates handled again after a crash: {verdict.inbox_taken_again}",
        f"inbox not done: {verdict.inbox_pending}; tasks in flight with no job for them: {verdict.stuck_tasks}, "
        f"waiting for their scheduled next look: {verdict.waiting_tasks}; jobs due and not taken: {verdict.queue_pending}",
        f"tasks: {dict(sorted(verdict.tasks.items()))}; payouts {verdict.payouts} for {verdict.paid_tasks} tasks",
        f"ledger balanced: {verdict.ledger_balanced}; balances equal postings: {verdict.balances_match_postings}",
        *[f"LOST: {line}" for line in verdict.lost[:20]],
        *[f"DOUBLED: {line}" for line in verdict.doubled[:20]],
    ]
