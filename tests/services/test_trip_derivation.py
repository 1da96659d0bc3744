"""Trips derived when their inputs change, never on a read; doubtful places listed, not summed;
each planned day counted once."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import Conflict, Forbidden, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.services import costs, geocoding, planning, visits
from fieldcrm.store import jobs as job_store

CLAIRE = Actor(1, Role.MANAGER, team=frozenset({4, 5, 6}))
CAMILLE = Actor(4, Role.REP)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def settings() -> Settings:
    return Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)


def _trips(session: Session) -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in session.execute(
            text("SELECT id, rep_id, kind, start_day, km FROM trips ORDER BY id")
        )
    ]


def test_concurrent_views_of_the_costs_create_and_change_nothing(demo_engine: Engine) -> None:
    """Three directors open the same month at once: no trip is created, changed or doubled."""
    with Session(demo_engine) as session:
        before = _trips(session)
    assert before
    errors: list[BaseException] = []
    writes: list[str] = []

    def spy(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    def view() -> None:
        try:
            with Session(demo_engine) as session:
                costs.travel_report(
                    session, actor=CLAIRE, settings=settings(), start=MARCH[0], end=MARCH[1]
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    event.listen(demo_engine, "before_cursor_execute", spy)

    threads = [threading.Thread(target=view) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    event.remove(demo_engine, "before_cursor_execute", spy)
    assert errors == [] and writes == []  # a read writes nothing
    with Session(demo_engine) as session:
        assert _trips(session) == before


def test_a_visit_queues_the_derivation_and_the_report_reads_it_once_derived(
    demo_db: Session,
) -> None:
    """The report only reads: a new check-in changes nothing until its trip is derived (the
    worker's job queued by the check-in), then it is counted."""
    day = dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)
    account = demo_db.execute(
        text("""SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id
                WHERE s.owner_id = 4 AND a.geocode_status = 'matched' ORDER BY a.id LIMIT 1""")
    ).scalar_one()
    before = costs.travel_report(
        demo_db, actor=CLAIRE, settings=settings(), start=MARCH[0], end=MARCH[1]
    )
    visits.record_visit(
        demo_db, actor=CAMILLE, account_id=account, client_key="derive-test-1", at=day
    )
    queued = (
        demo_db.execute(
            text("SELECT args FROM procrastinate_jobs WHERE task_name = :t AND status = 'todo'"),
            {"t": job_store.DERIVE_TRIPS},
        )
        .scalars()
        .all()
    )
    assert queued == [{"rep_id": 4, "year": 2026}]
    (rules_at,) = demo_db.execute(
        text("""SELECT scheduled_at - now() FROM procrastinate_jobs
                WHERE task_name = :t AND status = 'todo'"""),
        {"t": job_store.EVALUATE_RULES},
    ).scalars()
    assert dt.timedelta(minutes=4) < rules_at < dt.timedelta(minutes=5, seconds=30)  # settles first
    unchanged = costs.travel_report(
        demo_db, actor=CLAIRE, settings=settings(), start=MARCH[0], end=MARCH[1]
    )
    assert unchanged.total.actual.visits == before.total.actual.visits
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[4])
    after = costs.travel_report(
        demo_db, actor=CLAIRE, settings=settings(), start=MARCH[0], end=MARCH[1]
    )
    assert after.total.actual.visits == before.total.actual.visits + 1


