"""The planning problem and its plan as JSON: what ``fieldcrm plan solve`` reads and prints.

The format is documented in ``docs/planning-json.md``. Times are ``"HH:MM"`` (or seconds since
midnight), durations in minutes; places are indices into ``places`` and the matrices. Without
matrices, travel is estimated from the ``places`` coordinates (crow-fly with road factors).
Every problem found is reported with its JSON path, all at once.

Examples
--------
>>> doc = {
...     "places": [[7.42, 43.73], [7.44, 43.74]],
...     "days": [{"depart": "08:00", "return": "18:00"}],
...     "candidates": [{"key": "a", "place": 1, "value_eur": 80, "minutes": 30}],
...     "costs": {"eur_per_km": 0.5},
... }
>>> p = problem_from_json(doc)
>>> p.candidates[0].windows
(((28800, 63000),),)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from fieldcrm.errors import InvalidInput
from fieldcrm.errors import Problem as InputProblem
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.crowfly import CrowFlyTravelTimes
from fieldcrm.routing.plan_model import Figures, Plan
from fieldcrm.routing.problem import (
    PREFERRED_HOTEL_BONUS_EUR,
    Appointment,
    Candidate,
    Costs,
    Hotel,
    Lunch,
    Problem,
    WorkDay,
)
from fieldcrm.routing.schedule import hhmm

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Reader:
    """Reads fields of a JSON document, collecting every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[InputProblem] = []

    def fail(self, path: str, message: str, value: Any = None, allowed: str | None = None) -> None:
        self.problems.append(InputProblem(path, message, value, allowed))

    def time(self, path: str, value: Any, default: int | None = None) -> int:
        if value is None and default is not None:
            return default
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 48 * 3600:
            return value
        if isinstance(value, str):
            try:
                hours, minutes = value.split(":")
                if 0 <= int(hours) <= 48 and 0 <= int(minutes) < 60:
                    return int(hours) * 3600 + int(minutes) * 60
            except ValueError:
                pass
        self.fail(path, "not a time of day", value, '"HH:MM" or seconds since midnight')
        return 0

    def number(self, path: str, value: Any, default: float | None = None) -> float:
        if value is None and default is not None:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value):
            return float(value)
        self.fail(path, "not a number", value)
        return 0.0

    def place(self, path: str, value: Any, n: int) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n:
            return value
        self.fail(path, "not a place index", value, f"0..{n - 1}")
        return 0


def _matrices(doc: dict[str, Any], r: _Reader) -> tuple[list[list[int]], list[list[int]], tuple]:
    places = doc.get("places") or []
    coords: list[tuple[float, float]] = []
    for k, pt in enumerate(places):
        if isinstance(pt, list | tuple) and len(pt) == 2:
            coords.append((r.number(f"places[{k}][0]", pt[0]), r.number(f"places[{k}][1]", pt[1])))
        else:
            r.fail(f"places[{k}]", "not a [lon, lat] pair", pt)
    if "durations_s" in doc or "distances_m" in doc:
        try:
            seconds = np.asarray(doc.get("durations_s"), dtype=float)
            metres = np.asarray(doc.get("distances_m", doc.get("durations_s")), dtype=float)
        except (TypeError, ValueError):
            r.fail("durations_s", "not a matrix of numbers")
            return [], [], tuple(coords)
    elif coords:
        matrix = CrowFlyTravelTimes().matrix([GeoPoint(x, y) for x, y in coords])
        seconds, metres = matrix.seconds, matrix.metres
    else:
        r.fail("places", "give places (lon, lat) or durations_s and distances_m")
        return [], [], ()
    if seconds.ndim != 2 or not np.isfinite(seconds).all() or not np.isfinite(metres).all():
        r.fail("durations_s", "not a square matrix of finite numbers")
        return [], [], tuple(coords)
    return (
        np.rint(seconds).astype(int).tolist(),
        np.rint(metres).astype(int).tolist(),
        tuple(coords),
    )


