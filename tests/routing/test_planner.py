"""The planner against exact answers on tiny problems, and the promises it makes the rep."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fieldcrm.errors import Infeasible, InvalidInput
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.plan_model import Plan
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Appointment, Candidate, Hotel
from fieldcrm.routing.realise import driving, leg_of, places_of, slot_of
from fieldcrm.routing.schedule import Slot, timetable
from tests.routing.scenarios import H, best_net, day, open_all_day, problem

QUICK = Budget(patience=500, time_limit_s=10)


def _stops_feasible_with(p, result: Plan, k: int, fixed_key: str, at: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether day ``k`` stays feasible, lunch included, with stop ``fixed_key`` starting at ``at``."""
    d = result.days[k]
    stops = []
    for s in d.stops:
        item = (
            Slot(s.place, s.departure_s - s.start_s, ((at, at),))
            if s.key == fixed_key
            else next(
                slot_of(p, r)
                for r in _refs(p, k)
                if (
                    p.appointments[r.index].key
                    if r.kind == "appointment"
                    else p.candidates[r.index].key
                )
                == s.key
            )
        )
        stops.append(item)
    return (
        timetable(
            leg_of(p, k), start=d.start_place, end=d.end_place, stops=stops, travel=p.durations_s
        )
        is not None
    )


def _refs(p, k):  # type: ignore[no-untyped-def]
    from fieldcrm.routing.engine import Ref

    return [Ref("appointment", j, k) for j, a in enumerate(p.appointments) if a.day == k] + [
        Ref("candidate", i, k) for i in range(len(p.candidates))
    ]


def village_day(*, lunch: bool = True) -> object:
    """Home at 0; an appointment at 10:00 6 km east; five accounts around, one closed."""
    points = [
        (0, 0),
        (6000, 0),
        (3000, 2000),
        (9000, 1000),
        (5000, -3000),
        (12000, 0),
        (1000, 9000),
    ]
    return problem(
        points,
        days=[day(lunch=lunch)],
        appointments=[Appointment("rdv", 1, 0, 10 * H, H, "LAMBDA SARL")],
        candidates=[
            Candidate("a", 2, 90.0, H, open_all_day(1), name="A"),
            Candidate("b", 3, 70.0, H, (((14 * H, 16 * H),),), name="B"),
            Candidate("c", 4, 40.0, 2 * H, (((8 * H, 11 * H), (14 * H, 15 * H)),), name="C"),
            Candidate("d", 5, 120.0, H, open_all_day(1), name="D"),
            Candidate("closed", 6, 500.0, H, ((),), name="Fermé"),
        ],
    )


def test_a_day_matches_the_exact_best_and_keeps_the_appointment() -> None:
    p = village_day()
    result = plan(p, budget=QUICK)
    assert result.figures.net_eur == pytest.approx(best_net(p), abs=0.01)
    (d,) = result.days
    (rdv,) = [s for s in d.stops if s.kind == "appointment"]
    assert rdv.start_s == 10 * H and rdv.slot == (10 * H, 10 * H)
    assert d.lunch_start_s is not None and 12 * H <= d.lunch_start_s <= 13 * H


def test_every_slot_is_bookable_minute_by_minute() -> None:
    p = village_day()
    result = plan(p, budget=QUICK)
    assert result.visits
    for visit in result.visits:
        a, b = visit.slot  # whole minutes: the planned start rounded up is the first
        assert a - 60 < visit.start_s <= b and a % 60 == 0
        for t in range(a, b + 1, 60):
            assert _stops_feasible_with(p, result, 0, visit.key, t), (visit.key, t)
        # one minute outside the slot the plan breaks (the slot is the widest)
        for t in (a - 60, b + 60):
            window = p.candidates[[c.key for c in p.candidates].index(visit.key)].windows[0]
            inside = any(w0 <= t <= w1 for w0, w1 in window)
            assert not inside or not _stops_feasible_with(p, result, 0, visit.key, t), (
                visit.key,
                t,
            )


def test_detour_is_the_reoptimised_difference() -> None:
    p = village_day(lunch=False)
    result = plan(p, budget=QUICK)
    for visit in result.visits:
        without = dataclasses.replace(
            p,
            candidates=tuple(
                c for c in p.candidates if c.key in {v.key for v in result.visits} - {visit.key}
            ),
        )
        forced = dataclasses.replace(
            without,
            candidates=tuple(dataclasses.replace(c, required=True) for c in without.candidates),
        )
        best = plan(forced, budget=QUICK, explain=False)
        assert visit.detour_s == result.figures.driving_s - best.figures.driving_s
        assert visit.contribution_eur == pytest.approx(
            visit.value_eur - (result.figures.km - best.figures.km) * p.costs.eur_per_km, abs=0.01
        )


