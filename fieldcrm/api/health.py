"""Probes for a process manager or load balancer: ``/healthz`` (alive), ``/readyz`` (can serve).

Mounted at the root, without login; left out of the OpenAPI document (operations, not API).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from fieldcrm.api.deps import SessionDep, SettingsDep
from fieldcrm.services import health

router = APIRouter(tags=["health"], include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """The process is up (never touches the database)."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz")
def readyz(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """Each readiness check and the overall status: 200 when all pass, 503 otherwise."""
    report = health.readiness(
        session,
        db_timeout_s=settings.health_db_timeout_s,
        heartbeat_max_age_s=settings.health_heartbeat_max_age_s,
    )
    body = {
        "status": "ok" if report.ok else "fail",
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in report.checks],
    }
    return JSONResponse(body, status_code=200 if report.ok else 503, headers=NO_STORE)
