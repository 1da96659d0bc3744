"""Reps' trip planner ("Tournée"): several days around far appointments, and the overnight question.

Planning a trip may take a minute or two: the form queues a job (its page shows the
progress) and the finished job leads back here, to ``/tournee?plan={id}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm.errors import InvalidInput, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, WorkDate
from fieldcrm.http.i18n import translations
from fieldcrm.pages.day import (
    day_changed,
    day_proposals,
    off_route,
    ordered_stops,
    plan_map,
    proposal_cards,
    rep_for,
    road_lines,
    without_appointments,
)
from fieldcrm.pages.templating import reader_language, render
from fieldcrm.services import appointment_moves, appointments, planning, planning_jobs
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
        cards = proposal_cards(session, actor=actor, plan=plan, every=every, settings=settings)
        days = trip_days(plan, cards, every, settings.scoring_timezone)
        # the stops that no longer hold their day's time (cancelled, moved to another day,
        # refused, booked elsewhere): off the map, the route and its links, as on Ma journée
        shown = plan.result
        for index, t in enumerate(days):
            shown = without_appointments(shown, index, t["off"].appointments, t["off"].accounts)
            t["today"] = shown["days"][index]
        live = [a for a in every if a.status != "cancelled"]
        lines = road_lines(shown, settings=settings, crowfly_label=crowfly)
        context.update(
            end=plan.end_day or first,
            result=shown,
            map=plan_map(shown, lines=lines),
            crowfly=any(line.dashed for line in lines),
            # the km and minutes themselves: estimated without roads for some legs, or all
            estimated=travel_estimate(str(plan.result.get("travel", ""))),
            # « Déplacé » and the time it was booked at (the fixed stops)
            moved=appointment_moves.former_starts(session, live),
            live={a.id: a for a in live},
        )
        context.update(cards, trip_days=days)
    return render(request, "trip.html", context, actor=actor)


def trip_days(
    plan: PlanRow, cards: Mapping[str, Any], every: Sequence[AppointmentRecord], zone: str
) -> list[dict[str, Any]]:
    """Each planned day of the trip as Ma journée shows it (:mod:`fieldcrm.pages.day`): its
    proposals (by account), its stops at the time each is shown at, in that order, those
    that no longer hold its time (``off``, :func:`fieldcrm.pages.day.off_route`), and
    whether its figures are the plan's rather than the day's as booked now (something
    decided, or its appointments changed since the plan; ``every``: the trip's
    appointments, ``zone``: the company's time zone; a fixed appointment no longer live on
    its day — cancelled, or moved to another day, inside the trip or not — dates them too,
    as on Ma journée)."""
    out = []
    for doc in plan.result.get("days", []):
        proposals = day_proposals(plan, doc)
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
                "figures_dated": appointments.plan_is_stale(plan, booked)
                or bool(off.appointments)
                or day_changed(doc, list(proposals.values()), cards),
            }
        )
    return out


def travel_estimate(travel: str) -> str | None:
    """``"all"`` when the plan's travel times are crow-fly estimates only, ``"some"`` when
    part of them (legs beyond the road data), None when all come from the roads."""
    if travel == "crowfly":
        return "all"
    return "some" if travel.endswith("+crowfly") else None


@router.post("/tournee/planifier")
def plan_trip(
    session: SessionDep,
    actor: CurrentUser,
    start: Annotated[WorkDate, Form()],
    end: Annotated[WorkDate, Form()],
    rep: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    hotel_lon: Annotated[float | None, Form()] = None,
    hotel_lat: Annotated[float | None, Form()] = None,
) -> RedirectResponse:
    """Queue the trip's planning (both ways: home every evening, or overnight; the better one
    is kept) and show its job's page; refused at once when the dates or the rep are wrong."""
    if not start < end or (end - start).days >= MAX_DAYS:
        raise InvalidInput(
            "end", f"must be 1 to {MAX_DAYS - 1} days after start", value=end.isoformat()
        )
    hotel = (
        GeoPoint(hotel_lon, hotel_lat) if hotel_lon is not None and hotel_lat is not None else None
    )
    job_id = planning_jobs.start_trip_planning(
        session,
        actor=actor,
        rep_id=rep if rep is not None else actor.id,  # another's rep: the service refuses
        start_day=start,
        end_day=end,
        hotel=hotel,
    )
    return RedirectResponse(f"/taches/{job_id}", status_code=303)
