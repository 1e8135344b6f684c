"""The dashboard's rings: groups the detection flagged, with their evidence and their members'
names, and the admin's clear or confirm (audited). Thin endpoints over services/ring.py.

Clearing or confirming changes who matching keeps apart, so it wants the CSRF token as deciding an
appeal does (web/operations.py): the page has it in a meta tag, the list hands it out too."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, status

from tgexchange.domain.ring import Ring, RingAlreadyDecided, RingNotFound, RingStatus
from tgexchange.services import ring as ring_service
from tgexchange.web.auth import CurrentViewer, container_of
from tgexchange.web.dashboard import MAX_ID, PREFIX, CommunityId
from tgexchange.web.operations import CSRF_HEADER, _check_csrf, csrf_token
from tgexchange.web.schemas import _Out

router = APIRouter(prefix=f"{PREFIX}/rings", tags=["dashboard"])

_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid session or operator token."},
    403: {"description": "Not an admin of that community."},
}
_DECISION_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid session or operator token."},
    403: {"description": "No valid CSRF token (the listing's csrf_token), or a cross-site request."},
    404: {"description": "No such ring that you may see."},
    409: {"description": "Already cleared or confirmed."},
}


class RingOut(_Out):
    id: int
    community_id: int
    status: RingStatus
    member_ids: list[int]
    member_names: list[str]
    evidence: dict[str, Any]
    flagged_at: datetime
    last_seen_at: datetime
    decided_at: datetime | None
    decided_by_member_id: int | None
    decided_by_label: str | None

    @classmethod
    def of(cls, ring: Ring, names: dict[int, str]) -> RingOut:
        return cls(
            id=ring.id,
            community_id=ring.community_id,
            status=ring.status,
            member_ids=list(ring.member_ids),
            member_names=[names.get(m, f"#{m}") for m in ring.member_ids],
            evidence=ring.evidence,
            flagged_at=ring.flagged_at,
            last_seen_at=ring.last_seen_at,
            decided_at=ring.decided_at,
            decided_by_member_id=ring.decided_by_member_id,
            decided_by_label=ring.decided_by_label,
        )


class RingsOut(_Out):
    items: list[RingOut]
    csrf_token: str


RingId = Annotated[int, Path(ge=1, le=MAX_ID)]
CsrfToken = Annotated[str | None, Header(alias=CSRF_HEADER)]


@router.get("", response_model=RingsOut, responses=_RESPONSES)
def rings(
    request: Request,
    viewer: CurrentViewer,
    community_id: CommunityId = None,
    status_: Annotated[RingStatus | None, Query(alias="status", description="Only groups in this state.")] = None,
) -> RingsOut:
    """Groups that mostly serve each other, newest flagged first, with the evidence: the share of
    their exchanges inside the group against what matching would give them, how soon they took
    each other's content, how alike their feedback reads. While flagged (and once confirmed)
    matching stops giving them each other's content."""
    storage = container_of(request).storage
    found = ring_service.rings_for(storage.rings, viewer=viewer, community_id=community_id, status=status_)
    names = storage.fair_play_dashboard.member_names({m for ring in found for m in ring.member_ids})
    return RingsOut(items=[RingOut.of(ring, names) for ring in found], csrf_token=csrf_token(request))


def _decide(request: Request, viewer: Any, ring_id: int, verdict: RingStatus, token: str | None) -> RingOut:
    _check_csrf(request, token)
    container = container_of(request)
    try:
        ring = ring_service.decide_ring_as_viewer(
            container.storage.uow(),
            container.storage.rings,
            viewer=viewer,
            ring_id=ring_id,
            verdict=verdict,
            now=container.clock.now(),
        )
    except RingNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=error.message) from error
    except RingAlreadyDecided as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=error.message) from error
    return RingOut.of(ring, container.storage.fair_play_dashboard.member_names(ring.member_ids))


@router.post("/{ring_id}/clear", response_model=RingOut, responses=_DECISION_RESPONSES)
def clear(request: Request, viewer: CurrentViewer, ring_id: RingId, x_csrf_token: CsrfToken = None) -> RingOut:
    """Not a ring: the group may be matched together again (audited)."""
    return _decide(request, viewer, ring_id, RingStatus.CLEARED, x_csrf_token)


@router.post("/{ring_id}/confirm", response_model=RingOut, responses=_DECISION_RESPONSES)
def confirm(request: Request, viewer: CurrentViewer, ring_id: RingId, x_csrf_token: CsrfToken = None) -> RingOut:
    """A ring: its members stay apart in matching (audited); penalties are the admin's next step."""
    return _decide(request, viewer, ring_id, RingStatus.CONFIRMED, x_csrf_token)
