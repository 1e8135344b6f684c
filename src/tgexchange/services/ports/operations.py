"""Storage for the operator's side: the global kill switch, its log, anomalies, daily reports,
the workers' heartbeats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from tgexchange.domain.operations import Anomaly, ExchangePause


@dataclass(frozen=True, slots=True)
class SwitchChange:
    """One entry of the kill-switch log."""

    at: datetime
    action: str  # "pause" | "resume"
    community_id: int | None  # None: the global switch
    actor: str
    reason: str | None = None
    held_s: int | None = None
    """On a resume: how long the switch was on."""
    anomaly_id: int | None = None


@dataclass(frozen=True, slots=True)
class WorkerBeat:
    name: str
    threads: int
    started_at: datetime
    last_seen: datetime


class OperationsRepository(Protocol):
    def kill_switch(self, *, for_update: bool = False) -> ExchangePause | None:
        """The global switch, None while it is off. ``for_update`` serializes concurrent changes."""
        ...

    def switch_on(self, pause: ExchangePause) -> None:
        """Turns the global switch on (or rewrites its reason while on); every community this
        unit of work loads afterwards sees it."""
        ...

    def switch_off(self) -> None: ...
    def log_switch(self, change: SwitchChange) -> None: ...
    def switch_log(self, *, limit: int, community_id: int | None = None) -> Sequence[SwitchChange]:
        """Newest first; every community's and the global switch's when ``community_id`` is None."""
        ...

    def last_pause(self, community_id: int | None) -> SwitchChange | None:
        """The latest "pause" entry of that switch (who turned it on)."""
        ...

    def open_anomalies(self, *, for_update: bool = False) -> Sequence[Anomaly]: ...
    def recent_anomalies(self, *, since: datetime, limit: int) -> Sequence[Anomaly]:
        """Open ones, and those cleared since ``since``; newest first."""
        ...

    def find_anomaly(self, anomaly_id: int) -> Anomaly | None: ...
    def save_anomaly(self, anomaly: Anomaly) -> None:
        """Inserts a new episode (giving it an id) or updates a stored one. Raises
        ConcurrencyConflict (from commit) if another writer opened the same episode."""
        ...

    def is_report_sent(self, community_id: int, day: date) -> bool: ...
    def claim_daily_report(self, community_id: int, day: date, *, now: datetime) -> bool:
        """Marks that day's report of the community as sent; False when it already was."""
        ...

    def quality_rejections_by_hour(self, *, since_hour: int) -> dict[int, tuple[datetime, dict[int, int]]]:
        """Per community (with when it was created): feedback refused by the quality gate per
        hour (whole hours since the epoch, UTC) from ``since_hour`` on. Outcomes that are no
        verdict on the text (not found, content gone, owner denied, platform down) are left out."""
        ...

    def stuck_tasks(self, *, before: datetime) -> int:
        """Tasks waiting for verification (not on a person) whose next look was due before then."""
        ...

    def beat(self, worker: WorkerBeat) -> None: ...
    def forget_worker(self, name: str) -> None: ...
    def workers(self, *, seen_since: datetime) -> Sequence[WorkerBeat]: ...
