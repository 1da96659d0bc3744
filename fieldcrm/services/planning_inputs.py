"""Gathering what the planner needs for a rep's day or trip, from the database.

The rep's profile and fixed appointments, the detour corridor around them, and the
best-scored visible accounts inside it (PostGIS filter by the corridor polygon, then the exact
crow-fly ellipse test). Plain values out; :mod:`fieldcrm.services.planning` turns them into a
planner request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.corridor import Corridor, build_corridor
from fieldcrm.store import plans as store
from fieldcrm.store.plans import PARIS, AppointmentRow, CandidateRow, RepRow

DEFAULT_WORK_START = dt.time(8, 0)
DEFAULT_WORK_END = dt.time(18, 30)
POOL = 3
"""Candidates kept per solver slot: accounts closed on a day leave room for open ones."""


@dataclass(frozen=True)
class PlanningInputs:
    """Everything read from the database for one plan."""

    rep: RepRow
    home: GeoPoint
    first_day: dt.date
    last_day: dt.date
    appointments: list[AppointmentRow]
    corridor: Corridor
    candidates: list[CandidateRow]
    """Inside the exact corridor, best score first, at most ``POOL × max_candidates``."""
    in_polygon: int
    """How many accounts the PostGIS polygon filter returned (before the exact test)."""
    max_candidates: int = 40
    """Candidates sent to the solver per day (open that day, best first)."""

    def appointment_point(self, appointment: AppointmentRow) -> GeoPoint:
        """The place of an appointment (checked present when gathered)."""
        assert appointment.lon is not None and appointment.lat is not None
        return GeoPoint(appointment.lon, appointment.lat)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=PARIS)


def rep_home(rep: RepRow) -> GeoPoint:
    """The rep's home base; :class:`InvalidInput` naming the rep if it is not located."""
    if rep.home_lon is None or rep.home_lat is None:
        raise InvalidInput(
            "home",
            f"rep {rep.id} ({rep.full_name}) has no located home address; set it first",
            value=rep.home_address,
        )
    return GeoPoint(rep.home_lon, rep.home_lat)


def gather(
    session: Session,
    *,
    rep_id: int,
    first_day: dt.date,
    last_day: dt.date,
    detour_km: float,
    max_candidates: int,
    extra_places: tuple[GeoPoint, ...] = (),
    rejected_days: int = 0,
    booked_days: int = 0,
) -> PlanningInputs:
    """Read the rep, the appointments of ``first_day .. last_day`` and the corridor candidates.

    The corridor runs home → appointments in time order → home, once per day (a day with no
    appointment contributes a disc around home); ``extra_places`` (e.g. a preferred hotel) are
    added as legs from the last appointment. Appointments without a located place are an
    :class:`InvalidInput` naming each of them. Decisions stick: an account the rep rejected
    within ``rejected_days`` days before ``first_day`` (or since), or booked from
    ``booked_days`` days before ``first_day`` to ``booked_days`` days after ``last_day``, is
    not a candidate.
    """
    if last_day < first_day:
        raise InvalidInput(
            "end_day",
            "the trip ends before it starts",
            value=last_day.isoformat(),
            allowed=f">= {first_day.isoformat()}",
        )
    rep = store.get_rep(session, rep_id)
    home = rep_home(rep)
    appts = store.appointments(session, rep_id=rep_id, first_day=first_day, last_day=last_day)
    InvalidInput.collect(
        Problem(
            f"appointments[{a.id}]",
            f"appointment '{a.title}' has no located place",
            value=a.address,
        )
        for a in appts
        if a.lon is None or a.lat is None
    )
    places: list[GeoPoint] = [home]
    for appt in appts:
        assert appt.lon is not None and appt.lat is not None
        places.append(GeoPoint(appt.lon, appt.lat))
    places.extend(extra_places)
    places.append(home)
    corridor = build_corridor(places, budget_m=detour_km * 1000.0)
    exclude = sorted({a.account_id for a in appts if a.account_id is not None})
    # Over-fetch a little: the polygon is a superset of the exact zone.
    rows = store.candidates_in(
        session,
        rep_id=rep_id,
        polygon_wkt=corridor.wkt,
        exclude_ids=exclude,
        limit=max(1, int(max_candidates * POOL * 1.25) + 5),
        rejected_since=_midnight(first_day - dt.timedelta(days=rejected_days)),
        booked_between=(
            _midnight(first_day - dt.timedelta(days=booked_days)),
            _midnight(last_day + dt.timedelta(days=booked_days + 1)),
        ),
    )
    inside = [r for r in rows if corridor.admits(GeoPoint(r.lon, r.lat))]
    return PlanningInputs(
        rep=rep,
        home=home,
        first_day=first_day,
        last_day=last_day,
        appointments=appts,
        corridor=corridor,
        candidates=inside[: max_candidates * POOL],
        in_polygon=len(rows),
        max_candidates=max_candidates,
    )
