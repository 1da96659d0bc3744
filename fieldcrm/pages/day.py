"""Reps' "Ma journée": the day's plan on a map, proposals to accept, navigation, check-in and report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm import maps
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, WorkDate
from fieldcrm.pages.templating import render
from fieldcrm.services import appointments, planning

router = APIRouter(include_in_schema=False)


def rep_for(actor: Actor, rep: int | None) -> int:
    """The rep whose plans are shown: a rep's own; for others the ``rep`` asked for (the service checks)."""
    return rep if rep is not None and actor.role is not Role.REP else actor.id


DAY_COLORS = ("#1d4ed8", "#16a34a", "#ea580c", "#7c3aed", "#db2777", "#0891b2", "#ca8a04")


def plan_map(result: dict[str, Any], days: list[int] | None = None) -> maps.RenderedMap:
    """Route of the planned days: home, numbered stops, appointments marked, one colour per day."""
    home = result["home"]
    markers = [maps.Marker(home["lon"], home["lat"], "Départ", kind="home")]
    lines = []
    chosen = days if days is not None else list(range(len(result["days"])))
    for index in chosen:
        day = result["days"][index]
        color = DAY_COLORS[index % len(DAY_COLORS)]
        for number, stop in enumerate(day["stops"], start=1):
            kind = "appointment" if stop["kind"] == "appointment" else "proposal"
            url = f"/comptes/{stop['account_id']}" if stop.get("account_id") else None
            markers.append(
                maps.Marker(
                    stop["lon"],
                    stop["lat"],
                    f"{stop['start'][11:16]} {stop['name']}",
                    kind=kind,
                    number=None if kind == "appointment" else number,
                    url=url,
                    color=None if kind == "appointment" else color,
                )
            )
        start = result["days"][index - 1]["end"] if index > 0 and index - 1 in chosen else home
        coords = day.get("geometry") or (
            [(start["lon"], start["lat"])]
            + [(s["lon"], s["lat"]) for s in day["stops"]]
            + [(day["end"]["lon"], day["end"]["lat"])]
        )
        lines.append(maps.Line([tuple(c) for c in coords], color=color, label=day["day"]))
    m = maps.base_map(center=(home["lon"], home["lat"]), zoom=13)
    maps.add_lines(m, lines)
    maps.add_markers(m, markers)
    maps.fit(m, [(mk.lon, mk.lat) for mk in markers])
    return maps.render(m)


@router.get("/journee", response_class=HTMLResponse)
def day_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    date: Annotated[WorkDate | None, Query()] = None,
    rep: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """The latest plan of the day, or the button to make one; the day's appointments."""
    rep_id = rep_for(actor, rep)
    day = date or dt.datetime.now(ZoneInfo(settings.scoring_timezone)).date()
    plans = planning.list_plans(session, actor=actor, rep_id=rep_id, day=day, limit=1)
    plan = plans[0] if plans else None
    booked = appointments.agenda(
        session, actor=actor, rep_id=rep_id, first=day, last=day, settings=settings
    )
    context: dict[str, Any] = {
        "day": day,
        "rep_id": rep_id,
        "plan": plan,
        "map": None,
        "result": None,
        "appointments": booked,
        "stale": plan is not None and appointments.plan_is_stale(plan, booked),
    }
    if plan is not None and plan.result.get("days"):
        index = next(
            (i for i, d in enumerate(plan.result["days"]) if d["day"] == day.isoformat()), 0
        )
        context.update(
            result=plan.result,
            today=plan.result["days"][index],
            map=plan_map(plan.result, [index]),
            proposals={p.account_id: p for p in plan.proposals},
        )
    return render(request, "day.html", context, actor=actor)


@router.post("/journee/planifier")
def plan_my_day(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    date: Annotated[WorkDate, Form()],
    rep: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> RedirectResponse:
    """Plan (or plan again) the day around its fixed appointments."""
    rep_id = rep_for(actor, rep)
    planning.plan_day(session, actor=actor, rep_id=rep_id, day=date, settings=settings)
    return RedirectResponse(f"/journee?date={date.isoformat()}&rep={rep_id}", status_code=303)


@router.post("/journee/propositions/{proposal_id}")
def decide(
    proposal_id: int,
    session: SessionDep,
    actor: CurrentUser,
    accept: Annotated[bool, Form()],
    date: Annotated[WorkDate, Form()],
) -> RedirectResponse:
    """Accept (book the slot) or reject a proposed visit."""
    decision = planning.decide_proposal(
        session, actor=actor, proposal_id=proposal_id, accept=accept
    )
    return RedirectResponse(
        f"/journee?date={date.isoformat()}&rep={decision.proposal.rep_id}", status_code=303
    )
