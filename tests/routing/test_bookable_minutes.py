"""Every minute a plan shows as bookable passes the booking check (no database).

The day page shows a visit's slot as ``HH:MM–HH:MM`` (:func:`fieldcrm.routing.schedule.hhmm`)
and a rep books to the minute; booking runs :mod:`fieldcrm.agenda.clashes` against the day's
appointments with the planner's own driving seconds. For generated days (appointments on
whole minutes, accounts with driving times in odd seconds), every whole minute of every
displayed slot must be accepted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from fieldcrm.agenda.clashes import Booked, check_overlap, check_reachable, neighbours
from fieldcrm.errors import Conflict, Infeasible
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import Appointment, Candidate, Problem
from fieldcrm.routing.schedule import hhmm, whole_minutes
from tests.routing.scenarios import H, day, problem

QUICK = Budget(patience=300, time_limit_s=10)
ZONE = ZoneInfo("UTC")
DAY = dt.datetime(2026, 12, 8, tzinfo=dt.UTC)


def _at(seconds: int) -> dt.datetime:
    return DAY + dt.timedelta(seconds=seconds)


def _displayed_minutes(slot: tuple[int, int]) -> range:
    """The whole minutes a rep reads in the slot as the page prints it (``HH:MM``)."""
    first, last = (int(hhmm(t)[:2]) * H + int(hhmm(t)[3:]) * 60 for t in slot)
    return range(first, last + 1, 60)


def _accepted(p: Problem, place: int, service_s: int, start_s: int) -> bool:
    """Whether the booking check accepts a visit at ``place`` starting at ``start_s``."""
    others = [
        Booked(k, a.name, _at(a.start_s), _at(a.start_s + a.duration_s), GeoPoint(a.place, 0))
        for k, a in enumerate(p.appointments)
    ]
    new = Booked(None, "visite", _at(start_s), _at(start_s + service_s), GeoPoint(place, 0))
    try:
        check_overlap(new, others, zone=ZONE)
        before, after = neighbours(new, others, zone=ZONE)
        check_reachable(
            new,
            previous=before,
            following=after,
            from_previous_s=p.durations_s[int(before.place.lon)][place]  # type: ignore[union-attr]
            if before
            else None,
            to_following_s=p.durations_s[place][int(after.place.lon)]  # type: ignore[union-attr]
            if after
            else None,
            zone=ZONE,
        )
    except Conflict:  # a refusal
        return False
    return True


def test_whole_minutes_rounds_inward() -> None:
    assert whole_minutes((13 * H + 46 * 60 + 20, 15 * H + 26 * 60 + 59)) == (
        13 * H + 47 * 60,
        15 * H + 26 * 60,
    )
    assert whole_minutes((9 * H, 9 * H)) == (9 * H, 9 * H)
    lo, hi = whole_minutes((9 * H + 10, 9 * H + 50))
    assert lo > hi, "no whole minute inside: empty"


def test_the_qa_case_a_slot_one_minute_too_early() -> None:
    """An appointment ends at 13:45, the account is 80 s away: 13:46 is not bookable."""
    p = problem(
        [(0, 0), (3000, 0), (3000 + 80 * 15, 0)],
        days=[day(8, 18)],
        appointments=[Appointment("rdv", 1, 0, 13 * H, 45 * 60, "Client")],
        candidates=[Candidate("c", 2, 300.0, 1800, (((13 * H + 45 * 60, 14 * H),),))],
    )
    (visit,) = plan(p, budget=QUICK).visits
    assert p.durations_s[1][2] == 80
    assert visit.slot[0] == 13 * H + 47 * 60  # 13:46:20 rounded up
    assert not _accepted(p, 2, 1800, 13 * H + 46 * 60)
    assert all(_accepted(p, 2, 1800, t) for t in _displayed_minutes(visit.slot))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(-9000, 9000), st.integers(-9000, 9000), st.integers(10, 300)),
        min_size=1,
        max_size=5,
    ),
    st.lists(
        st.tuples(st.integers(-9000, 9000), st.integers(-9000, 9000), st.sampled_from([30, 45])),
        min_size=1,
        max_size=3,
    ),
    st.lists(st.integers(0, 100), min_size=3, max_size=3, unique=True),
    st.sampled_from([0, 5, 15]),
    st.booleans(),
)
def test_every_displayed_minute_is_accepted(  # type: ignore[no-untyped-def]
    accounts, fixed, quarter_hours, reserve_min, lunch
) -> None:
    # appointments on whole minutes (odd ones), never overlapping: 8:07 + 5-minute steps
    starts = sorted(8 * H + 7 * 60 + q * 300 for q in quarter_hours)
    appointments = []
    for k, ((_x, _y, minutes), start) in enumerate(zip(fixed, starts, strict=False)):
        nxt = starts[k + 1] if k + 1 < len(starts) else 18 * H
        length = min(minutes * 60, nxt - start)
        appointments.append(Appointment(f"rdv{k}", 1 + k, 0, start, length, f"RDV {k}"))
    n = len(appointments)
    points = [(0, 0)] + [(x, y) for x, y, _ in fixed[:n]] + [(x, y) for x, y, _ in accounts]
    p = problem(
        points,
        days=[day(8, 19, lunch=lunch)],
        appointments=appointments,
        candidates=[
            Candidate(f"c{i}", 1 + n + i, float(v), 1500, (((8 * H, 18 * H),),))
            for i, (_, _, v) in enumerate(accounts)
        ],
    )
    p = dataclasses.replace(p, slot_reserve_s=reserve_min * 60)
    try:
        result = plan(p, budget=QUICK, explain=False)
    except Infeasible:
        reject()  # appointments out of reach of one another: not a day a rep can have
    for visit in result.visits:
        assert visit.slot[0] % 60 == 0 and visit.slot[1] % 60 == 0
        for t in _displayed_minutes(visit.slot):
            assert _accepted(p, visit.place, 1500, t), (visit.key, hhmm(t), visit.slot)
