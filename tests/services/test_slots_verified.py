"""The slots shown are those of the day as it is now from the start, and a reason shown is
true: a proposal that no longer fits names the booking without which it would fit (not the
latest of the day); a plan stored before its timing was kept stops offering slots once its
day changed (Camille's Tuesday in the demo company)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict
from fieldcrm.services import plan_slots
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, PlanRow
from tests.services.test_day_booking import TUESDAY, _day_plan, check_every_minute
from tests.services.test_slots_after_booking import _booked_at, _current, _decide, _pair, _undo

MINUTE = dt.timedelta(minutes=1)
OLD_PLAN = (
    "Plan calculé avant les réservations de la journée : replanifiez la journée pour des "
    "créneaux sûrs."
)


def _insert(db: Session, title: str, start: dt.datetime, end: dt.datetime) -> int:
    """An appointment of Camille without a place (only its times count)."""
    found: int = db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (4, :title, :start, :end, 'confirmed') RETURNING id"""
        ),
        {"title": title, "start": start, "end": end},
    ).scalar_one()
    return found


def _at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(TUESDAY, dt.time(hour, minute), tzinfo=PARIS)


def test_the_booking_named_is_the_one_that_pushed_the_visit_out(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    a, b, slot_a = _pair(plan)
    at = slot_a.at + dt.timedelta(minutes=40)
    _decide(demo_db, a, at)
    ends = at + dt.timedelta(minutes=a.visit_minutes)
    assert b.id not in _current(demo_db, plan.id).unfit, "B still fits after A"
    blocked = _insert(demo_db, "Réunion fournisseur", ends, _at(17, 30))
    named = (
        f"Ne tient plus depuis la réservation de « Réunion fournisseur » à "
        f"{ends.astimezone(PARIS):%H:%M} : replanifiez la journée."
    )
    assert _current(demo_db, plan.id).unfit[b.id].sentence() == named
    # a later booking that does not keep B out changes nothing said
    _insert(demo_db, "Appel client", _at(17, 40), _at(17, 45))
    now = _current(demo_db, plan.id)
    assert now.unfit[b.id].sentence() == named
    with pytest.raises(Conflict) as refused:
        _decide(demo_db, b, None)
    assert str(refused.value) == f"« {b.account_name} » n{named[1:]}"
    # the reason is true: without the booking named, B fits again
    demo_db.execute(text("DELETE FROM appointments WHERE id = :i"), {"i": blocked})
    again = _current(demo_db, plan.id)
    assert b.id not in again.unfit and b.id in again.bookable


def test_the_slots_shown_on_a_fresh_plan_are_those_of_the_day_now(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    shown = _current(demo_db, plan.id)
    assert shown.unfit == {} and set(shown.bookable) == {p.id for p in plan.proposals}
    recomputed = plan_slots.slots_now(demo_db, plan).slots
    for p in plan.proposals:
        slot = shown.bookable[p.id]
        assert (slot.first, slot.last) == recomputed[p.id]
        assert slot.first.second == 0 and slot.first <= slot.at <= slot.last
        assert check_every_minute(demo_db, p, slot) > 0


def test_booking_either_end_of_a_slot_shown_keeps_every_other_slot_bookable(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    shown = _current(demo_db, plan.id).bookable
    tried = 0
    for p in plan.proposals:
        for minute in (shown[p.id].first, shown[p.id].last):
            assert _booked_at(demo_db, _decide(demo_db, p, minute)) == minute
            now = _current(demo_db, plan.id)
            others = {q.id for q in plan.proposals} - {p.id}
            assert now.unfit == {}, (p.account_name, minute, now.unfit)
            assert set(now.bookable) >= others
            assert all(now.bookable[q].first <= now.bookable[q].last for q in others)
            _undo(demo_db, p)
            tried += 1
    assert tried == 2 * len(plan.proposals) > 2


def _as_old_plan(db: Session, plan: PlanRow) -> PlanRow:
    """``plan`` as stored before the timing was kept (no ``timing``, no ``opening_s``)."""
    result = copy.deepcopy(plan.result)
    for day in result["days"]:
        day.pop("timing", None)
        for stop in day["stops"]:
            stop.pop("opening_s", None)
    db.execute(
        text("UPDATE plans SET result = CAST(:r AS jsonb) WHERE id = :i"),
        {"r": json.dumps(result), "i": plan.id},
    )
    return plans.get_plan(db, plan.id)


def test_an_older_plan_keeps_its_stored_slots_while_its_day_is_unchanged(
    demo_db: Session,
) -> None:
    plan = _as_old_plan(demo_db, _day_plan(demo_db))
    now = _current(demo_db, plan.id)
    assert now.unfit == {}
    assert now.bookable == plan_slots.bookable_slots(plan) and now.bookable
    p = plan.proposals[0]
    assert _booked_at(demo_db, _decide(demo_db, p, None)) == now.bookable[p.id].at


@pytest.mark.parametrize("change", ["appointment", "rejection"])
def test_an_older_plan_offers_no_slot_once_its_day_changed(demo_db: Session, change: str) -> None:
    plan = _as_old_plan(demo_db, _day_plan(demo_db))
    first, *others = plan.proposals
    if change == "appointment":
        _insert(demo_db, "Réunion fournisseur", _at(7, 0), _at(7, 30))
        others = plan.proposals
    else:
        _decide(demo_db, first, None, accept=False)
    now = _current(demo_db, plan.id)
    assert now.bookable.keys().isdisjoint(p.id for p in others)
    assert {p.id: now.unfit[p.id].sentence() for p in others} == {p.id: OLD_PLAN for p in others}
    p = others[-1]
    with pytest.raises(Conflict) as refused:
        _decide(demo_db, p, plan_slots.bookable_slots(plan)[p.id].first)
    assert str(refused.value) == OLD_PLAN
    assert plans.get_proposal(demo_db, p.id).status == "proposed"
    _decide(demo_db, p, None, accept=False)
    assert plans.get_proposal(demo_db, p.id).status == "rejected"


def test_each_cause_has_its_french_sentence() -> None:
    at = _at(13, 10)
    said = {
        cause: plan_slots.Unfit(cause, "Réunion fournisseur", at).sentence()
        for cause in ("booking", "bookings", "day", "old_plan")
    }
    assert said == {
        "booking": "Ne tient plus depuis la réservation de « Réunion fournisseur » à 13:10 : "
        "replanifiez la journée.",
        "bookings": "Ne tient plus avec les rendez-vous réservés depuis le plan : "
        "replanifiez la journée.",
        "day": "Ne tient plus dans la journée telle qu’elle est réservée : replanifiez la journée.",
        "old_plan": OLD_PLAN,
    }
    assert plan_slots.Unfit("bookings").sentence("Le Relais") == (
        "« Le Relais » ne tient plus avec les rendez-vous réservés depuis le plan : "
        "replanifiez la journée."
    )
    assert plan_slots.OLD_PLAN == OLD_PLAN
