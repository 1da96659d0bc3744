"""Planning use case on the demo company: corridor candidates, plans stored, proposals decided."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.services.planning_inputs import gather

TUESDAY = dt.date(2026, 4, 21)


def test_gather_camille_tuesday(demo_db: Session) -> None:
    inputs = gather(
        demo_db, rep_id=4, first_day=TUESDAY, last_day=TUESDAY, detour_km=5, max_candidates=30
    )
    assert inputs.rep.full_name == "Camille Martin"
    assert len(inputs.appointments) == 1
    assert len(inputs.corridor.legs) == 2  # home → appointment → home
    assert 0 < len(inputs.candidates) <= 30
    appt_accounts = {a.account_id for a in inputs.appointments}
    for c in inputs.candidates:
        assert inputs.corridor.admits(GeoPoint(c.lon, c.lat))
        assert c.id not in appt_accounts
        assert c.owner_id in (4, None)
    scores = [c.score for c in inputs.candidates]
    assert scores == sorted(scores, reverse=True)


def test_gather_errors_name_the_problem(demo_db: Session) -> None:
    with pytest.raises(NotFound):
        gather(
            demo_db,
            rep_id=999_999,
            first_day=TUESDAY,
            last_day=TUESDAY,
            detour_km=5,
            max_candidates=10,
        )
    with pytest.raises(InvalidInput) as err:
        gather(
            demo_db,
            rep_id=4,
            first_day=TUESDAY,
            last_day=TUESDAY - dt.timedelta(days=1),
            detour_km=5,
            max_candidates=10,
        )
    assert err.value.field == "end_day"
    demo_db.execute(text("UPDATE users SET home = NULL WHERE id = 4"))
    with pytest.raises(InvalidInput) as err:
        gather(
            demo_db, rep_id=4, first_day=TUESDAY, last_day=TUESDAY, detour_km=5, max_candidates=10
        )
    assert err.value.field == "home"


def test_unlocated_appointment_is_named(demo_db: Session) -> None:
    appt_id = demo_db.execute(
        text(
            "UPDATE appointments SET geom = NULL WHERE rep_id = 4 AND starts_at::date = :d "
            "RETURNING id"
        ),
        {"d": TUESDAY},
    ).scalar_one()
    with pytest.raises(InvalidInput) as err:
        gather(
            demo_db, rep_id=4, first_day=TUESDAY, last_day=TUESDAY, detour_km=5, max_candidates=10
        )
    assert err.value.field == f"appointments[{appt_id}]"


def test_100k_accounts_give_a_small_candidate_set(demo_db: Session) -> None:
    """A hundred thousand accounts spread over France: the corridor keeps a handful."""
    demo_db.execute(
        text(
            """INSERT INTO accounts (name, kind, owner_id, geom, geocode_status, potential_eur_month)
               SELECT 'GEN ' || g,
                      CASE WHEN g % 3 = 0 THEN 'client' ELSE 'prospect' END,
                      CASE WHEN g % 2 = 0 THEN 4 ELSE NULL END,
                      ST_SetSRID(ST_MakePoint(-4.5 + 12.0 * ((g * 7919) % 100003) / 100003.0,
                                              42.5 + 8.5 * ((g * 104729) % 99991) / 99991.0),
                                 4326),
                      'matched', (g % 500)::numeric
               FROM generate_series(1::bigint, 100000::bigint) AS g"""
        )
    )
    total = demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    assert total >= 100_000
    inputs = gather(
        demo_db, rep_id=4, first_day=TUESDAY, last_day=TUESDAY, detour_km=10, max_candidates=40
    )
    generated_inside = demo_db.execute(
        text(
            "SELECT count(*) FROM accounts WHERE name LIKE 'GEN %' "
            "AND ST_Intersects(geom, ST_GeomFromText(:w, 4326))"
        ),
        {"w": inputs.corridor.wkt},
    ).scalar_one()
    assert generated_inside < 200  # of 100 000: the corridor is a few hundred km²
    assert len(inputs.candidates) <= 40
    assert inputs.in_polygon <= 55  # the query is LIMITed, not 100 000 matrix rows
    assert all(inputs.corridor.admits(GeoPoint(c.lon, c.lat)) for c in inputs.candidates)


def _stored_plan(demo: Session) -> int:
    from fieldcrm.store import plans
    from fieldcrm.store.plans import PARIS, NewProposal

    account_id = demo.execute(
        text("SELECT id FROM accounts WHERE owner_id = 4 ORDER BY id LIMIT 1")
    ).scalar_one()
    start = dt.datetime(2026, 4, 21, 15, 0, tzinfo=PARIS)
    return plans.save_plan(
        demo,
        rep_id=4,
        kind="day",
        day=TUESDAY,
        end_day=None,
        request={},
        result={},
        created_by=4,
        proposals=[NewProposal(account_id, start, start + dt.timedelta(minutes=20), 5.0, 3.0)],
    )


def test_decide_authorises_on_the_plans_rep(demo_db: Session) -> None:
    from fieldcrm.auth.roles import Actor, Role
    from fieldcrm.errors import Conflict, Forbidden
    from fieldcrm.services import planning

    plan_id = _stored_plan(demo_db)
    proposal_id = (
        planning.get_plan(demo_db, actor=Actor(4, Role.REP), plan_id=plan_id).proposals[0].id
    )
    julien = Actor(5, Role.REP)
    with pytest.raises(Forbidden):
        planning.decide_proposal(demo_db, actor=julien, proposal_id=proposal_id, accept=True)
    with pytest.raises(Forbidden):
        planning.list_plans(demo_db, actor=julien, rep_id=4)
    manager = Actor(1, Role.MANAGER, team=frozenset({4, 5, 6}))
    decision = planning.decide_proposal(
        demo_db, actor=manager, proposal_id=proposal_id, accept=True
    )
    assert decision.appointment_id is not None
    assert decision.to_json()["proposal"]["status"] == "accepted"
    with pytest.raises(Conflict):
        planning.decide_proposal(demo_db, actor=manager, proposal_id=proposal_id, accept=True)
