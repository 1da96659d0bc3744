"""The demo's diaries are physically possible: every rep's day can be driven, and Sophie's
coming trip to Paris and Lyon can be planned.

The checks here do not reuse the generator's timing: they re-read the generated visits
(positions as stored, times as recorded) and hold them against a physical bound and against
the planner's own driving estimate.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict

import pytest
from sqlalchemy.orm import Session

from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.services.demo_data import generate
from fieldcrm.services.demo_days import drive_minutes
from fieldcrm.services.planning_build import travel_matrix
from tests.conftest import DEMO_TODAY

PHYSICAL_KMH = 130.0
"""No car averages more between two visits, on roads 1.3 × longer than the crow flies."""
OVERNIGHT_KM = 150.0
"""The cost report's default (``settings.overnight_km``): a night away is counted when the day
ends farther from home and the next day's first visit is nearer than home."""
ANTIBES = GeoPoint(7.1251, 43.5804)


def _planner_s(a: GeoPoint, b: GeoPoint) -> float:
    """The planner's driving estimate off the road data (``travel_matrix`` without a graph)."""
    matrix, _ = travel_matrix([a, b], None)
    return float(matrix.seconds[0, 1])


@pytest.mark.parametrize(
    "there",
    [
        GeoPoint(7.1251, 43.5804),  # the same place: no driving
        GeoPoint(7.1300, 43.5830),  # across town (< 2 km)
        GeoPoint(7.2620, 43.7102),  # Nice, about 18 km
        GeoPoint(4.8357, 45.7640),  # Lyon, beyond 200 km: the motorway band
    ],
)
def test_the_generator_drives_at_the_planners_estimate(there: GeoPoint) -> None:
    """The diaries are timed with the planner's off-graph estimate, rounded up to the minute
    (no estimate of their own: the planner then finds them possible)."""
    minutes = drive_minutes(ANTIBES.as_tuple(), there.as_tuple())
    assert minutes == math.ceil(_planner_s(ANTIBES, there) / 60)
    assert (minutes == 0) == (there == ANTIBES)


def _diaries(today: dt.date) -> tuple[dict, dict]:  # type: ignore[type-arg]
    company = generate(today)
    accounts = {a["id"]: a for a in company.accounts}
    reps = {u["id"]: u for u in company.users if u["role"] == "rep"}
    days: dict[tuple[int, dt.date], list[tuple[dt.datetime, GeoPoint | None, int]]] = defaultdict(
        list
    )
    for v in company.activities:
        if v["kind"] != "visit":
            continue
        a = accounts[v["account_id"]]
        point = GeoPoint(a["lon"], a["lat"]) if a["lon"] is not None else None
        days[(v["rep_id"], v["occurred_at"].date())].append(
            (v["occurred_at"], point, a["visit_minutes"])
        )
    for stops in days.values():
        stops.sort(key=lambda s: s[0])
    return reps, days


@pytest.fixture(scope="module")
def diaries() -> tuple[dict, dict]:  # type: ignore[type-arg]
    return _diaries(DEMO_TODAY)


def test_consecutive_visits_can_be_driven_in_their_gap(diaries) -> None:  # type: ignore[no-untyped-def]
    _, days = diaries
    checked = 0
    for (rep_id, day), stops in days.items():
        located = [s for s in stops if s[1] is not None]
        for (at, here, minutes), (then, there, _) in itertools.pairwise(located):
            gap_h = (then - (at + dt.timedelta(minutes=minutes))).total_seconds() / 3600
            road_km = haversine_m(here, there) * 1.3 / 1000
            assert gap_h >= 0, (rep_id, day, at, then)
            assert road_km <= PHYSICAL_KMH * gap_h + 1e-6, (rep_id, day, at, then, road_km)
            assert _planner_s(here, there) <= gap_h * 3600 + 1, (rep_id, day, at, then)
            checked += 1
    assert checked > 3000


