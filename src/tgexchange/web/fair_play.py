"""Fair play on the dashboard: the appeals queue and its decisions, and what the cooldowns and the
admission cap did (counts and the latest events). An admin sees and decides their communities'
appeals; the operator every community's.

Deciding is a POST that changes a member's standing, so it wants the CSRF token the queue's GET
returns (same-origin pages can read it; another site cannot), checked as the kill switch's is."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from tgexchange.domain.errors import DomainError, NotAnAdmin
from tgexchange.domain.penalty import AppealAlreadyDecided, AppealNotFound
from tgexchange.services import appeal as appeal_service
from tgexchange.services.appeal import AppealView
from tgexchange.services.ports import ADMISSION_REFUSED, COOLDOWN_STARTED
from tgexchange.web.auth import CurrentViewer, container_of
from tgexchange.web.dashboard import MAX_ID, PREFIX, CommunityId
from tgexchange.web.errors import NOT_JSON
from tgexchange.web.operations import CSRF_HEADER, _check_csrf, csrf_token

router = APIRouter(prefix=PREFIX, tags=["fair play"])
_AUTH: dict[int | str, dict[str, Any]] = {401: {"description": "No valid session or operator token."}}


class DecisionIn(BaseModel):
    model_config = ConfigDict(strict=True)  # JSON's 1 or "yes" is no decision

    upheld: bool
    note: str = Field(default="", max_length=300)


def _appeal_json(view: AppealView) -> dict[str, object]:
    appeal, penalty = view.appeal, view.penalty
    return {
        "id": appeal.id,
        "community_id": appeal.community_id,
        "member_id": appeal.member_id,
        "member_name": view.member_name,
        "text": appeal.text,
        "created_at": appeal.created_at.isoformat(),
        "status": appeal.status.value,
        "penalty": {
            "id": penalty.id,
            "kind": penalty.kind.value,
            "reason": penalty.reason,
            "rule": penalty.rule,
            "task_ids": list(penalty.task_ids),
            "created_at": penalty.created_at.isoformat(),
            "ends_at": penalty.ends_at.isoformat() if penalty.ends_at else None,
        },
    }


@router.get("/appeals", responses=_AUTH)
def appeals(
    request: Request,
    viewer: CurrentViewer,
    community_id: CommunityId = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, object]:
    """Appeals waiting for a decision, oldest first, with the penalty each is about."""
    container = container_of(request)
    views = appeal_service.appeal_queue(
        container.storage.fair_play_dashboard, community_ids=viewer.scope(community_id), limit=limit
    )
    return {"items": [_appeal_json(v) for v in views], "csrf_token": csrf_token(request)}


@router.post(
    "/appeals/{appeal_id}/decide",
    responses={
        **_AUTH,
        403: {"description": "Not an admin of that appeal's community, or no valid CSRF token."},
        404: {"description": "No such appeal."},
        409: {"description": "Already decided."},
        **NOT_JSON,
    },
)
def decide(
    request: Request,
    decision: DecisionIn,
    viewer: CurrentViewer,
    appeal_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    x_csrf_token: Annotated[str | None, Header(alias=CSRF_HEADER)] = None,
) -> dict[str, object]:
    """Lift (``upheld``) or keep the penalty; audited, and the member is told in their language."""
    _check_csrf(request, x_csrf_token)
    container = container_of(request)
    try:
        decided = appeal_service.decide_appeal(
            container.storage.uow(),
            appeal_id=appeal_id,
            upheld=decision.upheld,
            now=container.clock.now(),
            actor_telegram_user_id=None if viewer.is_operator else viewer.telegram_user_id,
            note=decision.note,
        )
    except AppealNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=error.message) from error
    except NotAnAdmin as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=error.message) from error
    except AppealAlreadyDecided as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=error.message) from error
    except DomainError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=error.message) from error
    # The member's notice is in the outbox, committed with the decision; the delivery job sends it
    # (this process may have no bot to send through).
    return {
        "id": decided.id,
        "status": decided.status.value,
        "decided_at": (decided.decided_at or container.clock.now()).isoformat(),
    }


@router.get("/fair-play", responses=_AUTH)
def fair_play_events(
    request: Request,
    viewer: CurrentViewer,
    community_id: CommunityId = None,
    hours: Annotated[int, Query(ge=1, le=24 * 30, description="How far back.")] = 24 * 7,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, object]:
    """Cooldowns started by low health and newcomers refused by the admission cap: counts per kind
    over the period (counted by the database, not by reading every event), and the latest
    events with the member's name (a refused newcomer is no member: their Telegram id)."""
    container = container_of(request)
    since = container.clock.now() - timedelta(hours=hours)
    scope = viewer.scope(community_id)
    reads = container.storage.fair_play_dashboard
    counts = reads.event_counts(scope, since=since)
    events = reads.recent_events(scope, since=since, limit=limit)
    return {
        "since": since.isoformat(),
        "counts": {kind: counts.get(kind, 0) for kind in (COOLDOWN_STARTED, ADMISSION_REFUSED)},
        "items": [
            {
                "kind": named.event.kind,
                "community_id": named.event.community_id,
                "at": named.event.at.isoformat(),
                "member_id": named.event.member_id,
                "member_name": named.member_name,
                "telegram_user_id": named.event.telegram_user_id if named.event.member_id is None else None,
                "until": named.event.until.isoformat() if named.event.until else None,
                "health": named.event.score,
            }
            for named in events
        ],
    }
