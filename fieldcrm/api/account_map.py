"""Accounts for a map viewport (points or server-side clusters), filtered."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.api.schemas.accounts import AccountMap
from fieldcrm.services import account_map

router = APIRouter(prefix="/account-map", tags=["accounts"])
MAX_ID = 2**31 - 1


@router.get("", response_model=AccountMap)
def viewport(
    session: SessionDep,
    actor: CurrentUser,
    bbox: str = Query(
        ..., description="min_lon,min_lat,max_lon,max_lat", examples=["7.38,43.72,7.46,43.76"]
    ),
    q: str = Query(
        "",
        max_length=200,
        description="search, as the accounts list's: name or town words, postcode, SIRET,"
        " external (import) id",
    ),
    rep: int | None = Query(
        None, description="owner's user id; 0: accounts with no rep", ge=0, le=MAX_ID
    ),
    territory: int | None = Query(None, description="territory id", ge=0, le=MAX_ID),
    band: str = Query("", max_length=20, description="priority band: low, normal, high, urgent"),
    kind: str = Query("", max_length=20, description="client or prospect"),
    qualification: str = Query("", max_length=50, description="segment (A, B, C…)"),
    sector: str = Query("", max_length=100),
    not_visited_days: int | None = Query(
        None, description="no visit for at least this many days (never visited included)"
    ),
) -> dict[str, Any]:
    """Visible accounts in the viewport matching the filters: ``points`` when at most 500, else
    grid ``clusters`` with counts; ``total`` counts them all."""
    filters = account_map.make_filter(
        query=q,
        rep=rep,
        territory=territory,
        band=band,
        kind=kind,
        qualification=qualification,
        sector=sector,
        not_visited_days=not_visited_days,
        now=dt.datetime.now(dt.UTC),
    )
    result = account_map.account_map(
        session, actor=actor, bbox=account_map.parse_bbox(bbox), filters=filters
    )
    return asdict(result)