def test_every_day_fits_in_the_working_day_from_where_the_rep_slept(diaries) -> None:  # type: ignore[no-untyped-def]
    """From home (or last night's hotel, as the cost report counts nights) at the start of the
    working day, through the visits at their times, to home (or tonight's hotel) by its end,
    within the rep's driving limit, at the planner's driving estimate."""
    reps, days = diaries
    nights = defaultdict(int)
    for rep_id, rep in reps.items():
        home = GeoPoint(*rep["home"])
        dates = sorted(d for (r, d) in days if r == rep_id)
        slept = home
        for i, day in enumerate(dates):
            stops = days[(rep_id, day)]
            located = [s[1] for s in stops if s[1] is not None]
            following = dates[i + 1] if i + 1 < len(dates) else None
            nxt = (
                [s[1] for s in days[(rep_id, following)] if s[1] is not None]
                if following == day + dt.timedelta(days=1)
                else []
            )
            away = bool(located and nxt) and (
                OVERNIGHT_KM * 1000
                < haversine_m(located[-1], home)
                > haversine_m(located[-1], nxt[0])
            )
            end = None if away else home
            begin = dt.datetime.combine(day, rep["work_start"], tzinfo=stops[0][0].tzinfo)
            close = dt.datetime.combine(day, rep["work_end"], tzinfo=stops[0][0].tzinfo)
            # From the last located place and the time the rep left it: a visit to an account
            # not located yet lies on the way (the estimate never beats a detour through it).
            driving, here, clock = 0.0, slept, begin
            for at, point, minutes in stops:
                assert at + dt.timedelta(minutes=minutes) <= close, (rep_id, day, at)
                if point is None:
                    continue
                leg = _planner_s(here, point)
                driving += leg
                assert clock + dt.timedelta(seconds=leg) <= at + dt.timedelta(seconds=1), (
                    rep_id,
                    day,
                    at,
                )
                here, clock = point, at + dt.timedelta(minutes=minutes)
            if end is not None:
                driving += _planner_s(here, end)
                clock += dt.timedelta(seconds=_planner_s(here, end))
            assert clock <= close + dt.timedelta(seconds=1), (rep_id, day, clock)
            assert driving <= rep["max_driving_minutes"] * 60 + 1, (rep_id, day, driving)
            nights[rep_id] += away
            slept = located[-1] if away else home
    # The local reps sleep at home; Sophie's trips across France have nights away.
    assert nights[4] == nights[5] == 0
    assert nights[6] > 100


def test_each_rep_visits_stay_in_their_own_region(diaries) -> None:  # type: ignore[no-untyped-def]
    reps, days = diaries
    for (rep_id, _), stops in days.items():
        home = GeoPoint(*reps[rep_id]["home"])
        far = max((haversine_m(home, s[1]) for s in stops if s[1] is not None), default=0)
        if rep_id in (4, 5):  # Monaco and its neighbours; the Alpes-Maritimes
            assert far < 100_000
    # one city a day for Sophie: no day in Paris and on the Riviera
    for (rep_id, day), stops in days.items():
        points = [s[1] for s in stops if s[1] is not None]
        if rep_id == 6 and points:
            spread = max(haversine_m(a, b) for a in points for b in points)
            assert spread < 30_000, (day, spread)


def test_sophies_coming_trip_to_paris_and_lyon_can_be_planned(demo_db: Session) -> None:
    """Tuesday to Thursday: drive up, Paris on Wednesday 10:00, Lyon on Thursday, home that
    evening — the three days the appointments ask for, with the nights away."""
    from fieldcrm.auth.roles import SYSTEM
    from fieldcrm.config import Settings
    from fieldcrm.services import planning

    tuesday = DEMO_TODAY + dt.timedelta(days=(1 - DEMO_TODAY.weekday()) % 7 or 7)
    plan = planning.plan_trip(
        demo_db,
        actor=SYSTEM,
        rep_id=6,
        start_day=tuesday,
        end_day=tuesday + dt.timedelta(days=2),
        time_limit_s=2,
        settings=Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12),
    )
    doc = planning.plan_json(plan)
    days = doc["result"]["days"]
    assert [d["day"] for d in days] == [
        (tuesday + dt.timedelta(days=k)).isoformat() for k in range(3)
    ]
    appointments = [s for d in days for s in d["stops"] if s["kind"] == "appointment"]
    assert len(appointments) == 2
    assert doc["result"]["overnight"]["recommendation"] == "stay"
    assert math.isfinite(doc["result"]["overnight"]["stay"]["hotel_and_meals_eur"])
