"""A proposed visit whose account gets booked elsewhere since the plan — on another day from
that day's plan, in the agenda, or by moving an appointment there — holds no time of its
day: it has no slot, cannot be accepted (« Déjà réservé le … »), and its neighbours' slots
are those of the day without it, exactly as if it had been refused; every minute they show
passes the booking check. Booked on its own day apart from the card (the agenda), it is
booked as if accepted (Camille's Tuesday in the demo company, odd-second roads)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict
from fieldcrm.services import appointments, plan_slots
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, ProposalRow
from tests.services.test_day_booking import (
    CAMILLE,
    TUESDAY,
    OddSeconds,
    _day_plan,
    _settings,
    _stored,
    check_every_minute,
)
from tests.services.test_slots_after_booking import _booked_at, _current, _decide, _pair, _undo

WEDNESDAY = TUESDAY + dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def _book_wednesday(db: Session, p: ProposalRow, how: str) -> int:
    """Book ``p``'s account on Wednesday at 15:00 (or 15:01): accepting Wednesday's own plan,
    creating it in the agenda, or moving there an appointment booked before the plan, far
    from Tuesday; the appointment's id."""
    if how == "wednesday_plan":
        wednesday = plans.get_plan(db, _stored(db, WEDNESDAY, 15, p.account_id))
        return _decide(db, wednesday.proposals[0], None)
    far = TUESDAY + dt.timedelta(days=40)
    made = appointments.create_appointment(
        db,
        actor=CAMILLE,
        rep_id=4,
        draft=appointments.Draft(
            day=WEDNESDAY if how == "agenda" else far,
            time=dt.time(15, 0),
            duration_minutes=30,
            place=appointments.Place(account_id=p.account_id),
        ),
        settings=_settings(),
        travel=OddSeconds(),
    )
    if how == "moved":
        db.execute(  # known before the plan, as it was
            text(
                "UPDATE appointments SET created_at = created_at - interval '1 day',"
                " updated_at = updated_at - interval '1 day' WHERE id = :i"
            ),
            {"i": made.id},
        )
        appointments.move_appointment(
            db,
            actor=CAMILLE,
            appointment_id=made.id,
            changes=appointments.Changes(day=WEDNESDAY),
            settings=_settings(),
            travel=OddSeconds(),
        )
    return made.id


def _slots(now: plan_slots.CurrentSlots, ids: set[int]) -> dict[int, tuple[dt.datetime, ...]]:
    return {i: (now.bookable[i].first, now.bookable[i].last, now.bookable[i].at) for i in ids}


@pytest.mark.parametrize("how", ["wednesday_plan", "agenda", "moved"])
def test_a_visit_booked_on_another_day_gives_its_time_back_as_a_refusal_would(
    demo_db: Session, how: str
) -> None:
    plan = _day_plan(demo_db)
    a, x, slot_a = _pair(plan)  # A's latest start is bound by X's
    others = {p.id for p in plan.proposals} - {x.id}
    before = _current(demo_db, plan.id)
    assert x.id in before.bookable and before.booked == {}
    booking = _book_wednesday(demo_db, x, how)
    booked_at = _booked_at(demo_db, booking)
    assert booked_at.astimezone(PARIS).date() == WEDNESDAY
    now = _current(demo_db, plan.id)
    # X holds no time on Tuesday: neither a slot nor a reason, the booking that took it
    assert set(now.booked) == {x.id} and now.booked[x.id].appointment_id == booking
    assert now.booked[x.id].starts_at == booked_at
    assert x.id not in now.bookable and x.id not in now.unfit and now.unfit == {}
    # its neighbour may now start later than X allowed, and the others lose nothing
    assert now.bookable[a.id].last > slot_a.last
    for i in others:
        assert now.bookable[i].first <= before.bookable[i].first
        assert now.bookable[i].last >= before.bookable[i].last
    released = _slots(now, others)
    # every minute shown passes the booking check
    for p in plans.get_plan(demo_db, plan.id).proposals:
        if p.id in others:
            assert check_every_minute(demo_db, p, now.bookable[p.id]) > 0
    # accepting X on Tuesday is refused in French, nothing written
    when = booked_at.astimezone(PARIS)
    with pytest.raises(Conflict) as refused:
        _decide(demo_db, x, None)
    assert str(refused.value) == (
        f"« {x.account_name} » est déjà réservé le {when:%d/%m/%Y} à {when:%H:%M} : "
        "la visite n’est plus proposée."
    )
    assert plans.get_proposal(demo_db, x.id).status == "proposed"
    # a minute X used to forbid its neighbour is booked
    late = slot_a.last + MINUTE
    assert late <= now.bookable[a.id].last
    assert _booked_at(demo_db, _decide(demo_db, a, late)) == late
    _undo(demo_db, a)
    # the Wednesday booking cancelled, X holds its time again, as before
    appointments.cancel_appointment(demo_db, actor=CAMILLE, appointment_id=booking)
    again = _current(demo_db, plan.id)
    assert again.booked == {}
    assert _slots(again, others | {x.id}) == _slots(before, others | {x.id})
    # the day without X is the day where X was refused: the same slots, to the minute
    _decide(demo_db, x, None, accept=False)
    assert _slots(_current(demo_db, plan.id), others) == released


def test_the_same_account_booked_the_same_day_apart_from_its_card(demo_db: Session) -> None:
    """X booked on Tuesday itself in the agenda (not from its card): the booking is X's visit,
    as if accepted — X accepted, the appointment linked to it, neither booked elsewhere nor
    open —, and every slot shown around it passes the booking check."""
    plan = _day_plan(demo_db)
    _a, x, _slot = _pair(plan)
    start = x.slot_start.astimezone(PARIS)
    made = appointments.create_appointment(
        demo_db,
        actor=CAMILLE,
        rep_id=4,
        draft=appointments.Draft(
            day=TUESDAY,
            time=dt.time(start.hour, start.minute),
            duration_minutes=x.visit_minutes,
            place=appointments.Place(account_id=x.account_id),
        ),
        settings=_settings(),
        travel=OddSeconds(),
    )
    assert made.proposal_id == x.id
    assert plans.get_proposal(demo_db, x.id).status == "accepted"
    now = _current(demo_db, plan.id)
    assert now.booked == {} and x.id not in now.unfit
    shown = [p for p in plan.proposals if p.id in now.bookable and p.id != x.id]
    assert len(shown) + len(now.unfit) == len(plan.proposals) - 1 and shown
    for p in shown:
        assert check_every_minute(demo_db, p, now.bookable[p.id]) > 0