def test_an_account_misplaced_800_km_away_is_listed_and_its_km_are_not_counted(
    demo_db: Session,
) -> None:
    """Eleven Monaco accounts put in Mosnac (Charente-Maritime) by a confident wrong geocode:
    Camille's month stays plausible and each of those accounts is listed "à vérifier"."""
    base = costs.travel_report(
        demo_db, actor=CAMILLE, settings=settings(), start=MARCH[0], end=MARCH[1]
    )
    # one account a day: two neighbours misplaced together would be driven between at 0 km
    moved = demo_db.execute(
        text("""UPDATE accounts SET geom = ST_SetSRID(ST_MakePoint(-0.52, 45.50), 4326)
                WHERE id IN (SELECT account_id FROM (
                                 SELECT DISTINCT ON (v.occurred_at::date) v.account_id
                                   FROM activities v
                                  WHERE v.rep_id = 4 AND v.kind = 'visit' AND v.checkin IS NULL
                                    AND v.occurred_at >= '2026-03-01'
                                    AND v.occurred_at < '2026-04-01'
                                  ORDER BY v.occurred_at::date, v.account_id) AS one_a_day
                             ORDER BY 1 LIMIT 11)
                RETURNING id, name""")
    ).all()
    assert len(moved) == 11
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[4])
    report = costs.travel_report(
        demo_db, actor=CAMILLE, settings=settings(), start=MARCH[0], end=MARCH[1]
    )
    actual = [c.trip for c in report.trips if c.trip.kind == "actual"]
    for trip in actual:
        assert trip.km <= trip.driving_s / 3600 * 130 + 0.01
        assert trip.km <= 1500 * trip.days
    assert report.total.actual.km <= base.total.actual.km + 1  # no 8 000 km month
    listed = {c.account_id for t in actual for c in t.to_check}
    assert {account_id for account_id, _ in moved} <= listed
    assert report.total.actual.visits == base.total.actual.visits  # the visits still count

    # the same accounts flagged "to review" instead: no km either, listed as doubtful places
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'to_review' WHERE id = ANY(:ids)"),
        {"ids": [account_id for account_id, _ in moved]},
    )
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[4])
    flagged = costs.travel_report(
        demo_db, actor=CAMILLE, settings=settings(), start=MARCH[0], end=MARCH[1]
    )
    reasons = {
        c.account_id: c.reason
        for cost in flagged.trips
        for c in cost.trip.to_check
        if cost.trip.kind == "actual"
    }
    assert all(reasons[a].startswith("position à vérifier") for a, _ in moved)


def test_a_trip_planned_after_day_plans_replaces_them_day_for_day(demo_db: Session) -> None:
    """A day plan for Tuesday, then a trip planned Monday to Wednesday: one planned figure
    per day, the trip's."""
    monday, tuesday, wednesday = (dt.date(2026, 4, 20) + dt.timedelta(days=k) for k in range(3))
    planning.plan_day(
        demo_db, actor=CAMILLE, rep_id=4, day=tuesday, time_limit_s=1, settings=settings()
    )
    trip = planning.plan_trip(
        demo_db,
        actor=CAMILLE,
        rep_id=4,
        start_day=monday,
        end_day=wednesday,
        time_limit_s=1,
        settings=settings(),
    )
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[4])
    report = costs.travel_report(
        demo_db, actor=CAMILLE, settings=settings(), start=monday, end=wednesday
    )
    planned = [c.trip for c in report.trips if c.trip.kind == "planned"]
    covered = [
        planned_trip.start_day + dt.timedelta(days=k)
        for planned_trip in planned
        for k in range(planned_trip.days)
    ]
    assert len(covered) == len(set(covered))  # no day counted twice
    doc = planning.plan_json(trip)["result"]
    # the same km to the metre (sums of floats in two orders may differ in the last bit)
    assert sum(t.km for t in planned) == pytest.approx(
        sum(round(float(d["driving_km"]), 3) for d in doc["days"]), abs=1e-6
    )


def test_the_planner_and_the_report_cost_a_km_at_the_same_barème_rate(demo_db: Session) -> None:
    """Camille's 7 CV car at her yearly distance: the plan weighs each km at the rate the
    report then costs the planned trip at (no flat 0.636 €/km anywhere)."""
    demo_db.execute(text("UPDATE users SET fiscal_hp = 7, annual_km_estimate = 18000 WHERE id = 4"))
    day = dt.date(2026, 4, 21)
    plan = planning.plan_day(
        demo_db, actor=CAMILLE, rep_id=4, day=day, time_limit_s=1, settings=settings()
    )
    costs.derive_trips(demo_db, settings=settings(), year=2026, rep_ids=[4])
    report = costs.travel_report(demo_db, actor=CAMILLE, settings=settings(), start=day, end=day)
    (planned,) = [c for c in report.trips if c.trip.kind == "planned"]
    rate = planning.plan_json(plan)["result"]["eur_per_km"]
    # the 2025 barème, 7 CV and more, 5 001–20 000 km: d × 0.394 + 1 515, per km
    assert (
        rate
        == float(planned.rate_per_km)
        == pytest.approx((18000 * 0.394 + 1515) / 18000, abs=1e-4)
    )


