"""Planning use case on the demo company: corridor candidates, plans stored, proposals decided."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.corridor import DETOUR_FLOOR_M
from fieldcrm.services.planning_inputs import gather

TUESDAY = dt.date(2026, 4, 21)


def test_gather_camille_tuesday(demo_db: Session) -> None:
    inputs = gather(
        demo_db,
        rep_id=4,
        first_day=TUESDAY,
        last_day=TUESDAY,
        detour_km=5,
        max_candidates=30,
        tz="Europe/Paris",
    )
    assert inputs.rep.full_name == "Camille Martin"
    assert len(inputs.appointments) == 1
    assert len(inputs.corridor.legs) == 2  # home → appointment → home
    assert 0 < len(inputs.candidates) <= 30 * 3
    appt_accounts = {a.account_id for a in inputs.appointments}
    for c in inputs.candidates:
        assert inputs.corridor.admits(GeoPoint(c.lon, c.lat))
        assert c.id not in appt_accounts
        assert c.owner_id in (4, None)
    # the cut keeps the best value per detour along the route (ties by id)
    ratios = [c.score / (c.detour_m + DETOUR_FLOOR_M) for c in inputs.candidates]  # type: ignore[operator]
    assert ratios == sorted(ratios, reverse=True)


def test_gather_errors_name_the_problem(demo_db: Session) -> None:
    with pytest.raises(NotFound):
        gather(
            demo_db,
            rep_id=999_999,
            first_day=TUESDAY,
            last_day=TUESDAY,
            detour_km=5,
            max_candidates=10,
            tz="Europe/Paris",
        )
    with pytest.raises(InvalidInput) as err:
        gather(
            demo_db,
            rep_id=4,
            first_day=TUESDAY,
            last_day=TUESDAY - dt.timedelta(days=1),
            detour_km=5,
            max_candidates=10,
            tz="Europe/Paris",
        )
    assert err.value.field == "end_day"
    demo_db.execute(text("UPDATE users SET home = NULL WHERE id = 4"))
    with pytest.raises(InvalidInput) as err:
        gather(
            demo_db,
            rep_id=4,
            first_day=TUESDAY,
            last_day=TUESDAY,
            detour_km=5,
            max_candidates=10,
            tz="Europe/Paris",
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
            demo_db,
            rep_id=4,
            first_day=TUESDAY,
            last_day=TUESDAY,
            detour_km=5,
            max_candidates=10,
            tz="Europe/Paris",
        )
    assert err.value.field == f"appointments[{appt_id}]"


def test_100k_accounts_give_a_small_candidate_set(demo_db: Session) -> None:
    """A hundred thousand accounts spread over France: the corridor keeps a handful."""
    demo_db.execute(
        text(
            """WITH added AS (
               INSERT INTO accounts (name, kind, geom, geocode_status, potential_eur_month)
               SELECT 'GEN ' || g,
                      CASE WHEN g % 3 = 0 THEN 'client' ELSE 'prospect' END,
                      ST_SetSRID(ST_MakePoint(-4.5 + 12.0 * ((g * 7919) % 100003) / 100003.0,
                                              42.5 + 8.5 * ((g * 104729) % 99991) / 99991.0),
                                 4326),
                      'matched', (g % 500)::numeric
               FROM generate_series(1::bigint, 100000::bigint) AS g
               RETURNING id)
               INSERT INTO account_assignments (account_id, owner_id)
               SELECT id, 4 FROM added WHERE id % 2 = 0"""
        )
    )
    total = demo_db.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    assert total >= 100_000
    inputs = gather(
        demo_db,
        rep_id=4,
        first_day=TUESDAY,
        last_day=TUESDAY,
        detour_km=10,
        max_candidates=40,
        tz="Europe/Paris",
    )
    generated_inside = demo_db.execute(
        text(
            "SELECT count(*) FROM accounts WHERE name LIKE 'GEN %' "
            "AND ST_Intersects(geom, ST_GeomFromText(:w, 4326))"
        ),
        {"w": inputs.corridor.wkt},
    ).scalar_one()
    assert generated_inside < 200  # of 100 000: the corridor is a few hundred km²
    assert len(inputs.candidates) <= 40 * 3
    assert inputs.in_polygon <= 155  # the query is LIMITed, not 100 000 matrix rows
    assert all(inputs.corridor.admits(GeoPoint(c.lon, c.lat)) for c in inputs.candidates)


def _stored_plan(demo: Session) -> int:
    from fieldcrm.store import plans
    from fieldcrm.store.plans import PARIS, NewProposal

    account_id = demo.execute(
        text("SELECT account_id FROM account_assignments WHERE owner_id = 4 ORDER BY 1 LIMIT 1")
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


def _settings():
    from fieldcrm.config import Settings

    return Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)


def test_plan_day_camille_tuesday(demo_db: Session) -> None:
    from fieldcrm.auth.roles import Actor, Role
    from fieldcrm.services import planning
    from fieldcrm.store.plans import PARIS

    camille = Actor(4, Role.REP)
    plan = planning.plan_day(
        demo_db, actor=camille, rep_id=4, day=TUESDAY, time_limit_s=1, settings=_settings()
    )
    doc = planning.plan_json(plan)
    assert doc["kind"] == "day" and doc["day"] == TUESDAY.isoformat()
    (day,) = doc["result"]["days"]
    appts = [s for s in day["stops"] if s["kind"] == "appointment"]
    assert len(appts) == 1
    assert dt.datetime.fromisoformat(appts[0]["start"]).astimezone(PARIS).time() == dt.time(10)
    proposed = [s for s in day["stops"] if s["kind"] == "candidate"]
    assert proposed and len(plan.proposals) == len(proposed)
    from fieldcrm.services.roads import road_provider

    inputs = gather(  # the same corridor as plan_day's: along the road route
        demo_db,
        rep_id=4,
        first_day=TUESDAY,
        last_day=TUESDAY,
        detour_km=5,
        max_candidates=12,
        tz="Europe/Paris",
        roads=road_provider(_settings()),
    )
    allowed = {c.id for c in inputs.candidates}
    for stop in proposed:
        assert stop["account_id"] in allowed  # inside the corridor, visible to Camille
        assert inputs.corridor.admits(GeoPoint(stop["lon"], stop["lat"]))
        assert stop["proposal_id"] is not None and stop["status"] == "proposed"
        # the slot is in whole bookable minutes: the planned start (to the second) lies less
        # than a minute before its rounded-up start
        start = dt.datetime.fromisoformat(stop["start"])
        first = dt.datetime.fromisoformat(stop["slot_start"])
        assert (
            first - dt.timedelta(minutes=1) < start <= dt.datetime.fromisoformat(stop["slot_end"])
        )
        assert first.second == 0
        hours = demo_db.execute(
            text("SELECT opening_hours FROM accounts WHERE id = :i"), {"i": stop["account_id"]}
        ).scalar_one()
        start = dt.datetime.fromisoformat(stop["start"]).astimezone(PARIS).strftime("%H:%M")
        end = dt.datetime.fromisoformat(stop["departure"]).astimezone(PARIS).strftime("%H:%M")
        assert any(a <= start and end <= b for a, b in hours["tue"])
    assert doc["result"]["value_eur"] == pytest.approx(
        sum(s["value_eur"] for s in proposed), abs=0.05
    )
    assert doc["result"]["travel"] == "graph"  # Camille's day lies on the shipped Monaco roads
    assert planning.list_plans(demo_db, actor=camille, rep_id=4, day=TUESDAY)[0].id == plan.id


def test_plan_day_errors(demo_db: Session) -> None:
    from fieldcrm.auth.roles import Actor, Role
    from fieldcrm.errors import Forbidden, Infeasible
    from fieldcrm.services import planning

    with pytest.raises(Forbidden):
        planning.plan_day(demo_db, actor=Actor(5, Role.REP), rep_id=4, day=TUESDAY)
    demo_db.execute(
        text(
            "UPDATE appointments SET starts_at = starts_at - interval '4 hours', "
            "ends_at = ends_at - interval '4 hours' WHERE rep_id = 4 AND starts_at::date = :d"
        ),
        {"d": TUESDAY},
    )
    with pytest.raises(InvalidInput, match="outside working hours"):
        planning.plan_day(
            demo_db, actor=Actor(4, Role.REP), rep_id=4, day=TUESDAY, settings=_settings()
        )
    demo_db.execute(
        text(
            "UPDATE appointments SET starts_at = starts_at + interval '4 hours', "
            "ends_at = ends_at + interval '4 hours' WHERE rep_id = 4 AND starts_at::date = :d"
        ),
        {"d": TUESDAY},
    )
    # A second appointment in Paris an hour after the Monaco one cannot be reached.
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, geom)
               VALUES (4, 'Salon Paris', '2026-04-21 11:30+02', '2026-04-21 12:00+02',
                       ST_SetSRID(ST_MakePoint(2.35, 48.85), 4326))"""
        )
    )
    with pytest.raises(Infeasible, match="Salon Paris"):
        planning.plan_day(
            demo_db, actor=Actor(4, Role.REP), rep_id=4, day=TUESDAY, settings=_settings()
        )


