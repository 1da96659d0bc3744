"""Reps' "Ma journée": the day's plan on a map, proposals to accept, navigation, check-in and report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from fieldcrm import maps
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.pages.templating import render
from fieldcrm.services import planning

router = APIRouter(include_in_schema=False)


def _rep(actor: Actor, rep: int | None) -> int:
    return rep if rep is not None and actor.role is not Role.REP else actor.id


def day_map(result: dict[str, Any], day_index: int = 0) -> maps.RenderedMap:
    """The route of one planned day: home, numbered stops, appointments marked, proposals in green."""
    day = result["days"][day_index]
    home = result["home"]
    markers = [maps.Marker(home["lon"], home["lat"], "Départ", kind="home")]
    for number, stop in enumerate(day["stops"], start=1):
        kind = "appointment" if stop["kind"] == "appointment" else "proposal"
        label = f"{stop['start'][11:16]} {stop['name']}"
        markers.append(
            maps.Marker(
                stop["lon"],
                stop["lat"],
                label,
                kind=kind,
                number=number if kind != "appointment" else None,
                url=f"/comptes/{stop['account_id']}" if stop.get("account_id") else None,
            )
        )
    end = day["end"]
    coords = day.get("geometry") or [(home["lon"], home["lat"])] + [
        (s["lon"], s["lat"]) for s in day["stops"]
    ] + [(end["lon"], end["lat"])]
    m = maps.base_map(center=(home["lon"], home["lat"]), zoom=13)
    maps.add_lines(m, [maps.Line([tuple(c) for c in coords], label="Itinéraire")])
    maps.add_markers(m, markers)
    maps.fit(m, [(mk.lon, mk.lat) for mk in markers])
    return maps.render(m)


@router.get("/journee", response_class=HTMLResponse)
def day_page(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    date: Annotated[dt.date | None, Query()] = None,
    rep: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """The latest plan of the day, or the button to make one."""
    rep_id = _rep(actor, rep)
    day = date or dt.date.today()
    plans = planning.list_plans(session, actor=actor, rep_id=rep_id, day=day, limit=1)
    plan = plans[0] if plans else None
    context: dict[str, Any] = {
        "day": day,
        "rep_id": rep_id,
        "plan": plan,
        "map": None,
        "result": None,
    }
    if plan is not None and plan.result.get("days"):
        index = next(
            (i for i, d in enumerate(plan.result["days"]) if d["day"] == day.isoformat()), 0
        )
        context.update(
            result=plan.result,
            today=plan.result["days"][index],
            map=day_map(plan.result, index),
            proposals={p.account_id: p for p in plan.proposals},
        )
    return render(request, "day.html", context, actor=actor)


@router.post("/journee/planifier")
def plan_my_day(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    date: Annotated[dt.date, Form()],
    rep: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> RedirectResponse:
    """Plan (or plan again) the day around its fixed appointments."""
    rep_id = _rep(actor, rep)
    planning.plan_day(session, actor=actor, rep_id=rep_id, day=date, settings=settings)
    return RedirectResponse(f"/journee?date={date.isoformat()}&rep={rep_id}", status_code=303)


@router.post("/journee/propositions/{proposal_id}")
def decide(
    proposal_id: int,
    session: SessionDep,
    actor: CurrentUser,
    accept: Annotated[bool, Form()],
    date: Annotated[dt.date, Form()],
) -> RedirectResponse:
    """Accept (book the slot) or reject a proposed visit."""
    decision = planning.decide_proposal(
        session, actor=actor, proposal_id=proposal_id, accept=accept
    )
    return RedirectResponse(
        f"/journee?date={date.isoformat()}&rep={decision.proposal.rep_id}", status_code=303
    )
