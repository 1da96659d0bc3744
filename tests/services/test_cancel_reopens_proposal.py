"""Cancelling the appointment an accepted proposal booked gives the visit back: the proposal
is open again (``proposed``, undecided) and can be booked again; cancelling an old, already
cancelled appointment of a proposal booked since changes nothing; another rep cannot cancel
(nothing written); an appointment booked by hand leaves the proposals alone."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Forbidden
from fieldcrm.services import appointments
from fieldcrm.store import plans
from fieldcrm.store.plans import ProposalRow
from tests.rows import row
from tests.services.test_day_booking import CAMILLE, TUESDAY, _day_plan
from tests.services.test_slots_after_booking import _decide

OTHER_REP = Actor(5, Role.REP)


def _state(db: Session, p: ProposalRow) -> tuple[object, ...]:
    return row(db, "SELECT status, decided_at IS NULL FROM plan_proposals WHERE id = :p", p=p.id)


def _statuses(db: Session, p: ProposalRow) -> list[tuple[int, str]]:
    return [
        (int(i), str(s))
        for i, s in db.execute(
            text("SELECT id, status FROM appointments WHERE proposal_id = :p ORDER BY id"),
            {"p": p.id},
        ).all()
    ]


def test_cancelling_a_booked_visit_opens_its_proposal_again(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    first = plan.proposals[0]
    booked = _decide(demo_db, first, None)
    assert _state(demo_db, first) == ("accepted", False)

    done = appointments.cancel_appointment(demo_db, actor=CAMILLE, appointment_id=booked)
    assert done.status == "cancelled" and done.proposal_id == first.id
    assert _state(demo_db, first) == ("proposed", True)
    assert plans.get_proposal(demo_db, first.id).decided_at is None

    # booked again: a second appointment, the first one stays cancelled
    again = _decide(demo_db, first, None)
    assert again != booked
    assert _statuses(demo_db, first) == [(booked, "cancelled"), (again, "confirmed")]
    assert _state(demo_db, first) == ("accepted", False)

    # cancelling the old one again is a no-op: the new booking keeps its proposal accepted
    appointments.cancel_appointment(demo_db, actor=CAMILLE, appointment_id=booked)
    assert _state(demo_db, first) == ("accepted", False)
    assert _statuses(demo_db, first) == [(booked, "cancelled"), (again, "confirmed")]


def test_another_rep_cannot_cancel_and_nothing_is_written(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    first = plan.proposals[0]
    booked = _decide(demo_db, first, None)
    with pytest.raises(Forbidden):
        appointments.cancel_appointment(demo_db, actor=OTHER_REP, appointment_id=booked)
    assert _state(demo_db, first) == ("accepted", False)
    assert _statuses(demo_db, first) == [(booked, "confirmed")]


def test_an_appointment_booked_by_hand_leaves_proposals_alone(demo_db: Session) -> None:
    plan = _day_plan(demo_db)
    first, second = plan.proposals[0], plan.proposals[1]
    _decide(demo_db, first, None)
    _decide(demo_db, second, None, accept=False)
    made = appointments.create_appointment(
        demo_db,
        actor=CAMILLE,
        rep_id=4,
        draft=appointments.Draft(
            day=TUESDAY + dt.timedelta(days=1),
            time=dt.time(7, 0),
            duration_minutes=30,
            place=appointments.Place(address="Place du Casino, 98000 Monaco"),
            title="Main",
        ),
    )
    assert made.proposal_id is None
    appointments.cancel_appointment(demo_db, actor=CAMILLE, appointment_id=made.id)
    assert _state(demo_db, first) == ("accepted", False)
    assert _state(demo_db, second) == ("rejected", False)