def test_plan_trip_sophie_overnight(demo_db: Session) -> None:
    from fieldcrm.auth.roles import SYSTEM
    from fieldcrm.errors import Infeasible
    from fieldcrm.services import planning

    trip = {
        "actor": SYSTEM,
        "rep_id": 6,
        "start_day": dt.date(2026, 4, 21),
        "end_day": dt.date(2026, 4, 24),
        "time_limit_s": 2,
        "settings": _settings(),
    }
    # With at most 8 h of driving a day, Antibes → Paris (8 h 30) cannot be done on Tuesday.
    demo_db.execute(text("UPDATE users SET max_driving_minutes = 480 WHERE id = 6"))
    with pytest.raises(Infeasible, match="driving"):
        planning.plan_trip(demo_db, **trip)
    demo_db.execute(text("UPDATE users SET max_driving_minutes = 540 WHERE id = 6"))
    plan = planning.plan_trip(demo_db, **trip)
    doc = planning.plan_json(plan)
    assert doc["kind"] == "trip" and doc["end_day"] == "2026-04-24"
    decision = doc["result"]["overnight"]
    # Paris at 10:00 on Wednesday cannot be reached from Antibes the same morning.
    assert (
        decision["home"]["feasible"] is False and "cannot be reached" in decision["home"]["error"]
    )
    assert decision["recommendation"] == "stay" and decision["stay"]["feasible"]
    assert decision["stay"]["hotel_and_meals_eur"] > 0
    days = doc["result"]["days"]
    assert [d["day"] for d in days] == ["2026-04-21", "2026-04-22", "2026-04-23", "2026-04-24"]
    appts = [s for d in days for s in d["stops"] if s["kind"] == "appointment"]
    assert [s["start"][11:16] for s in appts] == ["10:00", "11:00"]
    visited = [s["account_id"] for d in days for s in d["stops"] if s["kind"] == "candidate"]
    assert len(visited) == len(set(visited))  # a candidate is visited once per trip


