"""/api/status (the appliance at a glance) and /metrics (Prometheus)."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from ..overview import appliance_status
from .context import ApplianceDep

router = APIRouter(tags=["status"])


@router.get("/api/status")
def status(a: ApplianceDep) -> dict:
    return appliance_status(a)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(a: ApplianceDep) -> Response:
    from ..metrics import render

    body, content_type = render(a.home, a.db)
    return Response(body, media_type=content_type)
