"""From gathered planning inputs to solved days, the stored result and the overnight decision.

Times are local to Europe/Paris. Opening hours are the ``accounts.opening_hours`` JSON:
``{"mon": [["08:30", "12:00"], ["14:00", "18:30"]], ...}``; a weekday missing from it is a
closed day, an account without opening hours can be visited during the whole working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fieldcrm.config import Settings
from fieldcrm.errors import FieldcrmError
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.crowfly import CrowFlyTravelTimes
from fieldcrm.routing.planner import (
    DayInput,
    DayResult,
    Visit,
    solve_day,
)
from fieldcrm.routing.travel import TravelMatrix, TravelTimes
from fieldcrm.services.planning_inputs import (
    DEFAULT_WORK_END,
    DEFAULT_WORK_START,
    PlanningInputs,
)
from fieldcrm.store.plans import PARIS, AppointmentRow, CandidateRow, NewProposal

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LUNCH_EARLIEST = 12 * 3600
LUNCH_LATEST_END = 14 * 3600
REASON_LABELS = {
    "closed": "fermé ce jour",
    "window_conflict": "horaires incompatibles",
    "detour_too_long": "détour trop long",
    "day_full": "journée pleine",
}


@dataclass
class Alternative:
    """A solved run of days (home every evening, or overnight stays)."""

    stay: bool
    days: list[tuple[dt.date, DayResult]] = field(default_factory=list)
    error: str | None = None
    exception: FieldcrmError | None = None
    travel: str = ""

    @property
    def score(self) -> float:
        """Score collected over the days."""
        return sum(r.score for _, r in self.days)

    @property
    def km(self) -> float:
        """Driving kilometres over the days."""
        return sum(r.driving_m for _, r in self.days) / 1000

    @property
    def driving_minutes(self) -> float:
        """Driving minutes over the days."""
        return sum(r.driving_s for _, r in self.days) / 60


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _parse_hhmm(value: str) -> int:
    hours, minutes = value.split(":")[:2]
    return int(hours) * 3600 + int(minutes) * 60


def candidate_windows(
    c: CandidateRow, day: dt.date, work: tuple[int, int]
) -> tuple[tuple[int, int], ...]:
    """Opening intervals (seconds) of ``c`` on ``day``; the working day if none is recorded."""
    if not c.opening_hours:
        return (work,)
    spans = c.opening_hours.get(WEEKDAYS[day.weekday()]) or []
    out = []
    for span in spans:
        try:
            out.append((_parse_hhmm(span[0]), _parse_hhmm(span[1])))
        except (ValueError, IndexError, TypeError):
            continue
    return tuple(sorted(out))


def _appointment_visit(a: AppointmentRow) -> Visit:
    start = a.starts_at.astimezone(PARIS)
    end = a.ends_at.astimezone(PARIS)
    begin = _seconds(start.time())
    assert a.lon is not None and a.lat is not None
    return Visit(
        key=f"appointment:{a.id}",
        kind="appointment",
        name=a.title,
        point=GeoPoint(a.lon, a.lat),
        service_s=int((end - start).total_seconds()),
        windows=((begin, begin),),
        account_id=a.account_id,
        appointment_id=a.id,
    )


def _candidate_visit(c: CandidateRow, day: dt.date, work: tuple[int, int]) -> Visit:
    return Visit(
        key=f"account:{c.id}",
        kind="candidate",
        name=c.name,
        point=GeoPoint(c.lon, c.lat),
        service_s=int(c.visit_minutes) * 60,
        windows=candidate_windows(c, day, work),
        score=float(c.score),
        account_id=c.id,
    )


TRIP_BANDS: tuple[tuple[float, float], ...] = (
    (2_000.0, 25.0),
    (10_000.0, 40.0),
    (50_000.0, 65.0),
    (200_000.0, 90.0),
    (float("inf"), 105.0),
)
"""Crow-fly speed bands (upper metres, km/h) for points off the road graph.

