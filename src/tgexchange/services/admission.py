"""The admission cap (anti-raid): at most N newcomers per community per UTC day; the rest are told
when the next day starts. Called by ``services.community._join`` inside the join's transaction."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import structlog

from tgexchange.domain.community import Community
from tgexchange.domain.health import AdmissionClosed
from tgexchange.services.ports import ADMISSION_REFUSED, FairPlayEvent, UnitOfWork

log = structlog.get_logger("tgexchange.fair_play")


def day_start(now: datetime) -> datetime:
    return datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)


def admit(uow: UnitOfWork, community: Community, *, telegram_user_id: int, is_admin: bool, now: datetime) -> None:
    """Returns when a newcomer may join: no cap set, an admin (they run the group), or room left
    today (ONE indexed count: ``ix_members_community_joined``). Otherwise records the refusal,
    commits it (the join's transaction has changed nothing else by then) and raises
    AdmissionClosed with when the next UTC day starts."""
    cap = community.settings.admission_cap_per_day
    if not cap or is_admin:
        return
    today = day_start(now)
    if uow.fair_play.count_joined_since(community.id, today) < cap:
        return
    reopens_at = today + timedelta(days=1)
    uow.fair_play.log_event(
        FairPlayEvent(
            community_id=community.id,
            kind=ADMISSION_REFUSED,
            at=now,
            telegram_user_id=telegram_user_id,
            until=reopens_at,
        )
    )
    uow.commit()
    log.info("admission_refused", community_id=community.id, telegram_user_id=telegram_user_id, cap=cap)
    raise AdmissionClosed(reopens_at, cap)
