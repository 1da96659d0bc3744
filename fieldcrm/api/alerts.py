"""The caller's alerts inbox."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Path, Query

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.api.schemas.people import InboxItem, UnreadCount
from fieldcrm.services import alerts

router = APIRouter(prefix="/alerts", tags=["alerts"])


@router.get("", response_model=list[InboxItem])
def inbox(
    session: SessionDep,
    actor: CurrentUser,
    unread: bool = False,
    rule: str | None = Query(None, max_length=200),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> list[dict[str, Any]]:
    """In-app alerts pushed to the caller: the rule's severity first, then the account's
    priority, then newest first; ``rule`` keeps one rule's."""
    items = alerts.inbox(
        session, actor=actor, unread_only=unread, rule_key=rule, limit=limit, offset=offset
    )
    return [asdict(i) for i in items]


@router.get("/unread-count", response_model=UnreadCount)
def unread_count(session: SessionDep, actor: CurrentUser) -> dict[str, int]:
    """How many of the caller's in-app alerts are unread."""
    return {"unread": alerts.unread_count(session, actor=actor)}


@router.post("/{alert_id}/acknowledge", status_code=204)
def acknowledge(
    session: SessionDep, actor: CurrentUser, alert_id: int = Path(ge=1, le=2**31 - 1)
) -> None:
    """Mark an alert read (acknowledged when it was addressed to the caller)."""
    alerts.acknowledge(session, actor=actor, alert_id=alert_id)