def _windows(
    c: dict[str, Any], path: str, days: list[WorkDay], service: int, r: _Reader
) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Start windows per day from ``windows``, ``opening_hours`` or the working day."""
    if "windows" in c:
        raw = c["windows"]
        if not isinstance(raw, list) or len(raw) != len(days):
            r.fail(f"{path}.windows", "one list of start windows per day", raw, str(len(days)))
            return tuple(() for _ in days)
        return tuple(
            tuple(
                (
                    r.time(f"{path}.windows[{k}][{j}][0]", w[0]),
                    r.time(f"{path}.windows[{k}][{j}][1]", w[1]),
                )
                for j, w in enumerate(day)
            )
            for k, day in enumerate(raw)
        )
    hours = c.get("opening_hours")
    out = []
    for d in days:
        if hours is None:
            spans = [(d.depart_s, d.return_s)]
        elif d.date is None:
            r.fail(f"{path}.opening_hours", "needs the days' dates", allowed='"date": "YYYY-MM-DD"')
            spans = []
        else:
            spans = [
                (r.time(f"{path}.opening_hours", s[0]), r.time(f"{path}.opening_hours", s[1]))
                for s in hours.get(WEEKDAYS[d.date.weekday()], [])
            ]
        out.append(tuple((a, b - service) for a, b in spans if b - service >= a))
    return tuple(out)


def problem_from_json(doc: dict[str, Any]) -> Problem:
    """The :class:`Problem` a JSON document describes; :class:`InvalidInput` naming each fault."""
    if not isinstance(doc, dict):
        raise InvalidInput("problem", "the document must be a JSON object")
    r = _Reader()
    seconds, metres, coords = _matrices(doc, r)
    n = len(seconds)
    days = []
    for k, d in enumerate(doc.get("days") or []):
        path = f"days[{k}]"
        lunch = d.get("lunch")
        date = None
        if d.get("date") is not None:
            try:
                date = dt.date.fromisoformat(d["date"])
            except (TypeError, ValueError):
                r.fail(f"{path}.date", "not a date", d["date"], "YYYY-MM-DD")
        cap = d.get("max_driving_minutes")
        depart = r.time(f"{path}.depart", d.get("depart"), 8 * 3600)
        not_before = (
            None if d.get("not_before") is None else r.time(f"{path}.not_before", d["not_before"])
        )
        days.append(
            WorkDay(
                depart_s=depart if not_before is None else max(depart, not_before),
                return_s=r.time(f"{path}.return", d.get("return"), 18 * 3600),
                lunch=Lunch(
                    r.time(f"{path}.lunch.earliest", lunch.get("earliest"), 12 * 3600),
                    r.time(f"{path}.lunch.latest_end", lunch.get("latest_end"), 14 * 3600),
                    round(r.number(f"{path}.lunch.minutes", lunch.get("minutes"), 60) * 60),
                )
                if isinstance(lunch, dict)
                else None,
                max_driving_s=round(r.number(f"{path}.max_driving_minutes", cap) * 60)
                if cap
                else None,
                date=date,
                not_before_s=not_before,
            )
        )
    appointments = tuple(
        Appointment(
            key=str(a.get("key", f"appointment-{k}")),
            place=r.place(f"appointments[{k}].place", a.get("place"), n),
            day=int(a.get("day", 0)),
            start_s=r.time(f"appointments[{k}].start", a.get("start")),
            duration_s=round(r.number(f"appointments[{k}].minutes", a.get("minutes"), 60) * 60),
            name=str(a.get("name", "")),
        )
        for k, a in enumerate(doc.get("appointments") or [])
    )
    candidates = []
    for k, c in enumerate(doc.get("candidates") or []):
        service = round(r.number(f"candidates[{k}].minutes", c.get("minutes"), 30) * 60)
        candidates.append(
            Candidate(
                key=str(c.get("key", f"candidate-{k}")),
                place=r.place(f"candidates[{k}].place", c.get("place"), n),
                value_eur=r.number(f"candidates[{k}].value_eur", c.get("value_eur")),
                service_s=service,
                windows=_windows(c, f"candidates[{k}]", days, service, r),
                required=bool(c.get("required", False)),
                name=str(c.get("name", "")),
            )
        )
    hotels = tuple(
        Hotel(
            key=str(h.get("key", f"hotel-{k}")),
            place=r.place(f"hotels[{k}].place", h.get("place"), n),
            price_eur=r.number(f"hotels[{k}].price_eur", h.get("price_eur")),
            preferred=bool(h.get("preferred", False)),
            name=str(h.get("name", "")),
        )
        for k, h in enumerate(doc.get("hotels") or [])
    )
    costs = doc.get("costs") or {}
    reserve = round(r.number("slot_reserve_minutes", doc.get("slot_reserve_minutes"), 0) * 60)
    overtime = round(r.number("overtime_minutes", doc.get("overtime_minutes"), 0) * 60)
    InvalidInput.collect(r.problems)
    return Problem(
        home=r.place("home", doc.get("home", 0), n),
        days=tuple(days),
        durations_s=seconds,
        distances_m=metres,
        appointments=appointments,
        candidates=tuple(candidates),
        hotels=hotels,
        costs=Costs(
            eur_per_km=float(costs.get("eur_per_km", 0.0)),
            eur_per_driving_hour=float(costs.get("eur_per_driving_hour", 0.0)),
            meal_eur=float(costs.get("meal_eur", 0.0)),
            preferred_hotel_bonus_eur=float(
                costs.get("preferred_hotel_bonus_eur", PREFERRED_HOTEL_BONUS_EUR)
            ),
        ),
        places=coords if len(coords) == n else (),
        finish=doc.get("finish"),
        start=doc.get("start"),
        slot_reserve_s=reserve,
        overtime_s=overtime,
    )


def figures_to_json(f: Figures | None) -> dict[str, Any] | None:
    """A plan's euros and kilometres."""
    if f is None:
        return None
    return {
        "value_eur": round(f.value_eur, 2),
        "km": round(f.km, 2),
        "driving_minutes": round(f.driving_s / 60, 1),
        "km_cost_eur": round(f.km_cost_eur, 2),
        "time_cost_eur": round(f.time_cost_eur, 2),
        "hotel_eur": round(f.hotel_eur, 2),
        "meal_eur": round(f.meal_eur, 2),
        "nights_away": f.nights_away,
        "net_eur": round(f.net_eur, 2),
    }


