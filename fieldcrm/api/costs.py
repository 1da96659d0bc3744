"""Travel-cost reports as JSON or files (CSV, XLSX, PDF), and tolls entered per trip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.api.schemas.costs import CostReport
from fieldcrm.api.schemas.errors import download
from fieldcrm.calendar_bounds import check_date
from fieldcrm.costs.report import TravelReport, report_dict
from fieldcrm.http.deps import WorkDate, allowed_to
from fieldcrm.services import costs

router = APIRouter(prefix="/costs", tags=["costs"])

GroupBy = Literal["rep", "team", "week", "month", "year"]


class Period(BaseModel):
    """The period and scope of a report (one of month, week, year or start + end)."""

    month: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2026-03"])
    week: str | None = Field(None, pattern=r"^[0-9]{4}-W[0-9]{2}$", examples=["2026-W10"])
    year: int | None = Field(None, ge=1901, le=2999)
    start: WorkDate | None = None
    end: WorkDate | None = None
    rep: int | None = Field(None, ge=1, le=2**31 - 1)
    group_by: GroupBy = "rep"


def _report(
    session: SessionDep, actor: CurrentUser, settings: SettingsDep, q: Period
) -> TravelReport:
    return costs.period_report(
        session,
        actor=actor,
        settings=settings,
        month=q.month,
        week=q.week,
        year=q.year,
        start=q.start,
        end=q.end,
        rep_id=q.rep,
        group_by=q.group_by,
    )


@router.get("/report", response_model=CostReport)
def report(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    q: Annotated[Period, Query()],
) -> dict[str, Any]:
    """Kilometres, times, costs at the mileage scale, hotel nights, per group, planned and actual."""
    return report_dict(_report(session, actor, settings, q))


@router.get(
    "/report.{fmt}",
    response_class=Response,
    responses=download(*(m for m, _ in costs.EXPORT_FORMATS.values())),
)
def report_file(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    q: Annotated[Period, Query()],
    fmt: Literal["csv", "xlsx", "pdf"] = Path(),
    lang: Literal["fr", "en"] = "fr",
) -> Response:
    """The same report as a CSV, XLSX or PDF download."""
    content, media, name = costs.export_report(_report(session, actor, settings, q), fmt, lang=lang)
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


class Tolls(BaseModel):
    """Tolls paid on a trip, in euros."""

    tolls_eur: Decimal = Field(ge=0, le=costs.MAX_TOLLS_EUR, max_digits=10, decimal_places=2)


@router.put("/trips/{trip_id}/tolls", status_code=204, dependencies=[allowed_to("costs.write")])
def set_tolls(
    session: SessionDep,
    actor: CurrentUser,
    body: Tolls,
    trip_id: int = Path(ge=1, le=2**63 - 1),
) -> None:
    """Record the tolls of a trip (its rep, their manager or an admin)."""
    costs.set_tolls(session, actor=actor, trip_id=trip_id, tolls_eur=body.tolls_eur)


MONTH_PATH = Path(pattern=r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$", examples=["2026-03"])


def _first_day(month: str) -> dt.date:
    return check_date(dt.date.fromisoformat(month + "-01"), field="month")


class MonthValidationIn(BaseModel):
    """Whose month to validate."""

    rep_id: int = Field(ge=1, le=2**31 - 1)


@router.post(
    "/months/{month}/validation", status_code=204, dependencies=[allowed_to("costs.validate")]
)
def validate_month(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    body: MonthValidationIn,
    month: str = MONTH_PATH,
) -> None:
    """Validate a rep's month (their manager or an admin): its trips and km rate are frozen;
    later changes go through adjustments. 409 if already validated."""
    costs.validate_month(
        session, actor=actor, settings=settings, rep_id=body.rep_id, month=_first_day(month)
    )


class AdjustmentIn(BaseModel):
    """A change to a validated month: euros (negative to deduct) and why."""

    rep_id: int = Field(ge=1, le=2**31 - 1)
    amount_eur: Decimal = Field(ge=-100_000, le=100_000, max_digits=10, decimal_places=2)
    reason: str = Field(min_length=3, max_length=500)


class AdjustmentOut(BaseModel):
    """The recorded adjustment."""

    id: int


@router.post(
    "/months/{month}/adjustments", status_code=201, dependencies=[allowed_to("costs.validate")]
)
def adjust_month(
    session: SessionDep, actor: CurrentUser, body: AdjustmentIn, month: str = MONTH_PATH
) -> AdjustmentOut:
    """Record an adjustment to a validated month, with its reason (their manager or an admin)."""
    adjustment_id = costs.adjust_month(
        session,
        actor=actor,
        rep_id=body.rep_id,
        month=_first_day(month),
        amount_eur=body.amount_eur,
        reason=body.reason,
    )
    return AdjustmentOut(id=adjustment_id)