def test_a_validated_month_reads_the_same_after_new_check_ins_and_changes_by_adjustment(
    demo_db: Session,
) -> None:
    """Claire validates Camille's March; a late check-in in March, a new one in April and the
    year's growing mileage change nothing in March; a change is an explicit adjustment."""
    s = settings()
    costs.validate_month(demo_db, actor=CLAIRE, settings=s, rep_id=4, month=dt.date(2026, 3, 1))

    def march() -> dict[str, object]:
        report = costs.travel_report(
            demo_db, actor=CLAIRE, settings=s, start=MARCH[0], end=MARCH[1], rep_id=4
        )
        return {
            "total": report.total.actual.total_eur,
            "km": report.total.actual.km,
            "visits": report.total.actual.visits,
            "trips": [(c.trip.start_day, c.trip.km, c.rate_per_km) for c in report.trips],
            "stamps": [str(v) for v in report.stamps],
        }

    before = march()
    assert before["stamps"] and "validé le" in before["stamps"][0]
    account = demo_db.execute(
        text("""SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id
                WHERE s.owner_id = 4 AND a.geocode_status = 'matched' ORDER BY a.id DESC LIMIT 1""")
    ).scalar_one()
    for key, at in (
        ("late-march-1", dt.datetime(2026, 3, 30, 9, tzinfo=dt.UTC)),
        ("april-check-1", dt.datetime(2026, 4, 14, 9, tzinfo=dt.UTC)),
    ):
        visits.record_visit(demo_db, actor=CAMILLE, account_id=account, client_key=key, at=at)
    costs.derive_trips(demo_db, settings=s, year=2026, rep_ids=[4])
    assert march() == before

    with pytest.raises(Conflict):  # validated once
        costs.validate_month(demo_db, actor=CLAIRE, settings=s, rep_id=4, month=dt.date(2026, 3, 1))
    with pytest.raises(Forbidden):  # the rep does not validate their own month
        costs.validate_month(
            demo_db, actor=CAMILLE, settings=s, rep_id=4, month=dt.date(2026, 2, 1)
        )
    trip_id = next(
        c.trip.trip_id
        for c in costs.travel_report(
            demo_db, actor=CLAIRE, settings=s, start=MARCH[0], end=MARCH[1], rep_id=4
        ).trips
    )
    with pytest.raises(Conflict):  # frozen: tolls go through an adjustment
        costs.set_tolls(demo_db, actor=CAMILLE, trip_id=trip_id, tolls_eur=Decimal("12.40"))
    with pytest.raises(InvalidInput):  # an adjustment needs its reason
        costs.adjust_month(
            demo_db,
            actor=CLAIRE,
            rep_id=4,
            month=dt.date(2026, 3, 1),
            amount_eur=Decimal("12.40"),
            reason=" ",
        )
    costs.adjust_month(
        demo_db,
        actor=CLAIRE,
        rep_id=4,
        month=dt.date(2026, 3, 1),
        amount_eur=Decimal("12.40"),
        reason="Péage A8 du 30/03 oublié",
    )
    report = costs.travel_report(
        demo_db, actor=CLAIRE, settings=s, start=MARCH[0], end=MARCH[1], rep_id=4
    )
    (line,) = report.adjustments
    assert (line.amount_eur, line.reason, line.author) == (
        Decimal("12.40"),
        "Péage A8 du 30/03 oublié",
        "Claire Lefèvre",
    )
    assert report.adjusted_total_eur == before["total"] + Decimal("12.40")


def test_a_pin_moved_on_a_visited_account_queues_its_reps_trips(demo_db: Session) -> None:
    """Correcting a location changes the trips that went there: a derivation is queued for
    each rep and year that visited the account."""
    account, rep_id = demo_db.execute(
        text("""SELECT account_id, rep_id FROM activities
                WHERE kind = 'visit' AND rep_id = 4 ORDER BY id LIMIT 1""")
    ).one()
    expected = sorted(
        demo_db.execute(
            text("""SELECT DISTINCT extract(year FROM occurred_at AT TIME ZONE 'Europe/Paris')::int
                    FROM activities WHERE account_id = :a AND kind = 'visit' AND rep_id = 4"""),
            {"a": account},
        ).scalars()
    )
    geocoding.set_location(demo_db, actor=CLAIRE, account_id=account, point=GeoPoint(7.42, 43.74))
    queued = (
        demo_db.execute(
            text("SELECT args FROM procrastinate_jobs WHERE task_name = :t AND status = 'todo'"),
            {"t": job_store.DERIVE_TRIPS},
        )
        .scalars()
        .all()
    )
    assert sorted(a["year"] for a in queued if a["rep_id"] == rep_id) == expected


