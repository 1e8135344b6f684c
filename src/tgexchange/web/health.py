"""Probes and metrics: /healthz (the process answers), /readyz (the database answers and its
schema is at the latest migration), /metrics (Prometheus; operator token required)."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from tgexchange.web.auth import Operator, container_of
from tgexchange.web.schemas import Health, Readiness

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(request: Request) -> JSONResponse:
    try:
        at_head = container_of(request).storage.is_at_head()
        reachable = True
    except Exception:  # any driver error means "not ready", which is this probe's whole answer
        at_head = reachable = False
    answer = Readiness(status="ready" if at_head else "not_ready", database=reachable, migrations_at_head=at_head)
    code = status.HTTP_200_OK if at_head else status.HTTP_503_SERVICE_UNAVAILABLE
    return JSONResponse(answer.model_dump(), status_code=code)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}, 401: {"description": "Operator token required."}},
)
def metrics(request: Request, _: Operator) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
