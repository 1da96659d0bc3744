"""The day header as booked now holds every stop the page shows (QA: after a check-in took a
proposal off the day, « Ma journée » said « retour 16:55 » above a visit still shown at
17:38): each open proposal is timed from the minute its card shows, never earlier, so the
departure is never after a stop shown and the return never before one ends and the rep
drives home (:func:`fieldcrm.services.plan_slots.figures_now`; Camille's demo Tuesday, on the
odd-second roads of the booking tests)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import plan_slots
from fieldcrm.store import plans
from fieldcrm.store.plans import PlanRow, ProposalRow
from tests.services.test_day_booking import TUESDAY, OddSeconds, _day_plan, _settings
from tests.services.test_slots_after_booking import _decide

MINUTE = dt.timedelta(minutes=1)


def _route(plan: PlanRow) -> list[ProposalRow]:
    """The plan's proposals in route order."""
    by_account = {p.account_id: p for p in plan.proposals}
    stops = plan.result["days"][0]["stops"]
    return [by_account[s["account_id"]] for s in stops if s["kind"] == "candidate"]


def test_the_header_holds_every_stop_shown_once_a_proposal_leaves_the_day(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    route = _route(plan)
    # a proposal of the afternoon leaves the day (refused here; the
    # QA's was checked in on an earlier page): the day could now start the next ones sooner
    gone = route[3]
    _decide(demo_db, gone, None, accept=False)
    plan = plans.get_plan(demo_db, plan.id)
    current = plan_slots.current_slots(demo_db, plan, settings=_settings(), travel=OddSeconds())
    shown = [(p, current.bookable[p.id]) for p in _route(plan) if p.status == "proposed"]
    assert [p.id for p, _ in shown] == [p.id for p in route if p.id != gone.id]
    # the cards still show the planned minutes, later than the day could start them
    assert any(slot.at > slot.first for _, slot in shown[1:])

    found = plan_slots.figures_now(
        demo_db, plan, TUESDAY, settings=_settings(), travel=OddSeconds()
    )
    assert found is not None
    for p, slot in shown:
        assert found.departure <= slot.at, (p.account_name, slot.at)
        assert slot.at + p.visit_minutes * MINUTE < found.return_at, (p.account_name, slot.at)
    # the page's own shown minutes give the same figures
    again = plan_slots.figures_now(
        demo_db,
        plan,
        TUESDAY,
        settings=_settings(),
        travel=OddSeconds(),
        shown=current.bookable,
    )
    assert again == found


def test_bookings_at_the_ends_of_their_slots_leave_every_visit_its_length(
    demo_db: Session,
) -> None:
    """QA: after the first visit was booked at its latest minute and the last at its
    earliest, the others looked 30 minutes long instead of 45. Each is still slotted for its
    account's visit length: what the bookings take is the reserve kept after them."""
    plan = _day_plan(demo_db)
    route = _route(plan)

    def now() -> plan_slots.CurrentSlots:
        return plan_slots.current_slots(
            demo_db, plans.get_plan(demo_db, plan.id), settings=_settings(), travel=OddSeconds()
        )

    first, last = route[0], route[-1]
    _decide(demo_db, first, now().bookable[first.id].last)
    _decide(demo_db, last, now().bookable[last.id].first)
    current = now()
    plan = plans.get_plan(demo_db, plan.id)
    shown = [(p, current.bookable[p.id]) for p in _route(plan) if p.status == "proposed"]
    assert len(shown) == len(route) - 2
    # any minute of one slot leaves the next its own: the earliest ones follow each other
    # by at least the first's visit length, the latest ones too
    for (p, a), (_, b) in itertools.pairwise(shown):
        assert b.first - a.first >= p.visit_minutes * MINUTE, p.account_name
        assert b.last - a.last >= p.visit_minutes * MINUTE, p.account_name
    # the last open one, at its latest, ends before the last visit booked starts; each
    # booking lasts its account's visit length
    rows = demo_db.execute(
        text(
            "SELECT proposal_id, starts_at, ends_at FROM appointments WHERE proposal_id = ANY(:p)"
        ),
        {"p": [first.id, last.id]},
    ).all()
    length = {r.proposal_id: r.ends_at - r.starts_at for r in rows}
    assert length == {q.id: q.visit_minutes * MINUTE for q in (first, last)}
    p, slot = shown[-1]
    last_start = next(r.starts_at for r in rows if r.proposal_id == last.id)
    assert slot.last + p.visit_minutes * MINUTE <= last_start
