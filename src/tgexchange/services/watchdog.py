"""The watchdog: what it measures becomes findings (``detect``), findings become anomaly episodes
with alerts and, at a high enough severity, automatic pauses (``watch``).

An episode opens on the first tick that finds something and clears on the first tick that no
longer does; its alert goes out once as it opens and its recovery notice once as it clears, so a
problem that lasts an hour is two messages, not 120. Severity ≥ ``pause_severity`` pauses what
the anomaly affects (one community, or everything for a global cause), with the anomaly as the
reason; a human resumes, and an anomaly that paused something never pauses it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tgexchange.domain.operations import (
    HARMLESS_CEILING,
    WATCHDOG,
    Anomaly,
    AnomalyKind,
    Finding,
    Scope,
    WatchdogPolicy,
    error_rate_severity,
    over_threshold,
    spam_wave_severity,
)
from tgexchange.services.community import pause_in
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.operations import pause_exchange_in
from tgexchange.services.ports import Notice, UnitOfWork

OPENED = "anomaly_opened"
CLEARED = "anomaly_cleared"


@dataclass(frozen=True, slots=True)
class BreakerView:
    platform: str
    state: str  # closed | open | half_open
    failures: int
    opened_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Observations:
    """What the worker side measured for one tick (the database side is read by ``detect``).
    ``passes`` None means unknown (the counters were not readable): no error-rate finding."""

    passes: int | None = None
    pass_errors: int = 0
    breakers: Sequence[BreakerView] = ()
    queue_lateness_s: float | None = None
    queue_depth: int | None = None
    job_errors: dict[str, int] = field(default_factory=dict)


def detect(uow: UnitOfWork, seen: Observations, *, policy: WatchdogPolicy, now: datetime) -> list[Finding]:
    """Every measurement over its threshold, as findings. Reads rejections and stuck tasks."""
    findings: list[Finding] = []
    window_min = int(policy.error_window.total_seconds() // 60)
    if seen.passes is not None:
        severity = error_rate_severity(seen.pass_errors, seen.passes, policy)
        if severity > 0:
            rate = seen.pass_errors / seen.passes
            findings.append(
                Finding(
                    AnomalyKind.VERIFICATION_ERRORS,
                    severity,
                    f"{seen.pass_errors} of {seen.passes} verification passes failed in {window_min} min "
                    f"({rate:.0%}; threshold {policy.error_rate:.0%})",
                    {"errors": seen.pass_errors, "passes": seen.passes, "minutes": window_min, "rate": round(rate, 3)},
                )
            )
    for breaker in seen.breakers:
        if breaker.state == "closed" and breaker.failures < policy.read_failures:
            continue
        # An outage never rejects anyone (tasks wait), so it never pauses anything either.
        severity = HARMLESS_CEILING if breaker.state != "closed" else 0.5
        findings.append(
            Finding(
                AnomalyKind.PLATFORM_OUTAGE,
                severity,
                f"{breaker.platform}: {breaker.failures} failed reads in a row, circuit breaker {breaker.state}",
                {"platform": breaker.platform, "failures": breaker.failures, "breaker": breaker.state},
                platform=breaker.platform,
            )
        )
    findings.extend(_spam_waves(uow, policy=policy, now=now))
    if seen.queue_lateness_s is not None:
        limit_s = policy.backlog_age.total_seconds()
        severity = over_threshold(seen.queue_lateness_s, limit_s, full_at=4 * limit_s, ceiling=HARMLESS_CEILING)
        if severity > 0:
            findings.append(
                Finding(
                    AnomalyKind.QUEUE_BACKLOG,
                    severity,
                    f"jobs wait {seen.queue_lateness_s:.0f} s before a worker takes them "
                    f"({seen.queue_depth if seen.queue_depth is not None else '?'} waiting; threshold {limit_s:.0f} s)",
                    {"age_s": round(seen.queue_lateness_s, 1), "depth": seen.queue_depth, "threshold_s": limit_s},
                )
            )
    with uow:
        stuck = uow.operations.stuck_tasks(before=now - policy.stuck_after)
    if stuck:
        minutes = int(policy.stuck_after.total_seconds() // 60)
        findings.append(
            Finding(
                AnomalyKind.STUCK_TASKS,
                over_threshold(stuck, 1, full_at=100, ceiling=HARMLESS_CEILING),
                f"{stuck} tasks waiting for verification are over {minutes} min past their next look",
                {"count": stuck, "minutes": minutes},
            )
        )
    for job, errors in sorted(seen.job_errors.items()):
        severity = over_threshold(errors, policy.job_failures, full_at=4 * policy.job_failures)
        if severity > 0:
            findings.append(
                Finding(
                    AnomalyKind.JOB_FAILURES,
                    severity,
                    f"job {job} failed {errors} times in {window_min} min (threshold {policy.job_failures})",
                    {"job": job, "errors": errors, "minutes": window_min},
                    job=job,
                )
            )
    return findings


def _spam_waves(uow: UnitOfWork, *, policy: WatchdogPolicy, now: datetime) -> list[Finding]:
    """Quality rejections in the last hour (this hour so far, plus the part of the previous hour
    the last 60 minutes still cover) against the community's normal per hour over the baseline
    (the days before the last two hours, or since the community began, if later)."""
    hour = int(now.timestamp() // 3600)
    into_hour = (now.timestamp() % 3600) / 3600
    baseline_hours = int(policy.spam_baseline.total_seconds() // 3600)
    with uow:
        rows = uow.operations.quality_rejections_by_hour(since_hour=hour - baseline_hours - 1)
    findings = []
    for community_id, (created_at, by_hour) in sorted(rows.items()):
        last_hour = by_hour.get(hour, 0) + round(by_hour.get(hour - 1, 0) * (1 - into_hour))
        history_start = max(hour - baseline_hours - 1, int(created_at.timestamp() // 3600))
        history_hours = max(hour - 1 - history_start, 1)
        history = sum(n for h, n in by_hour.items() if history_start <= h < hour - 1)
        normal = history / history_hours
        severity = spam_wave_severity(last_hour, normal, policy)
        if severity > 0:
            findings.append(
                Finding(
                    AnomalyKind.SPAM_WAVE,
                    severity,
                    f"{last_hour} pieces of feedback refused by the quality gate in the last hour; "
                    f"normal is {normal:.1f} an hour",
                    {"last_hour": last_hour, "normal_per_hour": round(normal, 2), "factor": policy.spam_factor},
                    community_id=community_id,
                )
            )
    return findings


@dataclass(frozen=True, slots=True)
class WatchResult:
    opened: list[Anomaly]
    cleared: list[Anomaly]
    still_open: list[Anomaly]
    paused_communities: list[int]
    paused_everything: bool
    notices: list[int]


@retry_on_conflict()
def watch(
    uow: UnitOfWork,
    findings: Sequence[Finding],
    *,
    policy: WatchdogPolicy,
    operators: Sequence[int],
    now: datetime,
) -> WatchResult:
    """Opens, updates and clears anomaly episodes from one tick's findings, pauses what a severe
    one affects (when ``policy.auto_pause``), and writes the alert and recovery notices for
    operators (Telegram user ids) and the affected community's admins, all in one transaction."""
    by_key = {finding.key: finding for finding in findings}
    with uow:
        known = {anomaly.key: anomaly for anomaly in uow.operations.open_anomalies(for_update=True)}
        opened: list[Anomaly] = []
        cleared: list[Anomaly] = []
        still: list[Anomaly] = []
        for key, finding in by_key.items():
            anomaly = known.get(key)
            if anomaly is None:
                anomaly = Anomaly.first(finding, now)
                opened.append(anomaly)
            else:
                anomaly.seen_again(finding, now)
                still.append(anomaly)
            uow.operations.save_anomaly(anomaly)
        for key, anomaly in known.items():
            if key not in by_key:
                anomaly.clear(now)
                uow.operations.save_anomaly(anomaly)
                cleared.append(anomaly)
        paused_communities, paused_everything, just_paused = _pause_for(uow, [*opened, *still], policy=policy, now=now)
        for anomaly in opened:
            _tell(
                uow, anomaly, OPENED, operators=operators, everyone_admins=paused_everything and anomaly.paused, now=now
            )
        for anomaly in still:
            if anomaly.id in just_paused:
                # It grew severe after it opened: the pause is news of its own.
                _tell(uow, anomaly, OPENED, operators=operators, everyone_admins=anomaly.community_id is None, now=now)
        for anomaly in cleared:
            _tell(uow, anomaly, CLEARED, operators=operators, everyone_admins=False, now=now)
        uow.commit()
    return WatchResult(opened, cleared, still, paused_communities, paused_everything, uow.take_notices())


