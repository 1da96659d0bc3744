"""Gathering what the planner needs for a rep's day or trip, from the database.

The rep's profile and fixed appointments, the detour corridor around them (along the road
route through them when a road provider gives one, straight legs otherwise), and the visible
accounts inside it with the best value per detour (PostGIS filter by the corridor polygon and
ranking in SQL, then the exact crow-fly ellipse test). Plain values out;
:mod:`fieldcrm.services.planning` turns them into a planner request.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm.errors import FieldcrmError, InvalidInput, Problem
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.corridor import DETOUR_FLOOR_M, Corridor, build_corridor, tiles
from fieldcrm.routing.reach import Area, Spot, day_reach_m, far_areas
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.store import plans as store
from fieldcrm.store.plans import AppointmentRow, CandidateRow, RepRow, RouteForRanking

log = logging.getLogger(__name__)

DEFAULT_WORK_START = dt.time(8, 0)
DEFAULT_WORK_END = dt.time(18, 30)
POOL = 3
"""Candidates kept per solver slot: accounts closed on a day leave room for open ones."""
BANDS = (1 / 16, 1 / 4, 1)
"""Bands of the corridor read first, as fractions of the detour budget: the cut searches
outward and stops at the first band that already holds it (then the whole corridor). On the
bench's dense Riviera (1 000 000 accounts, bench/README.md) the first band's best 150 are
exactly the whole corridor's best 150 by value per detour, and 546 of its 567 rows are."""
FRANCE = "POLYGON((-5.5 41.2, 9.9 41.2, 9.9 51.3, -5.5 51.3, -5.5 41.2))"
"""Metropolitan France and Corsica (EPSG:4326): where a rep's accounts are looked for when
saying where they lie (:func:`fieldcrm.routing.reach.far_areas`)."""
FAR_LOOKED_AT = 300
"""The rep's best-scored own accounts :func:`fieldcrm.routing.reach.far_areas` is computed on
(not the prospects nobody owns: those say nothing of where the rep's portfolio lies)."""


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
    """Inside the exact corridor, best value per detour first, at most
    ``POOL × max_candidates``."""
    in_polygon: int
    """How many accounts the PostGIS polygon filter returned (before the exact test)."""
    max_candidates: int = 40
    """Candidates sent to the solver per day (open that day, best first)."""
    reach_m: float | None = None
    """With no appointment and no hotel: the day's out-and-back reach from home that the
    corridor (a disc around home) was drawn with; ``None`` when the corridor has anchors."""
    far: tuple[Area, ...] = ()
    """With no anchor: where most of the rep's valuable accounts lie beyond that reach
    (empty when they do not)."""

    def appointment_point(self, appointment: AppointmentRow) -> GeoPoint:
        """The place of an appointment (checked present when gathered)."""
        assert appointment.lon is not None and appointment.lat is not None
        return GeoPoint(appointment.lon, appointment.lat)


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def rep_home(rep: RepRow) -> GeoPoint:
    """The rep's home base; :class:`InvalidInput` naming the rep if it is not located."""
    if rep.home_lon is None or rep.home_lat is None:
        raise InvalidInput(
            "home",
            f"rep {rep.id} ({rep.full_name}) has no located home address; set it first",
            value=rep.home_address,
        )
    return GeoPoint(rep.home_lon, rep.home_lat)


def road_route(roads: TravelTimes | None, places: Sequence[GeoPoint]) -> list[GeoPoint] | None:
    """The road route through ``places`` in order, or ``None`` (no provider, one place, or the
    provider cannot route them: the corridor then takes straight legs)."""
    if roads is None or len(set(places)) < 2:
        return None
    try:
        leg = roads.route(list(places))
    except (FieldcrmError, ValueError, OSError) as exc:
        log.warning("no road route for the corridor, straight legs instead: %s", exc)
        return None
    return [GeoPoint(lon, lat) for lon, lat in leg.geometry] or None


def ranking(corridor: Corridor, band_m: float | None = None) -> RouteForRanking:
    """What the database ranks candidates along (value per detour), within ``band_m`` of
    detour if given."""
    kx, ky = corridor.scale
    return RouteForRanking(corridor.route_wkt, kx, ky, DETOUR_FLOOR_M, band_m)


def _cell(detour_m: float) -> float:
    """Grid cell, in degrees, of the pieces a zone of this detour is read by: about four times
    its width, between 0.01° and 0.2° (the reads being index-only, a larger piece's spare
    corners cost little in the database, and fewer pieces are cut in Python: bench/README.md)."""
    return min(0.2, max(0.01, 4 * detour_m / 111_000))


