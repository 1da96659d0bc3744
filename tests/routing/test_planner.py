"""Interim day solver: exact appointments, opening hours, bookable slots, brute-force optimum."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from fieldcrm.config import Settings
from fieldcrm.errors import Infeasible, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.crowfly import CrowFlyTravelTimes
from fieldcrm.routing.planner import (
    DayInput,
    DayResult,
    PlannedStop,
    Visit,
    solve_day,
)
from fieldcrm.routing.travel import TravelMatrix
from fieldcrm.services.planning_build import Alternative, overnight, travel_matrix

H = 3600
HOME = GeoPoint(7.42, 43.748)


def _appt(key: str, point: GeoPoint, start_h: float, minutes: int = 60) -> Visit:
    s = int(start_h * H)
    return Visit(key, "appointment", key, point, minutes * 60, ((s, s),), appointment_id=1)


def _cand(i: int, point: GeoPoint, windows, score: float = 10.0, minutes: int = 45) -> Visit:
    return Visit(f"c{i}", "candidate", f"C{i}", point, minutes * 60, windows, score, account_id=i)


def _matrix(day: DayInput) -> TravelMatrix:
    pts = [day.start, day.end or day.start, *(v.point for v in day.fixed + day.candidates)]
    return CrowFlyTravelTimes().matrix(pts)


def _ring(n: int) -> list[GeoPoint]:
    return [GeoPoint(7.30 + 0.012 * i, 43.70 + 0.006 * (i % 3)) for i in range(n)]


OFFICE = ((int(8.5 * H), 12 * H), (14 * H, int(18.5 * H)))


def _day(fixed, cands, *, lunch=None, end=HOME, max_driving_s=None) -> DayInput:
    return DayInput(
        HOME, end, 8 * H, int(18.5 * H), tuple(fixed), tuple(cands), lunch, max_driving_s
    )


def test_appointments_exact_and_visits_inside_opening_hours() -> None:
    pts = _ring(10)
    fixed = [_appt("A", pts[0], 10), _appt("B", pts[5], 15, 30)]
    shop = ((9 * H, int(12.5 * H)), (15 * H, 19 * H))
    cands = [_cand(i, p, OFFICE if i % 2 else shop) for i, p in enumerate(pts[1:], start=1)]
    result = solve_day(
        _day(fixed, cands, lunch=(12 * H, 14 * H, H)), _matrix(_day(fixed, cands)), time_limit_s=1
    )
    by_key = {s.visit.key: s for s in result.stops}
    assert by_key["A"].start_s == 10 * H and by_key["B"].start_s == 15 * H
    assert by_key["A"].slot == (10 * H, 10 * H)
    proposed = [s for s in result.stops if s.visit.kind == "candidate"]
    assert proposed
    for s in proposed:
        assert any(
            a <= s.start_s and s.start_s + s.visit.service_s <= b for a, b in s.visit.windows
        )
        lo, hi = s.slot
        assert lo <= s.start_s <= hi
        assert any(a <= lo and hi + s.visit.service_s <= b for a, b in s.visit.windows)
    starts = [s.start_s for s in result.stops]
    assert starts == sorted(starts)
    for before, after in itertools.pairwise(result.stops):
        assert before.departure_s <= after.arrival_s <= after.start_s
    assert result.lunch_start_s is not None and 12 * H <= result.lunch_start_s <= 13 * H
    assert result.score == pytest.approx(sum(s.visit.score for s in proposed))


def _feasible_with(day: DayInput, m: TravelMatrix, result: DayResult, k: int, t: int) -> bool:
    """Replay the planned order, forcing stop ``k`` to start at ``t``; earliest starts elsewhere."""
    pts = [day.start, day.end or day.start, *(v.point for v in day.fixed + day.candidates)]
    index = {v.key: 2 + i for i, v in enumerate(day.fixed + day.candidates)}
    clock, here = day.day_start_s, 0
    for i, stop in enumerate(result.stops):
        node = index[stop.visit.key]
        arrive = clock + m.seconds[here, node]
        windows = stop.visit.windows
        if stop.visit.kind == "appointment":
            start = windows[0][0]
            if arrive > start + 1:
                return False
        else:
            if i == k:
                if arrive > t + 1:
                    return False
                start = t
            else:
                fits = [
                    max(arrive, a) for a, b in windows if max(arrive, a) + stop.visit.service_s <= b
                ]
                if not fits:
                    return False
                start = min(fits)
            if not any(a <= start and start + stop.visit.service_s <= b for a, b in windows):
                return False
        clock, here = start + stop.visit.service_s, node
    assert len(pts) > 1
    return clock + m.seconds[here, 1] <= day.day_end_s + 1


def test_booked_slot_keeps_the_plan_feasible_at_both_ends() -> None:
    pts = _ring(8)
    fixed = [_appt("A", pts[0], 11)]
    cands = [_cand(i, p, OFFICE, score=5 + i) for i, p in enumerate(pts[1:], start=1)]
    day = _day(fixed, cands)
    m = _matrix(day)
    result = solve_day(day, m, time_limit_s=1)
    checked = 0
    for k, stop in enumerate(result.stops):
        if stop.visit.kind != "candidate":
            continue
        lo, hi = stop.slot
        assert _feasible_with(day, m, result, k, lo)
        assert _feasible_with(day, m, result, k, hi)
        # One minute outside the slot breaks something (or leaves the opening hours).
        assert not _feasible_with(day, m, result, k, hi + 60) or hi + 60 > max(
            b for _, b in stop.visit.windows
        )
        checked += 1
    assert checked >= 3


def _best_score_by_enumeration(day: DayInput, m: TravelMatrix) -> float:
    cands = list(day.candidates)
    fixed = list(day.fixed)
    index = {v.key: 2 + i for i, v in enumerate(day.fixed + day.candidates)}
    best = 0.0
    for r in range(len(cands) + 1):
        for subset in itertools.combinations(cands, r):
            for order in itertools.permutations(fixed + list(subset)):
                clock, here, ok = day.day_start_s, 0, True
                for v in order:
                    node = index[v.key]
                    arrive = clock + round(m.seconds[here, node])
                    if v.kind == "appointment":
                        start = v.windows[0][0]
                        ok = arrive <= start
                    else:
                        fits = [
                            max(arrive, a)
                            for a, b in v.windows
                            if max(arrive, a) + v.service_s <= b
                        ]
                        ok = bool(fits)
                        start = min(fits) if fits else 0
                    if not ok:
                        break
                    clock, here = start + v.service_s, node
                if ok and clock + round(m.seconds[here, 1]) <= day.day_end_s:
                    best = max(best, sum(v.score for v in subset))
                    break
    return best


def test_tiny_case_equals_exhaustive_enumeration() -> None:
    pts = [GeoPoint(7.30 + 0.05 * i, 43.70 + 0.02 * (i % 2)) for i in range(6)]
    fixed = [_appt("A", pts[0], 11)]
    narrow = ((9 * H, int(9.75 * H)),)
    cands = [
        _cand(1, pts[1], narrow, score=8, minutes=60),
        _cand(2, pts[2], narrow, score=7, minutes=60),
        _cand(3, pts[3], ((13 * H, 15 * H),), score=6, minutes=90),
        _cand(4, pts[4], ((13 * H, 15 * H),), score=5, minutes=90),
        _cand(5, pts[5], ((16 * H, 17 * H),), score=3, minutes=60),
    ]
    day = DayInput(HOME, HOME, 8 * H, 17 * H + 1800, tuple(fixed), tuple(cands))
    m = _matrix(day)
    result = solve_day(day, m, time_limit_s=1, score_seconds=100_000)
    assert result.score == pytest.approx(_best_score_by_enumeration(day, m))
    assert result.score < sum(c.score for c in cands)  # the windows force choices
    reasons = dict((v.key, r) for v, r in result.omitted)
    assert set(reasons.values()) <= {"window_conflict", "day_full", "detour_too_long", "closed"}


def test_closed_and_impossible_candidates_get_reasons() -> None:
    pts = _ring(3)
    cands = [
        _cand(1, pts[1], ()),  # closed that day
        _cand(2, pts[2], ((6 * H, int(7.5 * H)),)),  # opens before the working day
    ]
    result = solve_day(_day([], cands), _matrix(_day([], cands)), time_limit_s=0.5)
    assert result.stops == []
    assert {v.key: r for v, r in result.omitted} == {"c1": "closed", "c2": "window_conflict"}


def test_bad_input_is_a_clear_error() -> None:
    pts = _ring(3)
    early = [_appt("Early", pts[0], 7)]
    with pytest.raises(InvalidInput) as err:
        solve_day(_day(early, []), _matrix(_day(early, [])), time_limit_s=0.5)
    assert "outside working hours" in str(err.value)
    far = GeoPoint(2.35, 48.85)  # Paris, an hour after a Monaco meeting
    both = [_appt("Monaco", pts[0], 10), _appt("Paris", far, 11)]
    with pytest.raises(Infeasible) as err2:
        solve_day(_day(both, []), _matrix(_day(both, [])), time_limit_s=0.5)
    assert "Paris" in str(err2.value) and "Monaco" in str(err2.value)
    with pytest.raises(Infeasible, match="driving"):
        one = [_appt("Monaco", pts[0], 12)]
        solve_day(_day(one, [], max_driving_s=60), _matrix(_day(one, [])), time_limit_s=0.5)


def test_open_end_stops_at_the_last_visit() -> None:
    pts = _ring(4)
    fixed = [_appt("A", pts[3], 9)]
    day = _day(fixed, [], end=None)
    result = solve_day(day, _matrix(day), time_limit_s=0.5)
    assert result.end_point == pts[3]
    assert result.return_s == 10 * H


def _alt(stay: bool, km: float, score: float, error: str | None = None) -> Alternative:
    stop = PlannedStop(_cand(1, HOME, OFFICE, score=score), 9 * H, 9 * H, 10 * H, (9 * H, 9 * H))
    result = DayResult([stop], [], 8 * H, 18 * H, HOME, km * 45, km * 1000, 0.0, score)
    return Alternative(stay=stay, days=[(dt.date(2026, 4, 21), result)], error=error)


@pytest.mark.parametrize(
    ("home_km", "home_score", "stay_km", "stay_score"),
    [(800, 40, 300, 60), (300, 40, 280, 41), (600, 10, 100, 10), (200, 80, 190, 20)],
)
def test_overnight_decision_matches_enumeration(
    home_km: float, home_score: float, stay_km: float, stay_score: float
) -> None:
    settings = Settings(_env_file=None)
    nights = 1
    home, stay = _alt(False, home_km, home_score), _alt(True, stay_km, stay_score)
    decision = overnight(home, stay, cfg=settings, nights=nights)

    def net(km: float, score: float, hotel: float) -> float:
        return score * settings.planner_eur_per_score_point - km * settings.cost_per_km_eur - hotel

    options = {
        "home": net(home_km, home_score, 0.0),
        "stay": net(stay_km, stay_score, nights * (settings.hotel_night_eur + settings.meal_eur)),
    }
    best = max(options, key=lambda k: (options[k], k == "home"))
    assert decision["recommendation"] == best
    assert decision["home"]["net_eur"] == pytest.approx(options["home"], abs=0.01)
    assert decision["stay"]["net_eur"] == pytest.approx(options["stay"], abs=0.01)
    assert decision["km_saved"] == pytest.approx(home_km - stay_km, abs=0.1)


def test_overnight_never_recommends_an_infeasible_alternative() -> None:
    settings = Settings(_env_file=None)
    home = _alt(False, 0, 0, error="appointment cannot be reached")
    stay = _alt(True, 900, 1)
    assert overnight(home, stay, cfg=settings, nights=2)["recommendation"] == "stay"


def test_same_input_same_plan() -> None:
    pts = _ring(10)
    fixed = [_appt("A", pts[0], 10)]
    cands = [_cand(i, p, OFFICE, score=3 + i % 4) for i, p in enumerate(pts[1:], start=1)]
    day = _day(fixed, cands, lunch=(12 * H, 14 * H, H))
    first = solve_day(day, _matrix(day), time_limit_s=0.5)
    second = solve_day(day, _matrix(day), time_limit_s=0.5)
    assert [(s.visit.key, s.start_s, s.slot) for s in first.stops] == [
        (s.visit.key, s.start_s, s.slot) for s in second.stops
    ]


class _HalfGraph:
    """A road graph that knows only the first two points (the others are off the network)."""

    name = "graph"

    def matrix(self, points):  # type: ignore[no-untyped-def]
        crow = CrowFlyTravelTimes().matrix(points)
        seconds = np.full_like(crow.seconds, np.inf)
        metres = np.full_like(crow.metres, np.inf)
        seconds[:2, :2] = crow.seconds[:2, :2] * 2
        metres[:2, :2] = crow.metres[:2, :2] * 2
        np.fill_diagonal(seconds, 0)
        np.fill_diagonal(metres, 0)
        return TravelMatrix(seconds, metres, np.zeros(len(points)), tuple(range(2, len(points))))

    def route(self, stops):  # type: ignore[no-untyped-def]
        raise NotImplementedError


def test_points_off_the_graph_fall_back_to_crow_fly() -> None:
    pts = _ring(4)
    crow = CrowFlyTravelTimes().matrix(pts)
    mixed, name = travel_matrix(pts, _HalfGraph())
    assert name == "graph+crowfly"
    assert mixed.seconds[0, 1] == pytest.approx(crow.seconds[0, 1] * 2)  # graph where known
    assert mixed.seconds[0, 3] == pytest.approx(crow.seconds[0, 3])  # crow-fly elsewhere
    assert np.isfinite(mixed.seconds).all()
    assert travel_matrix(pts, None)[1] == "crowfly"
