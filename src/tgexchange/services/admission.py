"""The admission cap (anti-raid): at most N newcomers per community per UTC day; the rest are told
when the next day starts. Used by ``services.joining.add_joiners`` inside the join's transaction:
one count per batch of joiners, and none at all when the cap is off or nobody new asks."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import structlog

from tgexchange.domain.community import Community
from tgexchange.domain.health import AdmissionClosed
from tgexchange.services.ports import ADMISSION_REFUSED, FairPlayEvent, UnitOfWork

log = structlog.get_logger("tgexchange.fair_play")


def day_start(now: datetime) -> datetime:
    return datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)


def room_today(uow: UnitOfWork, community: Community, *, now: datetime) -> int | None:
    """How many more newcomers the community takes today; None when it has no cap. ONE indexed
    count (``ix_members_community_joined (community_id, joined_at)``, a covering index: the count
    reads at most today's joins, which the cap bounds)."""
    cap = community.settings.admission_cap_per_day
    if not cap:
        return None
    return max(0, cap - uow.fair_play.count_joined_since(community.id, day_start(now)))


def refuse(uow: UnitOfWork, community: Community, *, telegram_user_id: int, now: datetime) -> AdmissionClosed:
    """Records a newcomer turned away (the dashboard counts them) and returns the refusal, with
    when the next UTC day starts; it commits with the join's transaction."""
    cap = community.settings.admission_cap_per_day
    reopens_at = day_start(now) + timedelta(days=1)
    uow.fair_play.log_event(
        FairPlayEvent(
            community_id=community.id,
            kind=ADMISSION_REFUSED,
            at=now,
            telegram_user_id=telegram_user_id,
            until=reopens_at,
        )
    )
    log.info("admission_refused", community_id=community.id, telegram_user_id=telegram_user_id, cap=cap)
    return AdmissionClosed(reopens_at, cap)
