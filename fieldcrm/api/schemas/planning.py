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
    opening_s: list[list[int]] | MISSING = MISSING
    """A candidate's opening intervals that day, seconds since midnight (its slot is
    recomputed from them once other visits of the day are decided)."""


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
    reserve_minutes: float | MISSING = MISSING
    value_eur: float | MISSING = MISSING
    lunch: DateTimeText | MISSING | None = MISSING
    flags: list[str] | MISSING = MISSING
    timing: JsonObject | MISSING = MISSING
    """The day's start, frame (``depart_s``, ``return_s``, ``lunch``) and driving seconds
    between its places (``durations_s``, start, stops, end): what the slots are recomputed
    with once some visits are decided."""
    crowfly_legs: list[int] | MISSING = MISSING
    """The legs (``k``: from place ``k`` to ``k + 1`` of start, stops, end) timed at the
    crow-fly estimate, off the loaded road data: their times are estimates."""


class PlanNight(StoredDocument):
    """A night away (a trip): after which day, the hotel, its price and why."""

    after: DateText | MISSING | None = MISSING
    hotel: Any | MISSING = MISSING
    lon: float | MISSING = MISSING
    lat: float | MISSING = MISSING
    price_eur: float | MISSING = MISSING
    meal_eur: float | MISSING = MISSING
    reason: str | MISSING | None = MISSING
    near: str | MISSING | None = MISSING
    """The title of the appointment the hotel is near (``null``: the preferred hotel)."""
    city: str | MISSING | None = MISSING
    """The town the hotel lies in (the commune of its point)."""


class PlanAllowance(StoredDocument):
    """One line of a trip's hotel and meals: a ``lunch`` away from home on ``day``, or the
    ``hotel`` or ``dinner`` of the night after ``day``; the lines add up to the chosen
    alternative's ``hotel_and_meals_eur``."""

    kind: str | MISSING = MISSING
    day: DateText | MISSING = MISSING
    eur: float | MISSING = MISSING


class PlanOmission(StoredDocument):
    """An account left out and why (``label`` in French), with the value lost."""

    account_id: int | MISSING | None = MISSING
    name: str | MISSING = MISSING
    score: float | MISSING | None = MISSING
    value_eur: float | MISSING = MISSING
    reason: str | MISSING = MISSING
    loss_eur: float | MISSING | None = MISSING
    label: str | MISSING = MISSING
    closed_days: list[str] | MISSING = MISSING
    """A trip's days the account is closed on, when it is open on others (its reason holds
    on those others only)."""
    displaced: list[str] | MISSING = MISSING
    """``displaces``: the planned visits the plan with it would go without."""
    joined: int | MISSING = MISSING
    """``displaces``: how many other visits the plan with it would add in their place."""


class PlanResult(StoredDocument):
    """The planner's answer as stored: days, nights, omissions, figures, the detour corridor;
    a trip adds ``overnight`` (staying away against going home every evening)."""

    home: Point | MISSING = MISSING
    days: list[PlanDay] | MISSING = MISSING
    nights: list[PlanNight] | MISSING = MISSING
    allowances: list[PlanAllowance] | MISSING = MISSING
    omissions: list[PlanOmission] | MISSING = MISSING
    figures: JsonObject | MISSING = MISSING
    value_eur: float | MISSING = MISSING
    driving_km: float | MISSING = MISSING
    driving_minutes: float | MISSING = MISSING
    eur_per_km: float | MISSING = MISSING
    travel: str | MISSING = MISSING
    corridor: JsonObject | MISSING = MISSING
    overnight: JsonObject | MISSING | None = MISSING


class BookableOut(Strict):
    """The whole minutes a proposal can be booked at now, and the one booked by default."""

    first: DateTimeText
    last: DateTimeText
    at: DateTimeText


class AlreadyBookedOut(Strict):
    """The appointment that booked a proposal's account elsewhere since its plan (another day
    near it, or the same day apart from the proposal): the proposal has no slot and holds no
    time of its day; ``message`` says so in French (« Déjà réservé le … »).
    ``appointment_id`` is null when the appointment is another rep's."""

    appointment_id: int | None
    starts_at: DateTimeText
    message: str


class ProposalOut(Strict):
    """A proposed visit: its slot as planned, detour, reason and whether it was accepted or
    rejected; in a plan, what it can be booked at now (``bookable``, recomputed once others
    of its day are decided) or, in French, why it no longer fits (``no_longer_fits``), or
    the appointment that booked its account elsewhere (``already_booked``)."""

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
    bookable: BookableOut | None = None
    no_longer_fits: str | None = None
    already_booked: AlreadyBookedOut | None = None


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
