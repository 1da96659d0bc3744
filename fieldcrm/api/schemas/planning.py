"""Answers of ``/api/planning``: stored plans (the planner's result as stored) and decisions."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, Field

from fieldcrm.api.schemas.common import JsonObject, StoredDocument, Strict

DateTimeText = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
"""An ISO 8601 time with its offset, given back as stored."""
DateText = Annotated[str, Field(json_schema_extra={"format": "date"})]
"""An ISO 8601 date."""


# A stored document is given back as it was stored: a key it lacks (written by an older
# version, or by a test) stays absent from the answer (MISSING), a null stays null.


class Point(StoredDocument):
    """A WGS84 point."""

    lon: float | MISSING = MISSING
    lat: float | MISSING = MISSING


class PlanStop(StoredDocument):
    """A stop of a planned day: a fixed ``appointment`` or a proposed ``candidate`` visit with
    its bookable slot, detour and value; a candidate gets its ``proposal_id`` and ``status``."""

    kind: str | MISSING = MISSING
    name: str | MISSING = MISSING
    account_id: int | MISSING | None = MISSING
    appointment_id: int | MISSING | None = MISSING
    lon: float | MISSING = MISSING
    lat: float | MISSING = MISSING
    arrival: DateTimeText | MISSING = MISSING
    start: DateTimeText | MISSING = MISSING
    departure: DateTimeText | MISSING = MISSING
    slot_start: DateTimeText | MISSING = MISSING
    slot_end: DateTimeText | MISSING = MISSING
    score: float | MISSING | None = MISSING
    value_eur: float | MISSING | None = MISSING
    contribution_eur: float | MISSING | None = MISSING
    detour_minutes: float | MISSING = MISSING
    detour_km: float | MISSING = MISSING
    proposal_id: int | MISSING | None = MISSING
    status: str | MISSING | None = MISSING


class PlanDay(StoredDocument):
    """One planned day: departure and return, where it ends, its stops and totals."""

    day: DateText | MISSING = MISSING
    departure: DateTimeText | MISSING = MISSING
    return_: DateTimeText | MISSING = Field(MISSING, alias="return")
    end: Point | MISSING = MISSING
    stops: list[PlanStop] | MISSING = MISSING
    driving_km: float | MISSING = MISSING
    driving_minutes: float | MISSING = MISSING
    waiting_minutes: float | MISSING = MISSING
    value_eur: float | MISSING = MISSING
    lunch: DateTimeText | MISSING | None = MISSING
    flags: list[str] | MISSING = MISSING


class PlanNight(StoredDocument):
    """A night away (a trip): after which day, the hotel, its price and why."""

    after: DateText | MISSING | None = MISSING
    hotel: Any | MISSING = MISSING
    lon: float | MISSING = MISSING
    lat: float | MISSING = MISSING
    price_eur: float | MISSING = MISSING
    meal_eur: float | MISSING = MISSING
    reason: str | MISSING | None = MISSING


class PlanOmission(StoredDocument):
    """An account left out and why (``label`` in French), with the value lost."""

    account_id: int | MISSING | None = MISSING
    name: str | MISSING = MISSING
    score: float | MISSING | None = MISSING
    value_eur: float | MISSING = MISSING
    reason: str | MISSING = MISSING
    loss_eur: float | MISSING | None = MISSING
    label: str | MISSING = MISSING


class PlanResult(StoredDocument):
    """The planner's answer as stored: days, nights, omissions, figures, the detour corridor;
    a trip adds ``overnight`` (staying away against going home every evening)."""

    home: Point | MISSING = MISSING
    days: list[PlanDay] | MISSING = MISSING
    nights: list[PlanNight] | MISSING = MISSING
    omissions: list[PlanOmission] | MISSING = MISSING
    figures: JsonObject | MISSING = MISSING
    value_eur: float | MISSING = MISSING
    driving_km: float | MISSING = MISSING
    driving_minutes: float | MISSING = MISSING
    eur_per_km: float | MISSING = MISSING
    travel: str | MISSING = MISSING
    corridor: JsonObject | MISSING = MISSING
    overnight: JsonObject | MISSING | None = MISSING


class ProposalOut(Strict):
    """A proposed visit: its slot, detour, reason and whether it was accepted or rejected."""

    id: int
    plan_id: int
    rep_id: int
    account_id: int
    account_name: str
    visit_minutes: int
    slot_start: DateTimeText
    slot_end: DateTimeText
    detour_minutes: float
    detour_km: float
    reason: str | None
    status: str
    decided_at: DateTimeText | None


class PlanOut(Strict):
    """A stored plan: its request, the planner's result and the proposals to accept or reject."""

    id: int
    rep_id: int
    kind: str
    day: DateText
    end_day: DateText | None
    status: str
    created_by: int | None
    created_at: DateTimeText
    request: JsonObject
    result: PlanResult
    proposals: list[ProposalOut]


class DecisionOut(Strict):
    """The decided proposal, and the appointment booked when it was accepted."""

    proposal: ProposalOut
    appointment_id: int | None
