"""The demo company: deterministic, realistic, and holding the brief's two scenarios."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict
from fieldcrm.services.demo import seed_demo
from fieldcrm.services.demo_data import generate

TODAY = dt.date(2026, 4, 15)


def test_generation_is_deterministic() -> None:
    a, b = generate(TODAY), generate(TODAY)
    assert a.accounts == b.accounts and a.sales == b.sales and a.activities == b.activities
    assert 1900 <= len(a.accounts) <= 2100
    assert len({acc["name"] for acc in a.accounts}) == len(a.accounts)


def test_seeded_scenarios_hold(db: Session) -> None:
    summary = seed_demo(db, today=TODAY, reset=True)
    assert summary.accounts == 2000 and summary.users == 6
    lambda_ = db.execute(
        text("""
        SELECT a.potential_eur_month,
               (SELECT revenue FROM monthly_sales WHERE account_id = a.id AND month = '2026-03-01') AS march,
               (SELECT revenue FROM monthly_sales WHERE account_id = a.id AND month = '2025-03-01') AS before,
               (SELECT max(occurred_at) FROM activities WHERE account_id = a.id AND kind = 'visit') AS last_visit,
               u.email
        FROM accounts a JOIN account_assignments s ON s.account_id = a.id
        JOIN users u ON u.id = s.owner_id WHERE a.name = 'LAMBDA SARL'""")
    ).one()
    assert lambda_.potential_eur_month == 40000
    assert float(lambda_.march) == pytest.approx(float(lambda_.before) * 0.885, abs=0.01)
    assert (TODAY - lambda_.last_visit.date()).days > 182
    assert lambda_.email.startswith("camille.martin")
    zeta = db.execute(
        text(
            "SELECT kind, qualification, potential_eur_month, created_at "
            "FROM accounts WHERE name = 'ZETA Distribution'"
        )
    ).one()
    assert (
        zeta.kind == "prospect" and zeta.qualification is None and zeta.potential_eur_month is None
    )
    assert (TODAY - zeta.created_at.date()).days > 60
    # Every located account sits in a territory; the Monaco one wins where it overlaps.
    unassigned = db.execute(
        text(
            "SELECT count(*) FROM accounts LEFT JOIN account_assignments ON account_id = id WHERE geom IS NOT NULL AND territory_id IS NULL"
        )
    ).scalar_one()
    assert unassigned == 0
    declining = db.execute(
        text("""
        SELECT count(*) FROM monthly_sales cur JOIN monthly_sales prev
          ON prev.account_id = cur.account_id AND prev.month = cur.month - interval '1 year'
        WHERE cur.month = '2026-03-01' AND cur.revenue < prev.revenue * 0.9""")
    ).scalar_one()
    assert declining > 20
    with pytest.raises(Conflict):
        seed_demo(db, today=TODAY, reset=False)
