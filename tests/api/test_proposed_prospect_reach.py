"""A prospect nobody owns that the planner proposed to a rep, far from home, is within that
rep's reach while the proposal is open, and for good once booked: they can open it, check in
and write the report of the visit. Rejected, left open past its day, or proposed to someone
else, it stays out of reach (a plan is no key to every prospect of the country)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.api.test_locate_reach import _unassigned_prospect
from tests.web import ClientFactory

CAMILLE, SOPHIE = 4, 6
GRASSE = (6.92, 43.66)  # about 42 km from Camille's home: beyond the 30 km reach


def _proposal(db: Session, rep: int, account: int, status: str = "proposed", days: int = 0) -> None:
    """A plan of ``rep`` for ``days`` days from now proposing ``account`` at 13:00 UTC."""
    plan_id = db.execute(
        text("""INSERT INTO plans (rep_id, kind, day, status, request, result)
                VALUES (:rep, 'day', (now() + make_interval(days => :days))::date, 'proposed',
                        '{}', '{}')
                RETURNING id"""),
        {"rep": rep, "days": days},
    ).scalar_one()
    db.execute(
        text("""INSERT INTO plan_proposals (plan_id, account_id, slot_start, slot_end,
                    detour_minutes, detour_km, status)
                VALUES (:p, :a,
                        date_trunc('day', now() + make_interval(days => :days)) + interval '13 hours',
                        date_trunc('day', now() + make_interval(days => :days)) + interval '14 hours',
                        12, 9, :status)"""),
        {"p": plan_id, "a": account, "status": status, "days": days},
    )


def _visit(account: int, key: str) -> dict[str, object]:
    return {
        "account_id": account,
        "client_key": key,
        "report": "Gérante intéressée, échantillons laissés.",
    }


def test_a_far_prospect_the_planner_proposed_is_the_reps_to_visit(
    api_as: ClientFactory, demo_db: Session
) -> None:
    proposed = _unassigned_prospect(demo_db, *GRASSE)
    camille = api_as(CAMILLE)
    assert camille.get(f"/api/accounts/{proposed}").status_code == 404  # out of reach so far
    _proposal(demo_db, CAMILLE, proposed, days=2)  # open, for the day after tomorrow
    assert camille.get(f"/api/accounts/{proposed}").status_code == 200
    checked_in = camille.post("/api/visits", json=_visit(proposed, "far-proposed-1"))
    assert checked_in.status_code in (200, 201), checked_in.text
    page = camille.get(f"/comptes/{proposed}")
    assert page.status_code == 200 and "Gérante intéressée" in page.text


def test_a_booked_far_prospect_stays_the_reps_after_its_day(
    api_as: ClientFactory, demo_db: Session
) -> None:
    booked = _unassigned_prospect(demo_db, *GRASSE)
    _proposal(demo_db, CAMILLE, booked, status="accepted", days=-30)
    camille = api_as(CAMILLE)
    assert camille.get(f"/api/accounts/{booked}").status_code == 200
    report = camille.post("/api/visits", json=_visit(booked, "far-booked-late-report"))
    assert report.status_code in (200, 201), report.text


def test_a_rejected_past_or_someone_elses_proposal_gives_no_reach(
    api_as: ClientFactory, demo_db: Session
) -> None:
    rejected = _unassigned_prospect(demo_db, *GRASSE)
    _proposal(demo_db, CAMILLE, rejected, status="rejected", days=2)
    left_open = _unassigned_prospect(demo_db, GRASSE[0] - 0.01, GRASSE[1])
    _proposal(demo_db, CAMILLE, left_open, days=-3)  # proposed for three days ago, never booked
    others = _unassigned_prospect(demo_db, GRASSE[0] + 0.01, GRASSE[1])
    _proposal(demo_db, SOPHIE, others, days=2)
    camille = api_as(CAMILLE)
    for account in (rejected, left_open, others):
        assert camille.get(f"/api/accounts/{account}").status_code == 404
        refused = camille.post("/api/visits", json=_visit(account, f"far-refused-{account}"))
        assert refused.status_code == 403, refused.text
