"""Check-ins and visit reports from the phone (idempotent by ``client_key``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep
from fieldcrm.api.schemas.people import VisitOut
from fieldcrm.geo import GeoPoint
from fieldcrm.http.deps import allowed_to
from fieldcrm.http.error_text import reader_language
from fieldcrm.http.visit_text import far_checkin_text
from fieldcrm.services import visits

router = APIRouter(prefix="/visits", tags=["visits"])


class VisitIn(BaseModel):
    """A check-in, a report, or both; resend freely with the same ``client_key``."""

    account_id: int = Field(ge=1, le=2**31 - 1)
    client_key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    kind: str = Field("visit", max_length=20)
    at: dt.datetime | None = Field(
        None, description="When it happened (default: now); with a time zone"
    )
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    outcome: str | None = Field(None, max_length=100)
    report: str | None = Field(None, max_length=20000)
    complete_open: bool = Field(
        False,
        description=(
            "A report whose key was never sent (no check-in point): complete the rep's latest "
            "visit of this account that day still without a report, if any, instead of "
            "recording a second visit"
        ),
    )


@router.post(
    "", status_code=201, response_model=VisitOut, dependencies=[allowed_to("activity.write")]
)
def record_visit(
    body: VisitIn, request: Request, response: Response, session: SessionDep, actor: CurrentUser
) -> dict[str, Any]:
    """Record a visit (201), or complete the one already sent with this key (200).

    A check-in far from the account is flagged (``far_from_account``, ``distance_m``) and
    counts as a visit only once its report is written (``counts``); ``warning`` says so in
    the reader's language (the phone shows it as it is)."""
    point = GeoPoint(body.lon, body.lat) if body.lon is not None and body.lat is not None else None
    visit, created = visits.record_visit(
        session,
        actor=actor,
        account_id=body.account_id,
        client_key=body.client_key,
        kind=body.kind,
        at=body.at,
        point=point,
        outcome=body.outcome,
        report=body.report,
        complete_open=body.complete_open,
    )
    if not created:
        response.status_code = 200
    warning = None
    if visit.far_from_account and visit.distance_m is not None:
        warning = far_checkin_text(
            visit.distance_m, counts=visit.counts, lang=reader_language(request)
        )
    return {**asdict(visit), "created": created, "warning": warning}
