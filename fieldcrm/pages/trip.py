"""Reps' trip planner ("Tournée"): several days around far appointments, and the overnight question.

Planning a trip may take a minute or two: the form queues a job (its page shows the
progress) and the finished job leads back here, to ``/tournee?plan={id}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from fieldcrm.auth.roles import Actor
from fieldcrm.config import Settings
from fieldcrm.costs.derive import chosen_totals
from fieldcrm.errors import InvalidInput, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.chain import GeocoderChain
from fieldcrm.http import error_text
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, WorkDate
from fieldcrm.http.i18n import translations
from fieldcrm.pages import day as day_page
from fieldcrm.pages import forms
from fieldcrm.pages.day import (
    off_route,
    ordered_stops,
    plan_map,
    proposal_cards,
    rep_for,
    road_lines,
    without_appointments,
)
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import (
    appointment_moves,
    appointments,
    as_booked,
    costs,
    geocoding,
    planning,
    planning_build,
    planning_jobs,
)
from fieldcrm.store.appointments import AppointmentRecord
from fieldcrm.store.plans import PlanRow

router = APIRouter(include_in_schema=False)
MAX_DAYS = 7


@router.get("/tournee", response_class=HTMLResponse)
def trip_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    start: Annotated[WorkDate | None, Query()] = None,
    rep: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    plan_id: Annotated[int | None, Query(alias="plan", ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """The trip plan ``plan`` (a finished planning job links here), else the latest one
    starting on ``start``, with the overnight recommendation and its figures."""
    return _show(request, session, actor, settings, start=start, rep=rep, plan_id=plan_id)


def _show(
    request: Request,
    session: SessionDep,
    actor: Actor,
    settings: Settings,
    *,
    start: dt.date | None,
    rep: int | None,
    plan_id: int | None = None,
    typed: Mapping[str, str] | None = None,
    errors: forms.FieldErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The trip page; a refused form shows again as ``typed``, ``errors`` beside its fields."""
    plan = None  # the plan shown, if any
    if plan_id is not None:
        plan = planning.get_plan(session, actor=actor, plan_id=plan_id)
        if plan.kind != "trip":
            raise NotFound("trip plan", plan_id)
        rep_id, first = plan.rep_id, plan.day
    else:
        rep_id = rep_for(actor, rep)
        first = start or dt.date.today()
        plans = [
            p
            for p in planning.list_plans(session, actor=actor, rep_id=rep_id, day=first, limit=5)
            if p.kind == "trip"
        ]
        plan = plans[0] if plans else None
    context: dict[str, Any] = {
        "start": first,
        "end": first + dt.timedelta(days=1),
        "rep_id": rep_id,
        "plan": plan,
    }
    if plan is not None and plan.result.get("days"):
        crowfly = translations(reader_language(request, actor)).gettext(
            "à vol d’oiseau : pas de données routières ici"
        )
        every = appointments.agenda(
            session,
            actor=actor,
            rep_id=plan.rep_id,
            first=plan.day,
            last=plan.end_day or plan.day,
            settings=settings,
            include_cancelled=True,
        )
        live = [a for a in every if a.status != "cancelled"]
        # the audit log's moves of the trip's appointments, read once for all its days
        moved = appointment_moves.former_starts(session, live)
        moves = as_booked.moves_by_day(plan, live, moved, settings.scoring_timezone)
        cards = proposal_cards(
            session,
            actor=actor,
            plan=plan,
            every=every,
            settings=settings,
            lang=reader_language(request, actor),
            moves=moves,
        )
        days = trip_days(plan, cards, every, settings.scoring_timezone)
        # the stops that no longer hold their day's time (cancelled, moved to another day,
        # refused, booked elsewhere): off the map, the route and its links, as on Ma journée
        shown = plan.result
        beyond = dict(cards["beyond"])
        for index, t in enumerate(days):
            shown = without_appointments(shown, index, t["off"].appointments, t["off"].accounts)
            # a day changed since its plan: its km and minutes as it is booked now, as Ma
            # journée and « Frais » give them (services.as_booked; figures_dated: they cannot
            # be, the plan's are said as such)
            changed, figures = as_booked.day_figures(
                session,
                plan,
                t["doc"],
                booked=t["booked"],
                current=cards["slots_now"],
                now=day_page.request_time(),  # the clock of the cards
                settings=settings,
                moves=moves,
            )
            now = figures.as_json() if figures is not None else {}
            if figures is not None:  # « Hors de vos horaires » from the day's figures as booked
                day_ids = {a.id for a in t["booked"]}
                beyond = {k: v for k, v in beyond.items() if k not in day_ids} | figures.beyond
            t.update(today=shown["days"][index] | now, figures_now=figures is not None)
            t["figures_dated"] = changed and figures is None
            # no room for lunch, as Ma journée's header says it (one rule, one text)
            t["lunch_skipped"] = day_page.lunch_skipped(figures, t["doc"])
        # the overnight table's chosen plan: the day lines' exact figures totalled, rounded once
        rate = mileage_rate(session, plan, settings)
        totals = chosen_totals(
            shown.get("overnight"),
            [t["today"] for t in days],
            rate=rate,
            recomputed=any(t.get("figures_now") for t in days),
        )
        shown = shown | {"overnight": totals}
        lines = road_lines(shown, settings=settings, crowfly_label=crowfly)
        context.update(
            end=plan.end_day or first,
            result=shown,
            map=plan_map(shown, lines=lines, lang=reader_language(request, actor)),
            crowfly=any(line.dashed for line in lines),
            # the km and minutes themselves: estimated without roads for some legs, or all
            estimated=travel_estimate(str(plan.result.get("travel", ""))),
            # « Déplacé » and the time it was booked at (the fixed stops)
            moved=moved,
            live={a.id: a for a in live},
            lunch_window=day_page.lunch_window(),
        )
        # every euro of « Hôtel et repas »: the lines its total adds up (one source)
        allowances = planning_build.stored_allowances(plan.result, settings)
        context.update(allowances=allowances, allowances_total=sum(a.eur for a in allowances))
        context.update(cards, trip_days=days, beyond=beyond)
    beside = {k: v for k, v in (errors or {}).items() if k != PERIOD}  # said by their field
    context.update(
        form=dict(typed or {}),
        field_errors=beside,
        error=summary(errors),
        period_refused=PERIOD in (errors or {}),
    )
    return render(request, "trip.html", context, actor=actor, status_code=status_code)


