"""A day through the accounts the rep ticked (on "Autour de moi" or the accounts list)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from fieldcrm.geo import GeoPoint
from fieldcrm.http.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.routing.calendar import is_working_day
from fieldcrm.services import plan_dates, planning
from fieldcrm.services.find_day import next_working_days

router = APIRouter(include_in_schema=False)


@router.post("/itineraire")
def plan_picked(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    account_ids: Annotated[list[int], Form(min_length=1)],
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
) -> RedirectResponse:
    """Plan today from the phone's position, from now (the service's rule for today: after
    the booking under way, from its place) — the next working day from home after 17:00 or
    on a day off — through the ticked accounts, then show the day with a slot for each."""
    moment = plan_dates.now()
    now = moment.astimezone(plan_dates.company_zone(settings))
    here = GeoPoint(lon, lat) if lon is not None and lat is not None else None
    day, start = now.date(), here
    if now.hour >= 17 or not is_working_day(now.date(), weekends=settings.planner_work_weekends):
        # too late for today, or a day off: the next working day, from home
        day = next_working_days(
            now.date() + dt.timedelta(days=1), 1, weekends=settings.planner_work_weekends
        )[0]
        start = None
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