def test_every_left_out_reason_is_true() -> None:
    p = village_day()
    result = plan(p, budget=QUICK)
    reasons = {o.key: o for o in result.omissions}
    assert reasons["closed"].reason == "closed"
    for o in result.omissions:
        if o.reason == "displaces":
            i = [c.key for c in p.candidates].index(o.key)
            forced = dataclasses.replace(
                p,
                candidates=tuple(
                    dataclasses.replace(c, required=(k == i)) for k, c in enumerate(p.candidates)
                ),
            )
            assert result.figures.net_eur - best_net(forced) == pytest.approx(o.loss_eur, abs=0.01)
    left = {o.key for o in result.omissions}
    assert left | {v.key for v in result.visits} == {c.key for c in p.candidates}


def test_no_room_between_two_appointments() -> None:
    points = [(0, 0), (3000, 0), (3300, 0), (40000, 0)]
    p = problem(
        points,
        days=[day()],
        appointments=[
            Appointment("r1", 1, 0, 10 * H, H, "Dix heures"),
            Appointment("r2", 2, 0, 11 * H + 600, H, "Onze heures"),
        ],
        candidates=[Candidate("far", 3, 200.0, H, (((10 * H, 12 * H),),), name="Loin")],
    )
    result = plan(p, budget=QUICK)
    assert [(o.key, o.reason) for o in result.omissions] == [("far", "no_room")]


def test_an_unreachable_appointment_is_named() -> None:
    points = [(0, 0), (3000, 0), (300000, 0)]
    p = problem(
        points,
        days=[day()],
        appointments=[
            Appointment("r1", 1, 0, 10 * H, H, "Dix heures"),
            Appointment("r2", 2, 0, 11 * H + 600, H, "Salon lointain"),
        ],
    )
    with pytest.raises(Infeasible, match="Salon lointain"):
        plan(p, budget=QUICK)
    early = dataclasses.replace(p, appointments=(Appointment("r0", 1, 0, 6 * H, H, "Aube"),))
    with pytest.raises(InvalidInput, match="outside working hours"):
        plan(early, budget=QUICK)