def summary(errors: forms.FieldErrors | None) -> str | None:
    """The form's errors in one line (the page's alert), if any."""
    return forms.summary(errors) if errors else None


def trip_days(
    plan: PlanRow, cards: Mapping[str, Any], every: Sequence[AppointmentRecord], zone: str
) -> list[dict[str, Any]]:
    """Each planned day of the trip as Ma journée shows it (:mod:`fieldcrm.pages.day`): its
    proposals (by account), its stops at the time each is shown at, in that order, those
    that no longer hold its time (``off``, :func:`fieldcrm.pages.day.off_route`), and its
    live appointments (``booked``: whether its figures changed since the plan is
    :func:`fieldcrm.services.as_booked.day_figures`'s; ``every``: the trip's appointments,
    ``zone``: the company's time zone; a fixed appointment no longer live on its day —
    cancelled, or moved to another day, inside the trip or not — is off its route, as on
    Ma journée)."""
    out = []
    for doc in plan.result.get("days", []):
        proposals = as_booked.day_proposals(plan, doc)
        booked = [
            a
            for a in every
            if a.status != "cancelled"
            and a.starts_at.astimezone(ZoneInfo(zone)).date().isoformat() == doc.get("day")
        ]
        live = {a.id for a in booked}
        off = off_route(doc.get("stops", []), list(proposals.values()), live, cards)
        out.append(
            {
                "doc": doc,
                "proposals": proposals,
                "stops": ordered_stops(
                    doc.get("stops", []), proposals, cards["bookable"], cards["booked_for"]
                ),
                "off": off,
                "booked": booked,
            }
        )
    return out


def mileage_rate(session: SessionDep, plan: PlanRow, settings: Settings) -> Decimal | None:
    """The rep's euros per km for the trip's year, as the cost report costs its trips
    (:func:`fieldcrm.services.costs.rep_rate`); the plan's own for a rep without a home now
    (``None``: an older plan stored without it)."""
    try:
        return costs.rep_rate(session, settings=settings, rep_id=plan.rep_id, year=plan.day.year)
    except InvalidInput:
        stored = plan.result.get("eur_per_km")
        return Decimal(str(stored)) if stored is not None else None


def travel_estimate(travel: str) -> str | None:
    """``"all"`` when the plan's travel times are crow-fly estimates only, ``"some"`` when
    part of them (legs beyond the road data), None when all come from the roads."""
    if travel == "crowfly":
        return "all"
    return "some" if travel.endswith("+crowfly") else None


