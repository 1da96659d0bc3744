"""Once a proposal is accepted off its planned minute, the others' slots are those of the day
as it is now: every minute shown passes the booking check and is accepted, a minute outside
is refused in French, and a proposal that no longer fits says why and is only rejected
(Camille's Tuesday in the demo company, planned with driving times in odd seconds)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict
from fieldcrm.services import account_agenda, plan_slots, planning
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, PlanRow, ProposalRow
from tests.services.test_day_booking import (
    CAMILLE,
    TUESDAY,
    OddSeconds,
    _day_plan,
    _settings,
    check_every_minute,
)

MINUTE = dt.timedelta(minutes=1)


def _current(db: Session, plan_id: int, now: dt.datetime | None = None) -> plan_slots.CurrentSlots:
    return plan_slots.current_slots(
        db, plans.get_plan(db, plan_id), settings=_settings(), travel=OddSeconds(), now=now
    )


def _decision(
    db: Session,
    p: ProposalRow,
    start: dt.datetime | None = None,
    *,
    accept: bool = True,
    now: dt.datetime | None = None,
) -> planning.Decision:
    """Camille decides ``p`` (at ``start``), on the demo's odd-second roads."""
    return planning.decide_proposal(
        db,
        actor=CAMILLE,
        proposal_id=p.id,
        accept=accept,
        start=start,
        settings=_settings(),
        travel=OddSeconds(),
        now=now,
    )


def _decide(db: Session, p: ProposalRow, start: dt.datetime | None, *, accept: bool = True) -> int:
    return _decision(db, p, start, accept=accept).appointment_id or 0


def _undo(db: Session, p: ProposalRow) -> None:
    """Back to an open proposal (its appointment deleted), to book it again."""
    db.execute(text("DELETE FROM appointments WHERE proposal_id = :p"), {"p": p.id})
    db.execute(
        text("UPDATE plan_proposals SET status = 'proposed', decided_at = NULL WHERE id = :p"),
        {"p": p.id},
    )


def _booked_at(db: Session, appointment_id: int) -> dt.datetime:
    found: dt.datetime = db.execute(
        text("SELECT starts_at FROM appointments WHERE id = :i"), {"i": appointment_id}
    ).scalar_one()
    return found


def _pair(plan: PlanRow) -> tuple[ProposalRow, ProposalRow, plan_slots.Bookable]:
    """Two proposals one after the other on the route, the first with 40 minutes of its slot
    after its planned minute and its latest start bound by the second's."""
    stale = plan_slots.bookable_slots(plan)
    by_account = {p.account_id: p for p in plan.proposals}
    stops = plan.result["days"][0]["stops"]
    for one, two in itertools.pairwise(stops):
        a, b = by_account.get(one["account_id"]), by_account.get(two["account_id"])
        if one["kind"] != "candidate" or two["kind"] != "candidate" or not a or not b:
            continue
        room = stale[a.id].last - stale[a.id].at
        gap = stale[b.id].last - stale[a.id].last - dt.timedelta(minutes=a.visit_minutes)
        if room >= dt.timedelta(minutes=40) and gap <= dt.timedelta(minutes=15):
            return a, b, stale[a.id]
    raise AssertionError("the demo Tuesday has two such proposals")


