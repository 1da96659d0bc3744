"""The account page's next planned visit leaves out a proposal booked elsewhere since its
plan by the one home of that rule (:func:`fieldcrm.services.plan_slots.booked_elsewhere`,
through the slots of now), not by a second check of its own that could disagree with it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import account_agenda, plan_slots
from fieldcrm.store import plans
from tests.services.test_day_booking import CAMILLE

LAMBDA = 1  # LAMBDA SARL, Camille's client


def _proposed(db: Session) -> int:
    """A plan of Camille's in five days proposing LAMBDA at 13:00 UTC; the proposal's id."""
    plan_id = db.execute(
        text("""INSERT INTO plans (rep_id, kind, day, status, request, result, created_at)
                VALUES (4, 'day', (now() + interval '5 days')::date, 'proposed', '{}', '{}',
                        now() - interval '1 hour') RETURNING id""")
    ).scalar_one()
    return int(
        db.execute(
            text("""INSERT INTO plan_proposals (plan_id, account_id, slot_start, slot_end,
                        detour_minutes, detour_km)
                    VALUES (:p, :a, date_trunc('day', now() + interval '5 days')
                              + interval '13 hours',
                            date_trunc('day', now() + interval '5 days')
                              + interval '13 hours 45 minutes', 5, 3)
                    RETURNING id"""),
            {"p": plan_id, "a": LAMBDA},
        ).scalar_one()
    )


def _planned(db: Session) -> int | None:
    coming = account_agenda.account_agenda(
        db, actor=CAMILLE, account_id=LAMBDA, now=dt.datetime.now(dt.UTC)
    ).planned
    return coming.proposal_id if coming is not None else None


def test_the_next_visit_follows_the_one_booked_elsewhere_rule(
    demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal_id = _proposed(demo_db)
    assert _planned(demo_db) == proposal_id
    # booked since the plan, two days before the proposed day
    demo_db.execute(
        text("""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at, status)
                VALUES (4, :a, 'Visite', date_trunc('day', now() + interval '3 days')
                          + interval '9 hours', date_trunc('day', now() + interval '3 days')
                          + interval '10 hours', 'confirmed')"""),
        {"a": LAMBDA},
    )
    plan = plans.get_plan(demo_db, plans.get_proposal(demo_db, proposal_id).plan_id)
    assert proposal_id in plan_slots.current_slots(demo_db, plan).booked
    assert _planned(demo_db) is None
    # the rule's one home says otherwise (its wording of « elsewhere » changed): so does the page
    monkeypatch.setattr(plan_slots, "booked_elsewhere", lambda *_a, **_k: {})
    assert _planned(demo_db) == proposal_id
