"""The caller's alerts inbox."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Path, Query

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.services import alerts

router = APIRouter(prefix="/alerts", tags=["alerts"])


@router.get("")
def inbox(
    session: SessionDep,
    actor: CurrentUser,
    unread: bool = False,
    limit: int = Query(100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """In-app alerts pushed to the caller, newest first."""
    return [asdict(i) for i in alerts.inbox(session, actor=actor, unread_only=unread, limit=limit)]


@router.post("/{alert_id}/acknowledge", status_code=204)
def acknowledge(
    session: SessionDep, actor: CurrentUser, alert_id: int = Path(ge=1, le=2**31 - 1)
) -> None:
    """Mark an alert read (acknowledged when it was addressed to the caller)."""
    alerts.acknowledge(session, actor=actor, alert_id=alert_id)