class TripForm(BaseModel):
    """The trip form: the dates, the rep, the preferred hotel (its name and address as the
    rep types them, or its coordinates for those who have them)."""

    model_config = ConfigDict(extra="ignore")

    start: WorkDate
    end: WorkDate
    rep: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    hotel_name: str | None = Field(None, max_length=planning_jobs.MAX_HOTEL_NAME)
    hotel_address: str | None = Field(None, max_length=planning_jobs.MAX_HOTEL_ADDRESS)
    hotel_lon: float | None = Field(None, ge=-180, le=180)
    hotel_lat: float | None = Field(None, ge=-90, le=90)


FORM_FIELDS = {"start_day": "start", "end_day": "end", "rep_id": "rep"}
"""The form field that holds what a service problem names (others have the same name)."""
PERIOD = "period"
"""A refusal of the dates together, not of one of them (no day worked between them, a
sentence of :data:`fieldcrm.http.error_text.DAY_PROBLEMS`): said once, by the form's alert,
both dates marked as refused."""


def form_errors(exc: InvalidInput | NotFound, refused: forms.FieldErrors) -> forms.FieldErrors:
    """The refusal ``refused`` (:func:`fieldcrm.pages.forms.refusal_errors` of ``exc``) by the
    form's fields; a refusal of the period under :data:`PERIOD`."""
    problems = exc.problems if isinstance(exc, InvalidInput) else ()
    if problems and all(p.message in error_text.DAY_PROBLEMS for p in problems):
        return {PERIOD: forms.summary(refused)}
    return {FORM_FIELDS.get(k, k): v for k, v in refused.items()}


def hotel_geocoder(settings: SettingsDep) -> GeocoderChain:
    """The geocoder of the settings, for the hotel's address (overridden in tests)."""
    return geocoding.chain_from_settings(settings)


TypedForm = Annotated[dict[str, str], Depends(forms.typed_form)]
GeocoderDep = Annotated[GeocoderChain, Depends(hotel_geocoder)]


def _queue(session: SessionDep, actor: Actor, form: TripForm, chain: GeocoderChain) -> int:
    """Queue the trip's planning (the service checks the rest); its job's id."""
    if not form.start < form.end or (form.end - form.start).days >= MAX_DAYS:
        raise InvalidInput(
            "end", f"must be 1 to {MAX_DAYS - 1} days after start", value=form.end.isoformat()
        )
    if (form.hotel_lon is None) != (form.hotel_lat is None):
        missing = "hotel_lat" if form.hotel_lat is None else "hotel_lon"
        raise InvalidInput(missing, "required")
    hotel = (
        GeoPoint(form.hotel_lon, form.hotel_lat)
        if form.hotel_lon is not None and form.hotel_lat is not None
        else None
    )
    return planning_jobs.start_trip_planning(
        session,
        actor=actor,
        rep_id=form.rep if form.rep is not None else actor.id,  # another's rep: refused
        start_day=form.start,
        end_day=form.end,
        hotel=hotel,
        hotel_address=form.hotel_address,
        hotel_name=form.hotel_name,
        chain=chain,
    )


@router.post("/tournee/planifier", response_model=None)
def plan_trip(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    typed: TypedForm,
    chain: GeocoderDep,
) -> Response:
    """Queue the trip's planning (both ways: home every evening, or overnight; the better one
    is kept) and show its job's page; the form again, with what is wrong beside each field
    (a date, a hotel address not found to the street), when it is refused."""
    lang = reader_language(request, actor)
    form, errors = forms.read_form(TripForm, typed, lang)
    if form is not None:
        try:
            job_id = _queue(session, actor, form, chain)
        except (InvalidInput, NotFound) as exc:
            refused = forms.refusal_errors(exc, lang)
            if refused is None:
                raise
            errors = form_errors(exc, refused)
        else:
            return RedirectResponse(f"/taches/{job_id}", status_code=303)
    return _show(
        request,
        session,
        actor,
        settings,
        start=form.start if form is not None else None,
        rep=_id_of(typed.get("rep")),
        typed=typed,
        errors=errors,
        status_code=422,
    )


def _id_of(value: str | None) -> int | None:
    """An id typed in a form, if it is one."""
    return int(value) if value and value.isdigit() and 1 <= int(value) <= 2**31 - 1 else None
