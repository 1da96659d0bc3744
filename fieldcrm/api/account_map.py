"""Accounts for a map viewport (points or server-side clusters)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.services import account_map

router = APIRouter(prefix="/account-map", tags=["accounts"])


@router.get("")
def viewport(
    session: SessionDep,
    actor: CurrentUser,
    bbox: str = Query(
        ..., description="min_lon,min_lat,max_lon,max_lat", examples=["7.38,43.72,7.46,43.76"]
    ),
) -> dict[str, Any]:
    """Visible accounts in the viewport: ``points`` when at most 500, else grid ``clusters`` with counts."""
    result = account_map.account_map(session, actor=actor, bbox=account_map.parse_bbox(bbox))
    return asdict(result)