def test_a_yearly_band_change_shows_the_regularisation_of_validated_months(
    demo_db: Session,
) -> None:
    """March validated at Camille's rate for 4 000 km a year; her year turns out to be
    25 000 km: March stays frozen and the report shows what the new band changes."""
    s = settings()
    demo_db.execute(text("UPDATE users SET fiscal_hp = 5, annual_km_estimate = 4000 WHERE id = 4"))
    costs.validate_month(demo_db, actor=CLAIRE, settings=s, rep_id=4, month=dt.date(2026, 3, 1))
    frozen = costs.travel_report(
        demo_db, actor=CLAIRE, settings=s, start=MARCH[0], end=MARCH[1], rep_id=4
    )
    assert frozen.regularisations == ()
    demo_db.execute(text("UPDATE users SET annual_km_estimate = 25000 WHERE id = 4"))
    later = costs.travel_report(
        demo_db, actor=CLAIRE, settings=s, start=MARCH[0], end=MARCH[1], rep_id=4
    )
    assert later.total.actual.total_eur == frozen.total.actual.total_eur  # still frozen
    # 5 CV: 0.636 €/km up to 5 000 km; over 20 000 km: 0.427 €/km
    km = Decimal(str(sum(c.trip.km for c in frozen.trips if c.trip.kind == "actual")))
    (name, amount) = later.regularisations[0]
    assert name == "Camille Martin"
    assert abs(amount - km * (Decimal("0.427") - Decimal("0.636"))) < Decimal("0.05") * len(
        frozen.trips
    )
    assert amount < 0


def test_the_trip_plan_and_the_report_count_the_same_hotel_and_meals(demo_db: Session) -> None:
    """Sophie's trip to Paris with nights away: « Hôtel et repas » on the trip plan equals
    the hotel + meals the cost report charges for the same planned trip (one rule: a dinner
    per night away, a lunch per day far from home)."""
    demo_db.execute(text("UPDATE users SET max_driving_minutes = 540 WHERE id = 6"))
    first, last = dt.date(2026, 4, 21), dt.date(2026, 4, 24)
    cfg = settings()
    trip = planning.plan_trip(
        demo_db,
        actor=CLAIRE,
        rep_id=6,
        start_day=first,
        end_day=last,
        time_limit_s=2,
        settings=cfg,
    )
    doc = planning.plan_json(trip)["result"]
    decision = doc["overnight"]
    assert decision["recommendation"] == "stay"
    costs.derive_trips(demo_db, settings=cfg, year=2026, rep_ids=[6])
    report = costs.travel_report(
        demo_db, actor=CLAIRE, settings=cfg, start=first, end=last, rep_id=6
    )
    (planned,) = [c for c in report.trips if c.trip.kind == "planned"]
    # ``decision["nights"]`` counts every night, at home too: the hotel nights are those named
    assert planned.trip.hotel_nights == sum(1 for n in doc["nights"] if n["hotel"]) > 0
    # at least one lunch besides the dinners: the old planner figure counted dinners only
    assert planned.trip.meals > planned.trip.hotel_nights
    assert decision["stay"]["hotel_and_meals_eur"] == float(planned.hotel_eur + planned.meals_eur)
    assert doc["figures"]["hotel_and_meals_eur"] == decision["stay"]["hotel_and_meals_eur"]
    # the lines the trip page lists are every euro of it: a hotel and a dinner per night
    # away, a lunch per far day, and nothing else
    lines = doc["allowances"]
    assert sum(Decimal(str(a["eur"])) for a in lines) == planned.hotel_eur + planned.meals_eur
    kinds = [a["kind"] for a in lines]
    assert kinds.count("hotel") == kinds.count("dinner") == planned.trip.hotel_nights
    assert len(kinds) == planned.trip.hotel_nights + planned.trip.meals
    # each night at a hotel says near which appointment and in which town (Ma journée)
    assert all(n["near"] and n["city"] for n in doc["nights"] if n["hotel"])
    # the trip plan's rows add up: net = value − km − time − hotel and meals
    stay = decision["stay"]
    assert stay["net_eur"] == pytest.approx(
        stay["value_eur"]
        - stay["km_cost_eur"]
        - stay["time_cost_eur"]
        - stay["hotel_and_meals_eur"],
        abs=0.02,
    )