def test_plan_trip_anchor_must_be_in_the_trip(demo_db: Session) -> None:
    from fieldcrm.auth.roles import SYSTEM
    from fieldcrm.services import planning

    paris_id = demo_db.execute(
        text("SELECT id FROM appointments WHERE rep_id = 6 ORDER BY starts_at LIMIT 1")
    ).scalar_one()
    with pytest.raises(InvalidInput) as err:
        planning.plan_trip(
            demo_db,
            actor=SYSTEM,
            rep_id=6,
            start_day=dt.date(2026, 4, 27),
            end_day=dt.date(2026, 4, 28),
            anchor_appointment_id=paris_id,
            settings=_settings(),
        )
    assert err.value.field == "anchor_appointment_id"


def test_crowfly_engine_and_france_wide_points(demo_db: Session) -> None:
    from fieldcrm.config import Settings
    from fieldcrm.services import planning

    crow = Settings(_env_file=None, routing_engine="crowfly")
    assert planning.road_provider(crow) is None
    graph = planning.road_provider(Settings(_env_file=None))
    assert graph is not None and graph.name == "graph"
    from fieldcrm.services.planning_build import travel_matrix

    nice, paris = GeoPoint(7.2620, 43.7000), GeoPoint(2.35, 48.85)
    monaco = GeoPoint(7.4246, 43.7384)
    matrix, name = travel_matrix([monaco, nice, paris], graph)
    assert name in ("graph+crowfly", "crowfly")
    # About eight and a half hours to Paris, not the day an urban calibration would give.
    assert 8 * 3600 < matrix.seconds[0, 2] < 9 * 3600


def test_decisions_stick_when_replanning(demo_db: Session) -> None:
    """Accepted visits stay as appointments, rejected and booked accounts are not proposed again."""
    from fieldcrm.auth.roles import Actor, Role
    from fieldcrm.services import planning

    camille = Actor(4, Role.REP)

    def replan(day: dt.date = TUESDAY) -> dict:  # type: ignore[type-arg]
        plan = planning.plan_day(demo_db, actor=camille, rep_id=4, day=day, settings=_settings())
        return planning.plan_json(plan)

    first = replan()
    proposals = first["proposals"]
    assert len(proposals) >= 2
    accepted, rejected = proposals[0], proposals[1]
    planning.decide_proposal(demo_db, actor=camille, proposal_id=accepted["id"], accept=True)
    planning.decide_proposal(demo_db, actor=camille, proposal_id=rejected["id"], accept=False)
    second = replan()
    stops = [s for d in second["result"]["days"] for s in d["stops"]]
    kept = [s for s in stops if s["account_id"] == accepted["account_id"]]
    assert [s["kind"] for s in kept] == ["appointment"], "the accepted visit is a fixed appointment"
    proposed = {p["account_id"] for p in second["proposals"]}
    assert rejected["account_id"] not in proposed
    assert accepted["account_id"] not in proposed
    wednesday = replan(TUESDAY + dt.timedelta(days=1))
    later = {p["account_id"] for p in wednesday["proposals"]}
    assert rejected["account_id"] not in later and accepted["account_id"] not in later