def corridor_candidates(
    session: Session, corridor: Corridor, *, rep_id: int, limit: int, **filters: object
) -> list[CandidateRow]:
    """The cut: the visible accounts of the corridor with the best value per detour, at most
    ``limit``. The corridor is searched outward by bands of out-and-back detour
    (:data:`BANDS`); the first band holding ``limit`` visible accounts is the answer (an
    account farther out would need a much higher score to rank among them: the rule reads a
    few thousand rows where the corridor may hold a hundred thousand), else the whole
    corridor is ranked."""
    for fraction in BANDS:
        band = corridor.budget_m * fraction
        rows = store.candidates_in(
            session,
            rep_id=rep_id,
            polygon_wkt=tiles(corridor.band(band), cell_deg=_cell(band)),
            limit=limit,
            route=ranking(corridor, band),
            **filters,  # type: ignore[arg-type]
        )
        if len(rows) >= limit:
            return rows
    return store.candidates_in(
        session,
        rep_id=rep_id,
        polygon_wkt=tiles(corridor.polygon, cell_deg=_cell(corridor.budget_m)),
        limit=limit,
        route=ranking(corridor),
        **filters,  # type: ignore[arg-type]
    )


def gather(
    session: Session,
    *,
    rep_id: int,
    first_day: dt.date,
    last_day: dt.date,
    detour_km: float,
    max_candidates: int,
    tz: str,
    extra_places: tuple[GeoPoint, ...] = (),
    rejected_days: int = 0,
    booked_days: int = 0,
    roads: TravelTimes | None = None,
    home_reach: bool = False,
    eur_per_point: float = 1.0,
) -> PlanningInputs:
    """Read the rep, the appointments of ``first_day .. last_day`` and the corridor candidates,
    days being those of the time zone ``tz`` (the company's: the setting ``scoring_timezone``).

    The corridor runs home → appointments in time order → home, once per day (a day with no
    appointment contributes a disc around home); ``extra_places`` (e.g. a preferred hotel) are
    added as legs from the last appointment. Appointments without a located place are an
    :class:`InvalidInput` naming each of them. With ``roads``, the corridor follows the road
    route through these places; the candidates kept are the best by value per detour (the
    cut: at most ``POOL × max_candidates``). Decisions stick: an account the rep rejected
    within ``rejected_days`` days before ``first_day`` (or since), or rejected for a day
    within ``rejected_days`` days of ``first_day .. last_day`` (whenever it was decided: a
    refusal for a day three weeks ahead holds when that day is planned again), or booked from
    ``booked_days`` days before ``first_day`` to ``booked_days`` days after ``last_day``, is
    not a candidate; nor is an account visited so recently that its next visit is not due
    on ``first_day`` (its interval after its last counted visit:
    :func:`fieldcrm.store.intervals.visited_not_due`).

    With ``home_reach`` (a trip), no appointment and no ``extra_places``, home is the only anchor: the corridor is
    the disc of a day's reach around it (:func:`fieldcrm.routing.reach.day_reach_m` of the
    rep's driving limit, else of half the working day; never less than ``detour_km``), and
    ``far`` says where most of the rep's valuable own accounts lie when they lie beyond it
    (values at ``eur_per_point`` euros per score point).
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
    appts = store.appointments(
        session, rep_id=rep_id, first_day=first_day, last_day=last_day, tz=tz
    )
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
    reach_m = None
    if home_reach and len(places) == 2:
        reach_m = max(detour_km * 1000.0, day_reach_m(_drive_minutes(rep)))
    budget_m = reach_m or detour_km * 1000.0
    corridor = build_corridor(places, budget_m=budget_m, route=road_route(roads, places))
    exclude = sorted({a.account_id for a in appts if a.account_id is not None})
    zone = ZoneInfo(tz)
    filters = dict(
        exclude_ids=exclude,
        rejected_since=_midnight(first_day - dt.timedelta(days=rejected_days), zone),
        rejected_for=(
            _midnight(first_day - dt.timedelta(days=rejected_days), zone),
            _midnight(last_day + dt.timedelta(days=rejected_days + 1), zone),
        ),
        booked_between=(
            _midnight(first_day - dt.timedelta(days=booked_days), zone),
            _midnight(last_day + dt.timedelta(days=booked_days + 1), zone),
        ),
        # visited and not due again yet on the first day: not proposed again before then
        due_on=first_day,
        tz=tz,
    )
    # Over-fetch a little: the polygon is a superset of the exact zone.
    limit = max(1, int(max_candidates * POOL * 1.25) + 5)
    rows = corridor_candidates(session, corridor, rep_id=rep_id, limit=limit, **filters)
    far: tuple[Area, ...] = ()
    if reach_m is not None:
        best = store.candidates_in(
            session,
            rep_id=rep_id,
            polygon_wkt=FRANCE,
            limit=FAR_LOOKED_AT,
            owned_only=True,
            **filters,  # type: ignore[arg-type]
        )
        spots = [
            Spot(r.city, r.postcode, GeoPoint(r.lon, r.lat), r.score * eur_per_point) for r in best
        ]
        far = far_areas(spots, home=home, reach_m=reach_m)
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
        reach_m=reach_m,
        far=far,
    )


def _drive_minutes(rep: RepRow) -> float:
    """The rep's driving limit of a day, in minutes; half the working day without one."""
    if rep.max_driving_minutes:
        return float(rep.max_driving_minutes)
    start = rep.work_start or DEFAULT_WORK_START
    end = rep.work_end or DEFAULT_WORK_END
    return ((end.hour - start.hour) * 60 + end.minute - start.minute) / 2