def plan_to_json(result: Plan) -> dict[str, Any]:
    """A plan as JSON: days with their stops, slots and detours; nights; left-out reasons."""
    return {
        "days": [
            {
                "day": d.index,
                "start_place": d.start_place,
                "end_place": d.end_place,
                "departure": hhmm(d.departure_s),
                "return": hhmm(d.return_s),
                "lunch": hhmm(d.lunch_start_s) if d.lunch_start_s is not None else None,
                "driving_minutes": round(d.driving_s / 60, 1),
                "driving_km": round(d.driving_m / 1000, 2),
                "waiting_minutes": round(d.waiting_s / 60, 1),
                "reserve_minutes": round(d.reserve_s / 60, 1),
                "flags": list(d.flags),
                "stops": [
                    {
                        "kind": s.kind,
                        "key": s.key,
                        "name": s.name,
                        "place": s.place,
                        "arrival": hhmm(s.arrival_s),
                        "start": hhmm(s.start_s),
                        "departure": hhmm(s.departure_s),
                        "slot": [hhmm(s.slot[0]), hhmm(s.slot[1])],
                        "value_eur": round(s.value_eur, 2),
                        "detour_minutes": round(s.detour_s / 60, 1),
                        "detour_km": round(s.detour_m / 1000, 2),
                        "contribution_eur": round(s.contribution_eur, 2),
                    }
                    for s in d.stops
                ],
            }
            for d in result.days
        ],
        "nights": [
            {
                "after_day": n.after_day,
                "hotel": n.hotel,
                "place": n.place,
                "price_eur": n.price_eur,
                "meal_eur": n.meal_eur,
                "reason": n.reason,
            }
            for n in result.nights
        ],
        "omissions": [
            {
                "key": o.key,
                "name": o.name,
                "value_eur": o.value_eur,
                "reason": o.reason,
                "loss_eur": o.loss_eur,
                "displaced": list(o.displaced),
                "joined": o.joined,
            }
            for o in result.omissions
        ],
        "figures": figures_to_json(result.figures),
        "all_home": figures_to_json(result.all_home),
        "all_home_error": result.all_home_error,
        "away": figures_to_json(result.away),
        "no_night": result.no_night,
        "away_error": result.away_error,
        "iterations": result.iterations,
        "proven_optimal": "proven_optimal" in result.flags,
    }