def _pause_for(
    uow: UnitOfWork, anomalies: list[Anomaly], *, policy: WatchdogPolicy, now: datetime
) -> tuple[list[int], bool, set[int]]:
    """Pauses what each severe anomaly affects, once per anomaly. Returns the communities paused,
    whether everything was, and the anomalies that paused something now."""
    paused: list[int] = []
    everything = False
    just: set[int] = set()
    if not policy.auto_pause:
        return paused, everything, just
    for anomaly in anomalies:
        if anomaly.paused or anomaly.severity < policy.pause_severity:
            continue
        reason = f"watchdog, anomaly #{anomaly.id}: {anomaly.summary}"
        if anomaly.scope is Scope.COMMUNITY and anomaly.community_id is not None:
            community = uow.communities.find(anomaly.community_id)
            if community is None or community.is_paused:
                continue
            pause_in(uow, community, reason=reason, now=now, actor_label=WATCHDOG, anomaly_id=anomaly.id)
            paused.append(community.id)
        else:
            if uow.operations.kill_switch() is not None:
                continue
            pause_exchange_in(uow, reason=reason, by=WATCHDOG, now=now, anomaly_id=anomaly.id)
            everything = True
        anomaly.paused = True
        just.add(anomaly.id)
        uow.operations.save_anomaly(anomaly)
    return paused, everything, just


def _tell(
    uow: UnitOfWork, anomaly: Anomaly, kind: str, *, operators: Sequence[int], everyone_admins: bool, now: datetime
) -> None:
    params: dict[str, object] = {
        "anomaly_id": anomaly.id,
        "kind": anomaly.kind.value,
        "severity": anomaly.severity,
        "community_id": anomaly.community_id,
        "platform": anomaly.platform,
        "job": anomaly.job,
        "evidence": anomaly.evidence,
        "paused": anomaly.paused,
        "lasted_s": int((now - anomaly.first_seen).total_seconds()) if kind == CLEARED else None,
    }
    for telegram_user_id in dict.fromkeys(operators):
        uow.notices.add(Notice(None, kind, params, telegram_user_id=telegram_user_id), now=now, deliver_after=now)
    admins = []
    if anomaly.community_id is not None:
        admins = list(uow.members.list_admins(anomaly.community_id))
    elif everyone_admins:
        admins = [admin for community in uow.communities.list_all() for admin in uow.members.list_admins(community.id)]
    operator_ids = set(operators)
    for admin in admins:
        if admin.telegram_user_id in operator_ids:
            continue  # already told as an operator
        uow.notices.add(Notice(admin.id, kind, params), now=now, deliver_after=now)
