"""Answer of ``GET /api/costs/report``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from fieldcrm.api.schemas.common import Strict

DateText = Annotated[str, Field(json_schema_extra={"format": "date"})]
DateTimeText = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class Figures(Strict):
    """Kilometres, times and euros (to the cent) of a group of trips."""

    trips: int
    days: int
    km: float
    driving_hours: float
    visiting_hours: float
    visits: int
    hotel_nights: int
    meals: int
    mileage_eur: float | None
    hotel_eur: float | None
    meals_eur: float | None
    tolls_eur: float | None
    total_eur: float | None
    cost_per_visit_eur: float | None
    revenue_eur: float | None
    revenue_per_km_eur: float | None
    driving_share: float | None
    saved_km: float = Field(
        description="km saved by planned trips over and driven as planned: the nights away "
        "and only the fill-in visits actually made (a counted visit on one of the plan's days)"
    )
    saved_eur: float | None = Field(
        description="euros saved by planned trips over and driven as planned, against the "
        "alternative each plan turned down; a fill-in visit not made saves nothing"
    )
    expected_saved_km: float = Field(description="km planned trips not over yet should save")
    expected_saved_eur: float | None = Field(
        description="euros planned trips not over yet should save: a forecast, not a saving"
    )
    not_counted_checkins: int = Field(
        description="far check-ins without a report: no visits (nor in cost_per_visit_eur), "
        "their km counted"
    )


class ReportRow(Strict):
    """One group (a rep, a team, a week…): planned and actual figures."""

    key: str
    label: str
    planned: Figures
    actual: Figures
    adjustments_eur: float = Field(
        description="adjustments made after validation to the group's validated months "
        "(0 on a week's row: an adjustment is of a month; the total has them all)"
    )
    corrected_total_eur: float = Field(
        description="actual total_eur as validated plus adjustments_eur: what is paid"
    )


class DayToCheck(Strict):
    """A day of a trip to check (a visit planned but not reported…)."""

    day: DateText
    account_id: int | None
    account: str | None
    reason: str


class NotCountedCheckin(Strict):
    """A check-in of the trip that is no visit: far from its account, no report yet."""

    day: DateText
    account_id: int
    account: str
    distance_m: float | None
    km_counted: bool = Field(
        description="Its place makes kilometres; false when it makes none (out of reach in "
        "the time, or doubtful): it is then among the trip's `to_check`, not driven to."
    )


class TripCost(Strict):
    """One trip and its cost at the mileage scale."""

    id: int
    rep_id: int
    rep: str
    kind: str
    start_day: DateText
    end_day: DateText
    km: float
    km_status: Literal["complete", "partial", "unknown"] = Field(
        description="complete; partial when some travel is left out (see to_check); unknown "
        "when none could be counted: km 0 then means not known, not not driven"
    )
    driving_hours: float
    visits: int
    hotel_nights: int
    rate_per_km_eur: float
    mileage_eur: float
    tolls_eur: float
    total_eur: float
    to_check: list[DayToCheck]
    not_counted: list[NotCountedCheckin]


class Stamp(Strict):
    """A validated month: whose, by whom, when, in words."""

    rep: str
    month: str
    by: str
    at: DateTimeText
    text: str


class Adjustment(Strict):
    """A change to a validated month, in euros, and why."""

    rep: str
    month: str
    amount_eur: float
    reason: str
    author: str
    at: DateTimeText


class Regularisation(Strict):
    """What a rep is still owed (or owes) after the adjustments."""

    rep: str
    amount_eur: float


class FrozenRate(Strict):
    """A validated month's rate per km, frozen at validation."""

    month: str
    rate_per_km_eur: float


class MileageBasis(Strict):
    """What a rep's rate per km for trips of one year was read from: the barème's class and
    band at the yearly distance d (declared, actual so far, planned, or none)."""

    rep_id: int
    rep: str
    year: int
    scale_year: int
    vehicle: str
    fiscal_hp_class: str
    electric_uplift: float
    km_source: Literal["declared", "actual", "planned", "none"]
    annual_km: float
    band_from_km: int | None
    band_upto_km: int | None
    band_rate: float
    band_fixed_eur: float
    allowance_eur: float = Field(description="the band's formula at annual_km, uplift included")
    rate_per_km_eur: float = Field(description="allowance_eur / annual_km")
    frozen: list[FrozenRate]


class CostReport(Strict):
    """A travel-cost report: its period, rows and total (planned and actual), trips, validated
    months and their adjustments."""

    title: str
    start: DateText
    end: DateText
    group_by: str
    scale_year: int
    rows: list[ReportRow]
    total: ReportRow
    trips: list[TripCost]
    validated: list[Stamp]
    adjustments: list[Adjustment]
    adjusted_total_eur: float
    regularisations: list[Regularisation]
    mileage_bases: list[MileageBasis]
