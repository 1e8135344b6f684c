"""``tgexchange pause``, ``resume`` and ``status``: the operator's kill switches from a shell."""

from __future__ import annotations

import getpass
import json
import socket
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from tgexchange.bootstrap import build_storage
from tgexchange.cli.console import err, out
from tgexchange.config import Settings
from tgexchange.domain.errors import DomainError
from tgexchange.services import operations

CommunityOption = Annotated[
    int | None, typer.Option("--community", min=1, help="One community (its number); default: the whole exchange.")
]
ByOption = Annotated[
    str, typer.Option("--by", help="Who acts, for the audit trail (default: user@host, from the CLI).")
]


def _by(given: str) -> str:
    return given.strip() or f"cli:{getpass.getuser()}@{socket.gethostname()}"


def pause(
    reason: Annotated[str, typer.Option("--reason", help="Why: kept in the audit trail and shown to admins.")],
    community: CommunityOption = None,
    by: ByOption = "",
) -> None:
    """Turn a kill switch on: the whole exchange, or one community. No new tasks; verification
    and payouts wait (they keep their time); tasks not yet done are called off without blame."""
    if not reason.strip():
        err.print("pause needs a --reason")
        raise typer.Exit(2)
    storage = build_storage(Settings().effective_database_url)
    now = datetime.now(UTC)
    try:
        if community is None:
            result = operations.pause_exchange(storage.uow(), reason=reason, by=_by(by), now=now)
            what = "the whole exchange"
        else:
            result = operations.pause_one(storage.uow, community_id=community, reason=reason, by=_by(by), now=now)
            what = f"community {community}"
    except DomainError as error:
        err.print(error.message, markup=False)
        raise typer.Exit(1) from error
    finally:
        storage.dispose()
    state = "paused" if result.changed else "was already paused (reason updated)"
    out.print(f"{what} {state}; {result.cancelled} task(s) not yet done called off", markup=False)


def resume(
    community: CommunityOption = None,
    reason: Annotated[str, typer.Option("--reason", help="Optional note for the audit trail.")] = "",
    by: ByOption = "",
) -> None:
    """Turn a kill switch off; tasks waiting for verification get the paused time back. Exits 1
    when it was not on."""
    storage = build_storage(Settings().effective_database_url)
    now = datetime.now(UTC)
    try:
        if community is None:
            result = operations.resume_exchange(storage.uow(), by=_by(by), now=now, reason=reason)
            what = "the whole exchange"
        else:
            result = operations.resume_one(storage.uow, community_id=community, by=_by(by), now=now, reason=reason)
            what = f"community {community}"
    except DomainError as error:
        err.print(error.message, markup=False)
        raise typer.Exit(1) from error
    finally:
        storage.dispose()
    held = f" after {int(result.held_for.total_seconds())} s" if result.held_for is not None else ""
    out.print(f"{what} resumed{held}", markup=False)


def status(as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False) -> None:
    """The kill switches, each community's state, open anomalies and live workers."""
    storage = build_storage(Settings().effective_database_url)
    try:
        found = operations.status(storage.uow(), now=datetime.now(UTC))
    finally:
        storage.dispose()
    if as_json:
        out.print_json(json.dumps(found.to_json()))
        return
    pause = found.pause
    headline = f"PAUSED since {pause.since:%Y-%m-%d %H:%M} UTC by {pause.by}: {pause.reason}" if pause else "running"
    out.print(f"exchange: {headline}", markup=False)
    table = Table(title="communities")
    for column in ("id", "title", "state", "since", "by", "reason"):
        table.add_column(column)
    for c in found.communities:
        state = "paused" if c.paused else "paused (everything)" if c.paused_by_exchange else "open"
        since = f"{c.since:%Y-%m-%d %H:%M}" if c.since else ""
        table.add_row(str(c.id), c.title, state, since, c.by or "", c.reason or "")
    out.print(table)
    anomalies = Table(title="open anomalies")
    for column in ("id", "kind", "affects", "severity", "since", "summary"):
        anomalies.add_column(column)
    for a in found.anomalies:
        anomalies.add_row(str(a.id), a.kind.value, a.affects, f"{a.severity:.2f}", f"{a.first_seen:%H:%M}", a.summary)
    out.print(anomalies)
    out.print(f"workers: {len(found.workers)} ({sum(w.threads for w in found.workers)} threads)", markup=False)