def far_trip(*, hotel_price: float = 60.0, km: int = 300, appointment_h: int = 9) -> object:
    """A 2-day trip: an appointment ``km`` away on day 2; rich accounts near it."""
    x = km * 1000
    points = [(0, 0), (x, 0), (x + 2000, 3000), (x - 2000, -4000), (x // 2, 2000), (x + 1000, 500)]
    return problem(
        points,
        days=[day(), day()],
        appointments=[Appointment("far", 1, 1, appointment_h * H, H, "Client lointain")],
        candidates=[
            Candidate("n1", 2, 150.0, H, open_all_day(2), name="Près 1"),
            Candidate("n2", 3, 150.0, H, open_all_day(2), name="Près 2"),
            Candidate("mid", 4, 60.0, H, open_all_day(2), name="À mi-chemin"),
        ],
        hotels=[Hotel("h", 5, hotel_price, name="Hôtel du centre")],
        meal_eur=20.0,
    )


def test_tiny_trips_match_the_enumeration_of_days_and_hotels() -> None:
    trips = [(200, 9), (200, 13), (300, 9)]  # (300 km, 13:00): no way home on day 2
    for price, (km, hour) in itertools.product((40.0, 400.0, 4000.0), trips):
        p = far_trip(hotel_price=price, km=km, appointment_h=hour)
        result = plan(p, budget=QUICK)
        assert result.figures.net_eur == pytest.approx(best_net(p), abs=0.01), (price, km, hour)


def test_staying_is_compared_with_the_best_all_home_plan() -> None:
    reachable = {"km": 200, "appointment_h": 13}  # home → appointment → home fits in a day
    p = far_trip(hotel_price=40.0, **reachable)
    result = plan(p, budget=QUICK)
    assert result.nights[0].hotel == "h" and result.nights[0].reason == "stay_earns"
    assert result.all_home is not None and result.all_home.net_eur < result.figures.net_eur
    assert result.all_home.net_eur == pytest.approx(
        best_net(dataclasses.replace(p, hotels=())), abs=0.01
    )
    expensive = plan(far_trip(hotel_price=4000.0, **reachable), budget=QUICK)
    assert expensive.nights[0].hotel is None and expensive.nights[0].reason == "home_is_better"
    # 300 km away at 9:00, going home every evening is impossible and says why
    unreachable = plan(far_trip(hotel_price=40.0), budget=QUICK)
    assert unreachable.all_home is None
    assert "Client lointain" in (unreachable.all_home_error or "")


def test_a_trip_without_a_night_away_says_why() -> None:
    reachable = {"km": 200, "appointment_h": 13}  # home every evening is possible
    staying = plan(far_trip(hotel_price=40.0, **reachable), budget=QUICK)
    assert staying.away is not None and staying.no_night is None
    expensive = plan(far_trip(hotel_price=4000.0, **reachable), budget=QUICK)
    assert expensive.away is None and expensive.no_night == "home_is_better"
    assert expensive.away_error is None
    no_hotel = plan(dataclasses.replace(far_trip(**reachable), hotels=()), budget=QUICK)
    assert no_hotel.away is None and no_hotel.no_night == "no_hotel"
    p = far_trip(hotel_price=40.0, **reachable)
    monday, friday = dt.date(2026, 12, 14), dt.date(2026, 12, 18)
    apart = dataclasses.replace(
        p,
        days=(
            dataclasses.replace(p.days[0], date=friday),
            dataclasses.replace(p.days[1], date=dt.date(2026, 12, 21)),
        ),
    )
    assert plan(apart, budget=QUICK).no_night == "not_consecutive"
    alone = dataclasses.replace(
        p, days=(dataclasses.replace(p.days[0], date=monday),), appointments=(), candidates=()
    )
    assert plan(alone, budget=QUICK).no_night == "one_day"


def test_a_day_from_a_hotel_back_home_still_gets_its_visits() -> None:
    p = far_trip(hotel_price=40.0)
    result = plan(p, budget=QUICK)
    # day 1 ends at the hotel; day 2 starts there and the accounts near it are visited
    assert result.days[0].end_place == 5 and result.days[1].start_place == 5
    assert {v.key for v in result.visits} >= {"n1", "n2"}
    assert all(
        v.key != "n1" or v in result.days[1].stops or v in result.days[0].stops
        for v in result.visits
    )


def test_the_driving_cap_drops_visits_but_never_an_appointment() -> None:
    p = village_day()
    capped = dataclasses.replace(
        p, days=(dataclasses.replace(p.days[0], max_driving_s=round(0.4 * H)),)
    )
    result = plan(capped, budget=QUICK)
    (d,) = result.days
    assert d.driving_s <= 0.4 * H
    assert [s.key for s in d.stops if s.kind == "appointment"] == ["rdv"]
    with pytest.raises(Infeasible, match="driving"):
        plan(
            dataclasses.replace(p, days=(dataclasses.replace(p.days[0], max_driving_s=60),)),
            budget=QUICK,
        )


def test_the_same_input_gives_the_same_plan() -> None:
    p = far_trip()
    assert plan(p, budget=QUICK) == plan(p, budget=QUICK)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(-20000, 20000),
            st.integers(-20000, 20000),
            st.integers(5, 200),
            st.sampled_from([8, 9, 10, 14]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(9, 15),
)
# found by CI (session 19): a visit forced in by a left-out reason's check left no room for
# lunch, and that plan, worth more only for the lunch it dropped, replaced the chosen one
@example(accounts=[(0, 918, 5, 8), (0, -18000, 18, 10)], appointment_h=12)
def test_invariants_on_random_days(accounts, appointment_h) -> None:  # type: ignore[no-untyped-def]
    points = [(0, 0), (5000, 5000)] + [(x, y) for x, y, _, _ in accounts]
    p = problem(
        points,
        days=[day(lunch=True)],
        appointments=[Appointment("rdv", 1, 0, appointment_h * H, H, "RDV")],
        candidates=[
            Candidate(f"c{i}", i + 2, float(v), 1800, (((o * H, (o + 4) * H),),))
            for i, (_, _, v, o) in enumerate(accounts)
        ],
    )
    result = plan(p, budget=QUICK)
    (d,) = result.days
    assert [s.start_s for s in d.stops if s.kind == "appointment"] == [appointment_h * H]
    assert d.departure_s >= p.days[0].depart_s and d.return_s <= p.days[0].return_s
    places = [d.start_place, *(s.place for s in d.stops), d.end_place]
    assert (d.driving_s, d.driving_m) == driving(p, places)
    # km are physically possible: never faster than the matrix allows, never above 1 500 km
    assert d.driving_m / 1000 <= 1500
    assert places_of(p, (), 0) == (0, 0)
    for s in d.stops:
        # a visit's slot is its bookable whole minutes: the planned start is at most a minute
        # before its start (rounded up) or after its end (rounded down)
        assert s.slot[0] - 60 < s.start_s < s.slot[1] + 60
        assert s.slot[0] % 60 == 0 and s.slot[1] % 60 == 0
        if s.slot[0] > s.slot[1]:
            continue
        assert _stops_feasible_with(p, result, 0, s.key, s.slot[0])
        assert _stops_feasible_with(p, result, 0, s.key, s.slot[1])
    # visits are only added when they pay: never worse than the appointment alone
    alone = plan(dataclasses.replace(p, candidates=()), budget=QUICK)
    assert result.figures.net_eur >= alone.figures.net_eur - 0.01


def test_a_required_account_is_visited_or_named() -> None:
    p = village_day()
    keys = [c.key for c in p.candidates]
    low = dataclasses.replace(p.candidates[keys.index("c")], required=True)
    forced = dataclasses.replace(
        p, candidates=tuple(low if c.key == "c" else c for c in p.candidates)
    )
    assert "c" in {v.key for v in plan(forced, budget=QUICK).visits}
    closed = dataclasses.replace(p.candidates[keys.index("closed")], required=True)
    impossible = dataclasses.replace(
        p, candidates=tuple(closed if c.key == "closed" else c for c in p.candidates)
    )
    with pytest.raises(Infeasible, match="Fermé"):
        plan(impossible, budget=QUICK)


def test_a_day_with_no_room_for_lunch_is_planned_without_it() -> None:
    points = [(0, 0), (3000, 0), (4000, 0)]
    p = problem(
        points,
        days=[day(lunch=True)],
        appointments=[Appointment("long", 1, 0, 11 * H + 1800, 3 * H, "Déjeuner client")],
        candidates=[Candidate("a", 2, 80.0, 1800, open_all_day(1, service_h=0.5))],
    )
    result = plan(p, budget=QUICK)
    (d,) = result.days
    assert d.flags == ("lunch_skipped",) and d.lunch_start_s is None
    assert [s.key for s in d.stops if s.kind == "appointment"] == ["long"]
    assert "a" in {v.key for v in result.visits}
    half = dataclasses.replace(p, appointments=(), days=(day(8, 12, lunch=True),))
    assert plan(half, budget=QUICK).days[0].flags == ("lunch_skipped",)


def test_a_slot_reserve_gives_every_visit_a_slot_that_wide() -> None:
    """A full day leaves slots of a minute; with a 15-minute reserve each slot is 15 minutes
    or more (where the account's hours allow), and every start in it still works."""
    points = [(0, 0)] + [(0, 0)] * 12  # twelve accounts at home's door: 30 min each fill 5 h
    many = [
        Candidate(f"c{k}", k, 500.0, 1800, open_all_day(1, service_h=0.5)) for k in range(1, 13)
    ]
    full = problem(points, days=[day(8, 13)], candidates=many)
    tight = plan(full, budget=QUICK)
    assert max(v.slot[1] - v.slot[0] for v in tight.visits) == 0, "a full day: no slack at all"
    p = dataclasses.replace(full, slot_reserve_s=15 * 60)
    result = plan(p, budget=QUICK)
    (d,) = result.days
    assert result.visits
    for v in result.visits:
        assert v.slot[1] - v.slot[0] >= 15 * 60, v
        for t in (v.slot[0], v.slot[1]):
            stops = [
                Slot(s.place, s.departure_s - s.start_s, ((t, t),))
                if s.key == v.key
                else Slot(
                    s.place, s.departure_s - s.start_s, p.candidates[int(s.key[1:]) - 1].windows[0]
                )
                for s in d.stops
            ]
            assert timetable(leg_of(p, 0), start=0, end=0, stops=stops, travel=p.durations_s)


@pytest.mark.parametrize("capped_day", [0, 1])
def test_interchangeable_days_give_the_long_route_to_the_day_that_allows_it(
    capped_day: int,
) -> None:
    # two days alike but for a 30-minute driving cap on one of them; a day holds two 4-hour
    # visits; a far pair of accounts needs about an hour of driving there and back, a near
    # pair a few minutes: the far pair must go to the day without a cap, whichever day has it
    points = [(0, 0), (25_000, 0), (25_500, 0), (1_500, 0), (1_800, 0)]
    days = [day(), day()]
    days[capped_day] = day(cap_h=0.5)
    candidates = [
        Candidate(
            key=k, place=i + 1, value_eur=300.0, service_s=4 * H, windows=open_all_day(2, 8, 18, 4)
        )
        for i, k in enumerate(["far1", "far2", "near1", "near2"])
    ]
    p = problem(points, days=days, candidates=candidates)
    result = plan(p, budget=QUICK)
    by_day = [{s.key for s in d.stops} for d in result.days]
    assert by_day[1 - capped_day] == {"far1", "far2"}
    assert by_day[capped_day] == {"near1", "near2"}
    assert result.days[capped_day].driving_s <= 0.5 * H
    assert result.figures.net_eur == pytest.approx(best_net(p), abs=0.01)
