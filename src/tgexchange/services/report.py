"""The daily report each community's admins get at the hour they chose: yesterday's tasks, what
was verified, the success rate, the top givers, the members who found nothing to give feedback on
and the problems still open, with two weeks of days for a chart. Counts come from the dashboard's
rollups (UTC days), the members who found nothing from ``unmet_task_requests``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from tgexchange.domain.operations import Anomaly
from tgexchange.domain.rollup import Counts
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.ports import DashboardReader, Notice, UnitOfWork

CHART_DAYS = 14
TOP_GIVERS = 3
RANKING_DEPTH = 50


@dataclass(frozen=True, slots=True)
class Giver:
    name: str
    verified: int


@dataclass(frozen=True, slots=True)
class ReportDay:
    day: date
    assigned: int
    verified: int


@dataclass(frozen=True, slots=True)
class DailyReport:
    community_id: int
    title: str
    day: date
    """The UTC day the figures cover (the last complete one)."""
    assigned: int
    verified: int
    rejected: int
    expired: int
    top_givers: list[Giver]
    problems: list[str]
    """Open anomalies of the community, one line each (the watchdog's summary)."""
    days: list[ReportDay]
    """The last CHART_DAYS days up to ``day``, oldest first (days without tasks included, as 0)."""
    asked_in_vain: int = 0
    """Members who asked for a task that day and found none: givers waiting for content."""

    def to_params(self) -> dict[str, object]:
        """JSON for the notice: the report is a snapshot of when it was built."""
        return {
            **{k: v for k, v in asdict(self).items() if k not in {"day", "days", "top_givers"}},
            "day": self.day.isoformat(),
            "top_givers": [[g.name, g.verified] for g in self.top_givers],
            "days": [[d.day.isoformat(), d.assigned, d.verified] for d in self.days],
        }

    @classmethod
    def from_params(cls, params: dict[str, object]) -> DailyReport:
        def ints(name: str) -> int:
            return int(str(params[name]))

        givers = params.get("top_givers")
        days = params.get("days")
        problems = params.get("problems")
        return cls(
            community_id=ints("community_id"),
            title=str(params["title"]),
            day=date.fromisoformat(str(params["day"])),
            assigned=ints("assigned"),
            verified=ints("verified"),
            rejected=ints("rejected"),
            expired=ints("expired"),
            top_givers=[Giver(str(n), int(v)) for n, v in givers] if isinstance(givers, list) else [],
            problems=[str(p) for p in problems] if isinstance(problems, list) else [],
            days=[ReportDay(date.fromisoformat(str(d)), int(a), int(v)) for d, a, v in days]
            if isinstance(days, list)
            else [],
            asked_in_vain=int(str(params.get("asked_in_vain", 0))),  # absent from reports queued before it
        )

    @property
    def success_rate(self) -> float | None:
        """Verified ÷ (verified + rejected + expired), as the dashboard counts it; None without any."""
        decided = self.verified + self.rejected + self.expired
        return self.verified / decided if decided else None


def _minus(later_from: Counts, from_day: Counts) -> Counts:
    counts = Counts()
    for name, value in later_from.as_dict().items():
        setattr(counts, name, value - from_day.as_dict()[name])
    return counts


def build_daily_report(
    reader: DashboardReader, *, community_id: int, day: date, problems: list[Anomaly] | None = None
) -> DailyReport:
    """The report of ``day`` (a complete UTC day before today). Reads the rollups from ``day`` on
    and subtracts what came after it, so nothing reads history beyond the chart's two weeks."""
    scope = frozenset({community_id})
    after = day + timedelta(days=1)
    since_day = {c.community_id: c for c in reader.counts_by_community(scope, first_day=day)}
    since_after = {c.community_id: c for c in reader.counts_by_community(scope, first_day=after)}
    titles = reader.community_titles(scope)
    whole = since_day[community_id].counts if community_id in since_day else Counts()
    later = since_after[community_id].counts if community_id in since_after else Counts()
    counts = _minus(whole, later)
    rows_since = reader.members(scope, first_day=day, min_tasks=0, limit=RANKING_DEPTH)
    rows_after = {
        r.member_id: r.stats.verified for r in reader.members(scope, first_day=after, min_tasks=0, limit=RANKING_DEPTH)
    }
    givers = sorted(
        (Giver(r.display_name, r.stats.verified - rows_after.get(r.member_id, 0)) for r in rows_since),
        key=lambda g: (-g.verified, g.name.casefold()),
    )
    first = day - timedelta(days=CHART_DAYS - 1)
    per_day = {d.day: d for d in reader.verified_per_day(scope, first_day=first)}
    days = [
        ReportDay(d, per_day[d].assigned if d in per_day else 0, per_day[d].verified if d in per_day else 0)
        for d in (first + timedelta(days=i) for i in range(CHART_DAYS))
    ]
    return DailyReport(
        community_id=community_id,
        title=titles.get(community_id, f"#{community_id}"),
        day=day,
        assigned=counts.assigned,
        verified=counts.verified,
        rejected=counts.rejected,
        expired=counts.expired,
        top_givers=[g for g in givers if g.verified > 0][:TOP_GIVERS],
        problems=[a.summary for a in problems or [] if a.community_id == community_id],
        days=days,
        asked_in_vain=reader.asked_in_vain(scope, first_day=day, last_day=day).members,
    )


def due_reports(uow: UnitOfWork, *, now: datetime) -> list[int]:
    """Communities whose report hour (UTC) has come today, with admins to tell, whose report for
    yesterday has not gone out yet. A worker that was down at the hour catches up later that day."""
    yesterday = now.date() - timedelta(days=1)
    with uow:
        due = []
        for community in uow.communities.list_all():
            hour = community.settings.daily_report_hour
            if hour is None or now.hour < hour or not community.bot_present:
                continue
            if uow.operations.is_report_sent(community.id, yesterday):
                continue
            if uow.members.list_admins(community.id):
                due.append(community.id)
        return due


@retry_on_conflict()
def queue_report(uow: UnitOfWork, report: DailyReport, *, now: datetime) -> list[int]:
    """One ``daily_report`` notice per admin of the report's community, in one transaction with
    the mark that the day's report went out (two workers never send it twice). Returns the
    notices' ids (none when another worker was first)."""
    with uow:
        if not uow.operations.claim_daily_report(report.community_id, report.day, now=now):
            return []
        for admin in uow.members.list_admins(report.community_id):
            uow.notices.add(Notice(admin.id, "daily_report", report.to_params()), now=now, deliver_after=now)
        uow.commit()
    return uow.take_notices()


def send_daily_reports(uow_factory: Callable[[], UnitOfWork], reader: DashboardReader, *, now: datetime) -> list[int]:
    """Every report due now, built and queued; returns the notices' ids."""
    notices: list[int] = []
    day = now.date() - timedelta(days=1)
    for community_id in due_reports(uow_factory(), now=now):
        with uow_factory() as uow:
            problems = list(uow.operations.open_anomalies())
        report = build_daily_report(reader, community_id=community_id, day=day, problems=problems)
        notices.extend(queue_report(uow_factory(), report, now=now))
    return notices
