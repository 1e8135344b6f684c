"""Member health in use: the score from the member's record, and the cooldown that stops a member
in poor health (or under a cooldown penalty) from requesting feedback for a while. Giving
feedback is never blocked: it is how health recovers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog

from tgexchange.domain.health import (
    HEALTH_COOLDOWN_EVERY,
    CooldownActive,
    HealthInputs,
    cooldown_for,
    health,
)
from tgexchange.domain.penalty import Penalty, PenaltyKind
from tgexchange.domain.rating import PUBLISH_EVERY, RatingSummary
from tgexchange.domain.reliability import MemberStats
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.lookup import get_acting_member, get_member
from tgexchange.services.ports import COOLDOWN_STARTED, FairPlayEvent, FairPlayReader, FairPlayStanding, UnitOfWork

log = structlog.get_logger("tgexchange.fair_play")


def _inputs(
    uow: UnitOfWork, member_id: int, now: datetime, rating: float | None, penalties: Sequence[Penalty] | None = None
) -> HealthInputs:
    """``penalties``: the member's latest 50, when this transaction has read them already."""
    if penalties is None:
        penalties = uow.fair_play.penalties_of(member_id, limit=50)
    in_force = [p for p in penalties if p.is_active(now)]
    return HealthInputs(
        stats=uow.stats.get(member_id),
        active_warnings=sum(p.kind is PenaltyKind.WARN for p in in_force),
        active_cooldowns=sum(p.kind is PenaltyKind.COOLDOWN for p in in_force),
        rating=rating if rating is not None else uow.ratings.summary(member_id).scaled,
    )


def member_health(uow: UnitOfWork, *, member_id: int, now: datetime, rating: float | None = None) -> float:
    """The member's health in [0, 1]. ``rating``: their published ratings' average scaled to
    [0, 1]; None reads it (no ratings published yet: neutral). Raises MemberNotFound."""
    with uow:
        get_member(uow, member_id)
        return health(_inputs(uow, member_id, now, rating))


@retry_on_conflict()
def ensure_can_request_feedback(uow: UnitOfWork, *, member_id: int, now: datetime, rating: float | None = None) -> None:
    """Raises CooldownActive (with when it ends) while a cooldown penalty is in force, while a
    health cooldown runs, or when the member's health is below the community's threshold: then a
    cooldown of 0-24 h scaled by the score starts now (at most one a day, logged and counted on
    the dashboard). Raises MemberBanned or CommunityPaused as any request would."""
    with uow:
        member, community = get_acting_member(uow, member_id)
        penalties = uow.fair_play.penalties_of(member_id, limit=50)
        cooling = [p for p in penalties if p.kind is PenaltyKind.COOLDOWN and p.is_active(now)]
        if cooling:
            raise CooldownActive(max(_end(p, now) for p in cooling), "penalty")
        last = uow.fair_play.last_event(member_id, COOLDOWN_STARTED)
        if last is not None and last.until is not None and last.until > now:
            raise CooldownActive(last.until, "health", last.score)
        threshold = community.settings.health_threshold_pct / 100
        if threshold <= 0 or (last is not None and now - last.at < HEALTH_COOLDOWN_EVERY):
            return
        score = health(_inputs(uow, member_id, now, rating, penalties))
        wait = cooldown_for(score, threshold)
        if not wait:
            return
        until = now + wait
        uow.fair_play.log_event(
            FairPlayEvent(
                community_id=member.community_id,
                kind=COOLDOWN_STARTED,
                at=now,
                member_id=member_id,
                until=until,
                score=round(score, 4),
            )
        )
        uow.commit()
    log.info(
        "cooldown_started", community_id=member.community_id, member_id=member_id, health=round(score, 3), until=until
    )
    raise CooldownActive(until, "health", score)


def _end(penalty: Penalty, now: datetime) -> datetime:
    return penalty.ends_at or now


@dataclass(frozen=True, slots=True)
class FairPlayRecord:
    """What ``/me`` shows of fair play: health, the penalties in force, which were appealed, the
    giver's published ratings and how many more ratings until they are published again."""

    health: float
    threshold: float
    penalties: list[Penalty]
    appealed: set[int]
    ratings: RatingSummary = field(default_factory=RatingSummary)
    ratings_to_go: int = PUBLISH_EVERY


def fair_play_record(
    reader: FairPlayReader, *, member_id: int, stats: MemberStats, now: datetime, threshold: float
) -> FairPlayRecord:
    """What ``/me`` shows, from the member's ``stats`` and one snapshot of their penalties and
    ratings; ``threshold``: the community's, from the settings the caller holds."""
    return fair_play_record_of(reader.standing(member_id), stats=stats, now=now, threshold=threshold)


def fair_play_record_of(
    standing: FairPlayStanding, *, stats: MemberStats, now: datetime, threshold: float
) -> FairPlayRecord:
    """The same from a standing already read (/me reads it with the member's own numbers)."""
    ratings, received = standing.ratings, standing.ratings_received
    found = [(p, appealed) for p, appealed in standing.penalties if p.is_active(now)]
    in_force = [p for p, _ in found]
    inputs = HealthInputs(
        stats=stats,
        active_warnings=sum(p.kind is PenaltyKind.WARN for p in in_force),
        active_cooldowns=sum(p.kind is PenaltyKind.COOLDOWN for p in in_force),
        rating=ratings.scaled,
    )
    appealed = {p.id for p, was in found if was and p.id is not None}
    to_go = PUBLISH_EVERY - received % PUBLISH_EVERY
    return FairPlayRecord(health(inputs), threshold, in_force, appealed, ratings, to_go)
