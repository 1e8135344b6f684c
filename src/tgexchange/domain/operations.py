"""The operator's side of the exchange: the global kill switch and the watchdog's anomalies.

Pure rules only: what a pause is, how long a resumed pause held a task up, and how far over its
threshold a measurement is (its severity). Storage, the queue and the alerts live elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from tgexchange.domain.stored import Stored

# The actor the watchdog signs its automatic pauses with.
WATCHDOG: Final = "watchdog"


@dataclass(frozen=True, slots=True)
class ExchangePause:
    """The global kill switch while it is on: every community is paused, whatever its own switch."""

    reason: str
    since: datetime
    by: str
    anomaly_id: int | None = None


def held_up_by_exchange_pause(pause: ExchangePause, *, own_paused_at: datetime | None, now: datetime) -> timedelta:
    """How long the global pause ending ``now`` held up one community's tasks: its whole length,
    less the part during which the community was also paused on its own and still is (that part
    is given back when the community itself resumes)."""
    if own_paused_at is None:
        return max(now - pause.since, timedelta(0))
    return max(min(own_paused_at, now) - pause.since, timedelta(0))


class AnomalyKind(StrEnum):
    """What the watchdog looks for. Each kind says whether it concerns one community, one
    platform, one job, or everything."""

    VERIFICATION_ERRORS = "verification_errors"  # passes ending in an error, share over a window
    PLATFORM_OUTAGE = "platform_outage"  # consecutive failed reads, an open circuit breaker
    SPAM_WAVE = "spam_wave"  # quality rejections per hour far above the community's normal
    QUEUE_BACKLOG = "queue_backlog"  # a ready job waits too long before a worker takes it
    STUCK_TASKS = "stuck_tasks"  # tasks whose next look is long overdue (nobody works on them)
    JOB_FAILURES = "job_failures"  # a job raising again and again


class Scope(StrEnum):
    EVERYTHING = "everything"
    COMMUNITY = "community"
    PLATFORM = "platform"
    JOB = "job"


@dataclass(frozen=True, slots=True)
class Finding:
    """One measurement over its threshold, as the watchdog saw it on one tick."""

    kind: AnomalyKind
    severity: float
    summary: str
    evidence: dict[str, object]
    community_id: int | None = None
    platform: str | None = None
    job: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.severity <= 1.0:
            raise ValueError(f"a severity is in [0, 1], not {self.severity}")

    @property
    def scope(self) -> Scope:
        if self.community_id is not None:
            return Scope.COMMUNITY
        if self.platform is not None:
            return Scope.PLATFORM
        if self.job is not None:
            return Scope.JOB
        return Scope.EVERYTHING

    @property
    def key(self) -> str:
        """Identifies an episode: the same kind on the same thing is the same anomaly until it clears."""
        target = self.community_id if self.community_id is not None else self.platform or self.job or "*"
        return f"{self.kind.value}:{self.scope.value}:{target}"


@dataclass(eq=False, kw_only=True)
class Anomaly(Stored):
    """An episode: from the first tick that found it to the first tick that did not."""

    kind: AnomalyKind
    key: str
    severity: float
    summary: str
    evidence: dict[str, object] = field(default_factory=dict)
    community_id: int | None = None
    platform: str | None = None
    job: str | None = None
    first_seen: datetime
    last_seen: datetime
    cleared_at: datetime | None = None
    peak_severity: float = 0.0
    paused: bool = False
    """This anomaly switched a kill switch on (the community's, or the global one)."""

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None

    @property
    def scope(self) -> Scope:
        if self.community_id is not None:
            return Scope.COMMUNITY
        if self.platform is not None:
            return Scope.PLATFORM
        if self.job is not None:
            return Scope.JOB
        return Scope.EVERYTHING

    @property
    def affects(self) -> str:
        """What it affects, in words for operators and logs."""
        if self.community_id is not None:
            return f"community {self.community_id}"
        if self.platform is not None:
            return f"platform {self.platform}"
        if self.job is not None:
            return f"job {self.job}"
        return "everything"

    def seen_again(self, finding: Finding, now: datetime) -> None:
        self.severity = finding.severity
        self.peak_severity = max(self.peak_severity, finding.severity)
        self.summary = finding.summary
        self.evidence = dict(finding.evidence)
        self.last_seen = now

    def clear(self, now: datetime) -> None:
        self.cleared_at = now

    @classmethod
    def first(cls, finding: Finding, now: datetime) -> Anomaly:
        return cls(
            kind=finding.kind,
            key=finding.key,
            severity=finding.severity,
            peak_severity=finding.severity,
            summary=finding.summary,
            evidence=dict(finding.evidence),
            community_id=finding.community_id,
            platform=finding.platform,
            job=finding.job,
            first_seen=now,
            last_seen=now,
        )


# Kinds that pausing cannot help: an outage or a slow queue never rejects anyone (tasks wait),
# while a pause would call off every task in progress. Their severity stays below this.
HARMLESS_CEILING: Final = 0.7


def over_threshold(value: float, threshold: float, *, full_at: float, ceiling: float = 1.0) -> float:
    """Severity of ``value`` measured against ``threshold``: 0 below it, 0.5 at it, rising linearly
    to 1.0 at ``full_at`` (a value far beyond any normal), never above ``ceiling``."""
    if value < threshold or threshold <= 0:
        return 0.0
    if full_at <= threshold:
        return min(1.0, ceiling)
    share = min((value - threshold) / (full_at - threshold), 1.0)
    return round(min(0.5 + 0.5 * share, ceiling), 3)


@dataclass(frozen=True, slots=True)
class WatchdogPolicy:
    """The thresholds, each an environment variable (config.py) with these defaults."""

    error_rate: float = 0.30
    error_window: timedelta = timedelta(minutes=15)
    min_passes: int = 10
    """Fewer passes than this in the window say nothing about a rate (1 of 1 is not 100%)."""
    read_failures: int = 5
    spam_factor: float = 5.0
    """A wave: this many times the community's normal quality rejections per hour..."""
    spam_min_per_hour: int = 10
    """...and at least this many in the hour."""
    spam_baseline: timedelta = timedelta(days=7)
    backlog_age: timedelta = timedelta(minutes=5)
    stuck_after: timedelta = timedelta(minutes=30)
    job_failures: int = 5
    pause_severity: float = 0.8
    auto_pause: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.error_rate < 1:
            raise ValueError("the error-rate threshold is a share in (0, 1)")
        if not 0 < self.pause_severity <= 1:
            raise ValueError("the pause severity is in (0, 1]")


def error_rate_severity(errors: int, passes: int, policy: WatchdogPolicy) -> float:
    """Verification errors: 0.5 at the threshold, 1.0 when every pass fails."""
    if passes < policy.min_passes:
        return 0.0
    return over_threshold(errors / passes, policy.error_rate, full_at=1.0)


def spam_wave_severity(last_hour: int, normal_per_hour: float, policy: WatchdogPolicy) -> float:
    """0.5 at ``spam_factor`` times the normal rate, 1.0 at twice that. The normal rate is never
    taken below one rejection an hour, so a quiet community's first few spam comments are no wave."""
    if last_hour < policy.spam_min_per_hour:
        return 0.0
    ratio = last_hour / max(normal_per_hour, 1.0)
    return over_threshold(ratio, policy.spam_factor, full_at=2 * policy.spam_factor)
