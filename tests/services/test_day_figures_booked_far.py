"""A visit booked far from its planned place (planned first, at 08:30; booked, then moved
to 17:00 by a move not logged — as moves made before they were logged) is shown at 17:00,
last of the day's fixed stops, and the day's figures are timed in that order, lunch
included: lunch stays where the morning, unchanged, puts it (the plan's), not counted
after the visit's old place (Camille's demo Tuesday, on the booking tests' roads)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store.plans import PARIS
from tests.services.test_day_booking import TUESDAY, _day_plan
from tests.services.test_day_figures_now import _figures, _route, _slot
from tests.services.test_slots_after_booking import _decide


def test_a_visit_booked_far_from_its_place_leaves_lunch_where_the_morning_puts_it(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    stored = plan.result["days"][0]
    lunch = dt.datetime.fromisoformat(stored["lunch"])
    first = _route(plan)[0]
    planned = dt.datetime.fromisoformat(stored["stops"][0]["start"])
    assert stored["stops"][0]["account_id"] == first.account_id and planned < lunch
    booked = _decide(demo_db, first, _slot(demo_db, plan.id, first).at)
    five = dt.datetime.combine(TUESDAY, dt.time(17), tzinfo=PARIS)
    demo_db.execute(
        text(
            """UPDATE appointments SET starts_at = :s, ends_at = :s + (ends_at - starts_at)
               WHERE id = :i"""
        ),
        {"s": five, "i": booked},
    )
    found = _figures(demo_db, plan.id)
    assert found is not None and found.lunch is not None and not found.lunch_skipped
    # the morning shown: LAMBDA SARL 10:00–11:00, the second visit from 11:05 (45 min, its
    # reserve squeezed out by the day now) — lunch right after it, at the earliest (12:00),
    # before the afternoon's first visit; the 17:00 booking counted at its old place (first)
    # put it at 13:00
    noon = dt.datetime.combine(TUESDAY, dt.time(12), tzinfo=PARIS)
    assert lunch > noon and found.lunch == noon, (found.lunch, lunch)