The default bands of :mod:`fieldcrm.routing.crowfly`, with one more for trips over 200 km,
which are motorway trips in France (130 km/h limit, about 105 km/h door to door):
Antibes → Paris comes out at 8 h 30, against about 8 h 45 by road.
"""


def travel_matrix(points: list[GeoPoint], graph: TravelTimes | None) -> tuple[TravelMatrix, str]:
    """Travel matrix over ``points`` and the name of its source.

    With a road-graph provider, pairs it cannot answer (points off the network: a rep
    travelling France-wide beyond the loaded extract) take the crow-fly estimate; without
    one, everything is crow-fly.
    """
    crow = CrowFlyTravelTimes(bands=TRIP_BANDS).matrix(points)
    if graph is None:
        return crow, "crowfly"
    road = graph.matrix(points)
    missing = ~np.isfinite(road.seconds)
    if not missing.any():
        return road, graph.name
    if missing.all():
        return crow, "crowfly"
    seconds = np.where(missing, crow.seconds, road.seconds)
    metres = np.where(missing, crow.metres, road.metres)
    return TravelMatrix(seconds, metres, road.snap_m), f"{graph.name}+crowfly"


def solve_alternative(
    inputs: PlanningInputs,
    *,
    stay: bool,
    time_limit_s: float,
    hotel: GeoPoint | None = None,
    graph: TravelTimes | None = None,
) -> Alternative:
    """Solve the days of ``inputs`` one after the other; a candidate is visited at most once.

    ``stay``: every evening but the last ends at ``hotel``, else at the next day's first
    appointment, else at the day's last stop; the next day starts there.
    """
    rep = inputs.rep
    work = (
        _seconds(rep.work_start or DEFAULT_WORK_START),
        _seconds(rep.work_end or DEFAULT_WORK_END),
    )
    lunch = (
        (LUNCH_EARLIEST, LUNCH_LATEST_END, rep.lunch_minutes * 60) if rep.lunch_minutes else None
    )
    days = [
        inputs.first_day + dt.timedelta(days=k)
        for k in range((inputs.last_day - inputs.first_day).days + 1)
    ]
    by_day: dict[dt.date, list[AppointmentRow]] = {d: [] for d in days}
    for a in inputs.appointments:
        by_day[a.starts_at.astimezone(PARIS).date()].append(a)
    out = Alternative(stay=stay)
    used: set[int] = set()
    here = inputs.home
    per_day = max(0.2, time_limit_s / len(days))
    for k, day in enumerate(days):
        last = k == len(days) - 1
        end: GeoPoint | None = inputs.home
        if stay and not last:
            following = by_day[days[k + 1]]
            if hotel is not None:
                end = hotel
            elif following:
                end = _appointment_visit(following[0]).point
            else:
                end = None
        fixed = tuple(_appointment_visit(a) for a in by_day[day])
        pool = [_candidate_visit(c, day, work) for c in inputs.candidates if c.id not in used]
        best = pool[: inputs.max_candidates]
        cands = tuple(
            [v for v in pool if v.windows][: inputs.max_candidates]
            + [v for v in best if not v.windows]  # reported as closed that day
        )
        points = [here, end or here, *(v.point for v in fixed), *(v.point for v in cands)]
        matrix, out.travel = travel_matrix(points, graph)
        day_input = DayInput(
            start=here,
            end=end,
            day_start_s=work[0],
            day_end_s=work[1],
            fixed=fixed,
            candidates=cands,
            lunch=lunch,
            max_driving_s=rep.max_driving_minutes * 60 if rep.max_driving_minutes else None,
        )
        try:
            result = solve_day(day_input, matrix, time_limit_s=per_day)
        except FieldcrmError as exc:
            out.error = f"{day.isoformat()}: {exc}"
            out.exception = exc
            return out
        out.days.append((day, result))
        used.update(s.visit.account_id for s in result.stops if s.visit.account_id is not None)
        here = result.end_point
    return out


def _at(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=PARIS) + dt.timedelta(seconds=seconds)


def proposals(alt: Alternative) -> list[NewProposal]:
    """The proposed visits of a solved alternative, with their bookable slots."""
    out = []
    for day, result in alt.days:
        for s in result.stops:
            if s.visit.kind != "candidate":
                continue
            assert s.visit.account_id is not None
            out.append(
                NewProposal(
                    account_id=s.visit.account_id,
                    slot_start=_at(day, s.slot[0]),
                    slot_end=_at(day, s.slot[1]),
                    detour_minutes=round(s.detour_s / 60, 1),
                    detour_km=round(s.detour_m / 1000, 2),
                    reason=f"score {s.visit.score:.1f}",
                )
            )
    return out


def result_json(inputs: PlanningInputs, alt: Alternative, *, cfg: Settings) -> dict[str, Any]:
    """The solved alternative as the JSON stored in ``plans.result``."""
    days = []
    omitted: dict[int, dict[str, Any]] = {}
    visited: set[int] = set()
    for day, r in alt.days:
        stops = []
        for s in r.stops:
            v = s.visit
            stops.append(
                {
                    "kind": v.kind,
                    "name": v.name,
                    "account_id": v.account_id,
                    "appointment_id": v.appointment_id,
                    "lon": v.point.lon,
                    "lat": v.point.lat,
                    "arrival": _at(day, s.arrival_s).isoformat(),
                    "start": _at(day, s.start_s).isoformat(),
                    "departure": _at(day, s.departure_s).isoformat(),
                    "slot_start": _at(day, s.slot[0]).isoformat(),
                    "slot_end": _at(day, s.slot[1]).isoformat(),
                    "score": v.score if v.kind == "candidate" else None,
                    "detour_minutes": round(s.detour_s / 60, 1),
                    "detour_km": round(s.detour_m / 1000, 2),
                }
            )
            if v.kind == "candidate" and v.account_id is not None:
                visited.add(v.account_id)
        days.append(
            {
                "day": day.isoformat(),
                "departure": _at(day, r.departure_s).isoformat(),
                "return": _at(day, r.return_s).isoformat(),
                "end": {"lon": r.end_point.lon, "lat": r.end_point.lat},
                "stops": stops,
                "driving_km": round(r.driving_m / 1000, 2),
                "driving_minutes": round(r.driving_s / 60, 1),
                "waiting_minutes": round(r.waiting_s / 60, 1),
                "score": round(r.score, 2),
                "lunch": _at(day, r.lunch_start_s).isoformat() if r.lunch_start_s else None,
                "flags": r.flags,
            }
        )
        for v, reason in r.omitted:
            if v.account_id is not None:
                omitted[v.account_id] = {
                    "account_id": v.account_id,
                    "name": v.name,
                    "score": v.score,
                    "reason": reason,
                    "label": REASON_LABELS[reason],
                }
    return {
        "home": {"lon": inputs.home.lon, "lat": inputs.home.lat},
        "days": days,
        "omissions": [o for i, o in omitted.items() if i not in visited],
        "score": round(alt.score, 2),
        "driving_km": round(alt.km, 2),
        "driving_minutes": round(alt.driving_minutes, 1),
        "travel": alt.travel,
        "corridor": {
            "detour_km": cfg.planner_detour_km,
            "in_polygon": inputs.in_polygon,
            "candidates": len(inputs.candidates),
            "geometry": inputs.corridor.polygon.__geo_interface__,
        },
    }


def _figures(alt: Alternative, *, cfg: Settings, nights: int) -> dict[str, Any]:
    hotel = nights * (cfg.hotel_night_eur + cfg.meal_eur) if alt.stay else 0.0
    km_cost = alt.km * cfg.cost_per_km_eur
    value = alt.score * cfg.planner_eur_per_score_point
    return {
        "feasible": alt.error is None,
        "error": alt.error,
        "score": round(alt.score, 2),
        "km": round(alt.km, 1),
        "driving_minutes": round(alt.driving_minutes),
        "km_cost_eur": round(km_cost, 2),
        "hotel_and_meals_eur": round(hotel, 2),
        "cost_eur": round(km_cost + hotel, 2),
        "value_eur": round(value, 2),
        "net_eur": round(value - km_cost - hotel, 2),
    }


def overnight(
    home: Alternative, stay: Alternative, *, cfg: Settings, nights: int
) -> dict[str, Any]:
    """Compare going home each evening with staying overnight; recommend the better net value.

    Net value = score × ``planner_eur_per_score_point`` − km × ``cost_per_km_eur`` − nights ×
    (``hotel_night_eur`` + ``meal_eur``). An infeasible alternative is never recommended.
    """
    a = _figures(home, cfg=cfg, nights=nights)
    b = _figures(stay, cfg=cfg, nights=nights)
    if not b["feasible"] or (a["feasible"] and a["net_eur"] >= b["net_eur"]):
        choice = "home"
    else:
        choice = "stay"
    return {
        "recommendation": choice,
        "label": "rentrer chaque soir" if choice == "home" else "dormir sur place",
        "nights": nights,
        "cost_per_km_eur": cfg.cost_per_km_eur,
        "home": a,
        "stay": b,
        "km_saved": round(a["km"] - b["km"], 1) if a["feasible"] and b["feasible"] else None,
        "score_gained": round(b["score"] - a["score"], 2)
        if a["feasible"] and b["feasible"]
        else None,
    }