def test_a_refusal_for_a_day_weeks_ahead_holds_when_that_day_is_planned_again(
    demo_db: Session,
) -> None:
    """QA: refused today for a day five weeks ahead, the account came back on « Replanifier »
    (only refusals decided within 14 days before the planned day counted)."""
    from fieldcrm.auth.roles import Actor, Role
    from fieldcrm.services import planning

    camille = Actor(4, Role.REP)
    day = dt.date.today() + dt.timedelta(days=35)
    while day.weekday() >= 5 or (day.month, day.day) in ((1, 1), (5, 1), (5, 8), (12, 25)):
        day += dt.timedelta(days=1)

    def proposed(on: dt.date) -> list[dict]:  # type: ignore[type-arg]
        plan = planning.plan_day(demo_db, actor=camille, rep_id=4, day=on, settings=_settings())
        return planning.plan_json(plan)["proposals"]  # type: ignore[no-any-return]

    refused = proposed(day)[0]
    planning.decide_proposal(demo_db, actor=camille, proposal_id=refused["id"], accept=False)
    assert refused["account_id"] not in {p["account_id"] for p in proposed(day)}
    next_day = day + dt.timedelta(days=1 if day.weekday() < 4 else 3)
    assert refused["account_id"] not in {p["account_id"] for p in proposed(next_day)}


def test_a_sunday_says_it_is_not_worked(demo_db: Session) -> None:
    from fieldcrm.auth.roles import Actor, Role
    from fieldcrm.http.error_text import describe, describe_message
    from fieldcrm.services import planning

    sunday = dt.date(2026, 4, 26)
    with pytest.raises(InvalidInput, match="weekend") as err:
        planning.plan_day(
            demo_db, actor=Actor(4, Role.REP), rep_id=4, day=sunday, settings=_settings()
        )
    assert err.value.field == "day"
    assert describe(err.value) == (
        "Le dimanche 26 avril 2026 tombe un week-end : choisissez un jour ouvré, ou un jour où"
        " un rendez-vous est pris."
    )
    # as a failed job stores it, and its page shows it
    assert describe_message(str(err.value)) == describe(err.value)
    trip = planning.plan_trip(
        demo_db,
        actor=Actor(4, Role.REP),
        rep_id=4,
        start_day=dt.date(2026, 4, 24),
        end_day=dt.date(2026, 4, 27),
        settings=_settings(),
    )
    days = [d["day"] for d in planning.plan_json(trip)["result"]["days"]]
    assert days == ["2026-04-24", "2026-04-27"], "Friday and Monday; the weekend is off"


def test_odd_account_data_never_breaks_a_plan(demo_db: Session) -> None:
    """Opening hours in a free-text shape, a negative visit length, hours outside the working
    day: the plan is made, and such an account is never proposed outside its hours."""
    from fieldcrm.auth.roles import Actor, Role
    from fieldcrm.services import planning

    # three accounts the plan offers to its solver (proposed, or left out after solving)
    first = planning.plan_json(
        planning.plan_day(
            demo_db, actor=Actor(4, Role.REP), rep_id=4, day=TUESDAY, settings=_settings()
        )
    )
    offered = [p["account_id"] for p in first["proposals"]] + [
        o["account_id"] for o in first["result"]["omissions"] if o["reason"] != "cut"
    ]
    odd, late, short = offered[:3]
    demo_db.execute(
        text("UPDATE accounts SET opening_hours = '\"lun-ven 9h-18h\"'::jsonb WHERE id = :i"),
        {"i": odd},
    )
    demo_db.execute(
        text(
            """UPDATE accounts SET opening_hours = '{"tue": [["19:00", "21:00"]]}'::jsonb
               WHERE id = :i"""
        ),
        {"i": late},
    )
    demo_db.execute(text("UPDATE accounts SET visit_minutes = -30 WHERE id = :i"), {"i": short})
    plan = planning.plan_day(
        demo_db, actor=Actor(4, Role.REP), rep_id=4, day=TUESDAY, settings=_settings()
    )
    doc = planning.plan_json(plan)
    proposed = {p["account_id"] for p in doc["proposals"]}
    assert late not in proposed
    reasons = {o["account_id"]: o["reason"] for o in doc["result"]["omissions"]}
    assert reasons.get(late) == "closed", "open only after the working day: closed for the plan"
