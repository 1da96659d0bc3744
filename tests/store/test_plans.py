"""Planning store on PostGIS: rep profile, appointments, corridor candidates, plans, proposals."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely import wkt as shapely_wkt
from shapely.geometry import Point
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.corridor import build_corridor
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, NewProposal

TUESDAY = dt.date(2026, 4, 21)


def _corridor_wkt(demo: Session, budget_m: float = 3_000) -> str:
    rep = plans.get_rep(demo, 4)
    home = GeoPoint(rep.home_lon, rep.home_lat)  # type: ignore[arg-type]
    appts = plans.appointments(
        demo, rep_id=4, first_day=TUESDAY, last_day=TUESDAY, tz="Europe/Paris"
    )
    places = [home, *(GeoPoint(a.lon, a.lat) for a in appts), home]  # type: ignore[arg-type]
    return build_corridor(places, budget_m=budget_m).wkt


def test_rep_profile_and_unknown_rep(demo_db: Session) -> None:
    rep = plans.get_rep(demo_db, 4)
    assert rep.full_name == "Camille Martin"
    assert rep.home_lon is not None and 7.3 < rep.home_lon < 7.5
    assert rep.work_start == dt.time(8, 0) and rep.work_end == dt.time(18, 30)
    with pytest.raises(NotFound):
        plans.get_rep(demo_db, 999_999)


def test_appointments_of_the_day_in_paris_time(demo_db: Session) -> None:
    appts = plans.appointments(
        demo_db, rep_id=4, first_day=TUESDAY, last_day=TUESDAY, tz="Europe/Paris"
    )
    assert len(appts) == 1
    assert appts[0].starts_at.astimezone(PARIS).time() == dt.time(10, 0)
    assert appts[0].lon is not None
    assert (
        plans.appointments(
            demo_db,
            rep_id=4,
            first_day=TUESDAY - dt.timedelta(days=1),
            last_day=TUESDAY - dt.timedelta(days=1),
            tz="Europe/Paris",
        )
        == []
    )


def test_candidates_are_inside_visible_sorted_and_limited(demo_db: Session) -> None:
    zone = _corridor_wkt(demo_db)
    polygon = shapely_wkt.loads(zone)
    rows = plans.candidates_in(demo_db, rep_id=4, polygon_wkt=zone, limit=5000)
    assert len(rows) > 10
    for row in rows:
        assert polygon.covers(Point(row.lon, row.lat))
        assert row.owner_id == 4 or (row.owner_id is None and row.kind == "prospect")
        assert row.score >= plans.FALLBACK_SCORE_MIN
        assert row.visit_minutes > 0
    scores = [r.score for r in rows]
    assert scores == sorted(scores, reverse=True)
    top = plans.candidates_in(demo_db, rep_id=4, polygon_wkt=zone, limit=5)
    assert [r.id for r in top] == [r.id for r in rows[:5]]
    excluded = plans.candidates_in(
        demo_db, rep_id=4, polygon_wkt=zone, exclude_ids=[rows[0].id], limit=5000
    )
    assert rows[0].id not in {r.id for r in excluded}
    assert len(excluded) == len(rows) - 1
    assert len(rows) < 5000
    # Nobody else's accounts: only the rep's own and unassigned prospects (checked above).
    assert not any(r.owner_id not in (4, None) for r in rows)


def test_potential_fallback_when_no_priority(demo_db: Session) -> None:
    zone = _corridor_wkt(demo_db)
    demo_db.execute(text("DELETE FROM account_priorities"))
    rows = plans.candidates_in(demo_db, rep_id=4, polygon_wkt=zone, limit=5000)
    assert rows and all(r.scored_by == "potential" for r in rows)
    assert max(r.score for r in rows) == pytest.approx(plans.FALLBACK_SCORE_MAX)
    best = demo_db.execute(
        text("SELECT potential_eur_month FROM accounts WHERE id=:i"), {"i": rows[0].id}
    ).scalar_one()
    assert best == max(
        demo_db.execute(
            text("SELECT coalesce(potential_eur_month, 0) FROM accounts WHERE id = ANY(:i)"),
            {"i": [r.id for r in rows]},
        ).scalars()
    )
    demo_db.execute(
        text("INSERT INTO account_priorities (account_id, score, band) VALUES (:i, 77, 'high')"),
        {"i": rows[-1].id},
    )
    again = plans.candidates_in(demo_db, rep_id=4, polygon_wkt=zone, limit=5000)
    assert again[0].id == rows[-1].id and again[0].scored_by == "priority"
    assert again[0].score == 77


def _saved_plan(demo: Session) -> tuple[int, int]:
    account_id = demo.execute(
        text("SELECT account_id FROM account_assignments WHERE owner_id = 4 ORDER BY 1 LIMIT 1")
    ).scalar_one()
    start = dt.datetime(2026, 4, 21, 11, 30, tzinfo=PARIS)
    plan_id = plans.save_plan(
        demo,
        rep_id=4,
        kind="day",
        day=TUESDAY,
        end_day=None,
        request={"rep_id": 4, "day": TUESDAY.isoformat()},
        result={"days": [], "score": 12.5},
        created_by=4,
        proposals=[
            NewProposal(account_id, start, start + dt.timedelta(minutes=40), 9.5, 6.2, "score 12.5")
        ],
    )
    return plan_id, account_id


def test_save_load_and_list_plans(demo_db: Session) -> None:
    plan_id, account_id = _saved_plan(demo_db)
    stored = plans.get_plan(demo_db, plan_id)
    assert stored.rep_id == 4 and stored.kind == "day" and stored.day == TUESDAY
    assert stored.result == {"days": [], "score": 12.5}
    assert len(stored.proposals) == 1
    proposal = stored.proposals[0]
    assert proposal.account_id == account_id and proposal.status == "proposed"
    assert proposal.detour_minutes == 9.5 and proposal.rep_id == 4
    assert plans.list_plans(demo_db, rep_id=4, day=TUESDAY)[0].id == plan_id
    assert plans.list_plans(demo_db, rep_id=4, day=dt.date(2030, 1, 1)) == []
    with pytest.raises(NotFound):
        plans.get_plan(demo_db, 999_999_999)


def test_accepting_books_an_appointment_at_the_slot(demo_db: Session) -> None:
    plan_id, account_id = _saved_plan(demo_db)
    proposal = plans.get_plan(demo_db, plan_id).proposals[0]
    decided, appointment_id = plans.decide_proposal(demo_db, proposal.id, accept=True)
    assert decided.status == "accepted" and decided.decided_at is not None
    assert appointment_id is not None
    row = demo_db.execute(
        text(
            "SELECT rep_id, account_id, starts_at, ends_at, geom IS NOT NULL AS placed "
            "FROM appointments WHERE id = :i"
        ),
        {"i": appointment_id},
    ).one()
    assert row.rep_id == 4 and row.account_id == account_id and row.placed
    assert row.starts_at == proposal.slot_start
    assert row.ends_at - row.starts_at == dt.timedelta(minutes=proposal.visit_minutes)
    # It now counts among the rep's appointments of the day.
    assert appointment_id in {
        a.id
        for a in plans.appointments(
            demo_db, rep_id=4, first_day=TUESDAY, last_day=TUESDAY, tz="Europe/Paris"
        )
    }
    with pytest.raises(Conflict):
        plans.decide_proposal(demo_db, proposal.id, accept=False)


def test_rejecting_books_nothing_and_start_must_be_in_slot(demo_db: Session) -> None:
    plan_id, _ = _saved_plan(demo_db)
    proposal = plans.get_plan(demo_db, plan_id).proposals[0]
    with pytest.raises(Conflict):
        plans.decide_proposal(
            demo_db, proposal.id, accept=True, start=proposal.slot_end + dt.timedelta(minutes=1)
        )
    before = demo_db.execute(text("SELECT count(*) FROM appointments")).scalar_one()
    decided, appointment_id = plans.decide_proposal(demo_db, proposal.id, accept=False)
    assert decided.status == "rejected" and appointment_id is None
    assert demo_db.execute(text("SELECT count(*) FROM appointments")).scalar_one() == before
    with pytest.raises(NotFound):
        plans.decide_proposal(demo_db, 999_999_999, accept=True)


def test_list_plans_reads_every_plan_and_its_proposals_in_two_statements(
    demo_db: Session,
) -> None:
    """One statement for the plans, one for all their proposals, however many plans (it was
    one more per plan); each plan as :func:`plans.get_plan` gives it, newest first."""
    saved = [_saved_plan(demo_db)[0] for _ in range(4)]
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    bind = demo_db.connection()
    event.listen(bind, "before_cursor_execute", record)
    try:
        listed = plans.list_plans(demo_db, rep_id=4, day=TUESDAY, limit=4)
        one = len(seen)
        plans.list_plans(demo_db, rep_id=4, day=TUESDAY, limit=1)
    finally:
        event.remove(bind, "before_cursor_execute", record)
    assert one == 2, seen
    assert len(seen) == 4, seen[one:]  # one plan: the same two statements
    assert [p.id for p in listed] == saved[::-1]
    assert listed == [plans.get_plan(demo_db, i) for i in saved[::-1]]
    assert all(len(p.proposals) == 1 for p in listed)
