"""A day through the accounts the rep ticked (on "Autour de moi" or the accounts list)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from fieldcrm.geo import GeoPoint
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep, allowed_to
from fieldcrm.services import plan_dates, planning

router = APIRouter(include_in_schema=False)


@router.post("/itineraire", dependencies=[allowed_to("plan")])
def plan_picked(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    account_ids: Annotated[list[int], Form(min_length=1)],
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
) -> RedirectResponse:
    """Plan today from the phone's position, from now (the service's rule for today: after
    the booking under way, from its place) — the next working day from home once the rep's
    working day is over or on a day off (:func:`~fieldcrm.services.planning.picked_day`) —
    through the ticked accounts, then show the day with a slot for each."""
    moment = plan_dates.now()
    day = planning.picked_day(session, actor=actor, rep_id=actor.id, now=moment, settings=settings)
    today = plan_dates.today(moment, zone=plan_dates.company_zone(settings))
    # today from the phone's position; another day from home
    here = GeoPoint(lon, lat) if lon is not None and lat is not None else None
    start = here if day == today else None
    planning.plan_picked(
        session,
        actor=actor,
        rep_id=actor.id,
        day=day,
        account_ids=account_ids,
        start=start,
        settings=settings,
        now=moment,
    )
    return RedirectResponse(f"/journee?date={day.isoformat()}", status_code=303)