def test_the_next_slot_is_recomputed_after_an_accept_off_the_planned_minute(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    a, b, slot_a = _pair(plan)
    stale_b = plan_slots.bookable_slots(plan)[b.id]
    # A booked 40 minutes after its planned start, inside its slot
    at = slot_a.at + dt.timedelta(minutes=40)
    assert _booked_at(demo_db, _decide(demo_db, a, at)) == at
    now = _current(demo_db, plan.id)
    assert plans.get_proposal(demo_db, a.id).status == "accepted"
    assert now.unfit == {}
    new_b = now.bookable[b.id]
    assert new_b.first > stale_b.first, "B starts later now"
    assert new_b.first <= new_b.at <= new_b.last
    # every minute shown for every open proposal passes the booking check
    for p in plans.get_plan(demo_db, plan.id).proposals:
        if p.status != "proposed":
            continue
        assert check_every_minute(demo_db, p, now.bookable[p.id]) > 0
    # the first minute shown before is refused now, in French, with the slot of now
    with pytest.raises(Conflict) as refused:
        _decide(demo_db, b, stale_b.first)
    text_ = str(refused.value)
    assert "hors du créneau à réserver" in text_
    assert (
        f"entre {new_b.first.astimezone(PARIS):%H:%M} et {new_b.last.astimezone(PARIS):%H:%M}"
        in (text_)
    )
    with pytest.raises(Conflict, match="hors du créneau à réserver"):
        _decide(demo_db, b, new_b.first - MINUTE)
    with pytest.raises(Conflict, match="hors du créneau à réserver"):
        _decide(demo_db, b, new_b.last + MINUTE)
    assert plans.get_proposal(demo_db, b.id).status == "proposed"
    # both ends of the slot shown are booked
    assert _booked_at(demo_db, _decide(demo_db, b, new_b.first)) == new_b.first
    _undo(demo_db, b)
    assert _booked_at(demo_db, _decide(demo_db, b, new_b.last)) == new_b.last


def test_a_rejection_widens_the_slot_it_frees(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    a, b, slot_a = _pair(plan)
    _decide(demo_db, b, None, accept=False)
    now = _current(demo_db, plan.id)
    assert plans.get_proposal(demo_db, b.id).status == "rejected" and now.unfit == {}
    # A may now start later than its old slot allowed: a minute past it is booked
    assert now.bookable[a.id].last > slot_a.last
    late = slot_a.last + MINUTE
    assert _booked_at(demo_db, _decide(demo_db, a, late)) == late


def test_a_proposal_that_no_longer_fits_says_so_and_can_only_be_rejected(
    demo_db: Session,
) -> None:
    plan = _day_plan(demo_db)
    a, b, slot_a = _pair(plan)
    at = slot_a.at + dt.timedelta(minutes=40)
    assert _booked_at(demo_db, _decide(demo_db, a, at)) == at
    ends = at + dt.timedelta(minutes=a.visit_minutes)
    # something booked right at the end of A (no place: only its times count), to 17:30
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (4, 'Bloqué', :start, :end, 'confirmed')"""
        ),
        {"start": ends, "end": dt.datetime.combine(TUESDAY, dt.time(17, 30), tzinfo=PARIS)},
    )
    now = _current(demo_db, plan.id)
    assert b.id in now.unfit and b.id not in now.bookable
    said = now.unfit[b.id].sentence()
    assert said == (
        f"Ne tient plus depuis la réservation de « Bloqué » à {ends.astimezone(PARIS):%H:%M} : "
        "replanifiez la journée."
    )
    with pytest.raises(Conflict) as refused:
        _decide(demo_db, b, None)
    assert str(refused.value) == f"« {b.account_name} » {said[0].lower()}{said[1:]}"
    assert plans.get_proposal(demo_db, b.id).status == "proposed"
    _decide(demo_db, b, None, accept=False)
    assert plans.get_proposal(demo_db, b.id).status == "rejected"
    # the proposals before A still fit, with a slot
    earlier = [p for p in plan.proposals if p.slot_start < a.slot_start]
    assert earlier and all(p.id in now.bookable for p in earlier)


def test_the_account_page_shows_the_slot_of_now(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    a, b, slot_a = _pair(plan)
    stale_b = plan_slots.bookable_slots(plan)[b.id]
    _decide(demo_db, a, slot_a.at + dt.timedelta(minutes=40))
    new_b = _current(demo_db, plan.id).bookable[b.id]
    assert new_b.first != stale_b.first
    coming = account_agenda.account_agenda(
        demo_db,
        actor=CAMILLE,
        account_id=b.account_id,
        now=dt.datetime.combine(TUESDAY, dt.time(0, 0), tzinfo=PARIS),
    ).planned
    assert coming is not None and coming.proposal_id == b.id
    assert (coming.slot_start, coming.slot_end) == (new_b.first, new_b.last)
