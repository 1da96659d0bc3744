"""Geocoding you can trust, on PostGIS: the demo's Monaco accounts stay in Monaco, accounts "à
vérifier" stay out of automatic assignment and planning, the accounts search ignores accents,
and an import row that cannot be placed is rejected by name."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.accounts.parse import parse_accounts
from fieldcrm.geocoding.chain import build_chain
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.services import assignment, geocoding
from fieldcrm.services import territories as territories_svc
from fieldcrm.services.geocoding import SYSTEM
from fieldcrm.services.planning_inputs import gather
from fieldcrm.store import accounts as accounts_store
from fieldcrm.store.account_map import MapFilter
from fieldcrm.store.tables import Account

TUESDAY = dt.date(2026, 4, 21)


def test_demo_monaco_accounts_geocoded_offline_stay_in_monaco(demo_db: Session) -> None:
    ids = (
        demo_db.execute(
            text("SELECT id FROM accounts WHERE postcode = '98000' AND geocode_status = 'pending'")
        )
        .scalars()
        .all()
    )
    assert len(ids) == 11
    chain = build_chain(["offline"], gazetteer=load_gazetteer(), threshold=0.6)
    summary = geocoding.geocode_accounts(demo_db, actor=SYSTEM, chain=chain, account_ids=ids)
    assert summary.processed == 11
    rows = demo_db.execute(
        text("""SELECT geocode_status, geocode_label,
                       ST_Distance(geom::geography,
                                   ST_SetSRID(ST_MakePoint(7.4197576, 43.7311424), 4326)::geography)
                FROM accounts WHERE id = ANY(:ids)"""),
        {"ids": list(ids)},
    ).all()
    for status, label, distance_m in rows:
        assert status == "to_review"  # a street address at the principality's centre
        assert label == "98000 Monaco" and "Mosnac" not in label
        assert distance_m < 3000


def _riviera_account(db: Session) -> int:
    """A demo account of the Riviera territory, unassigned, ready for the next assign-all."""
    assignment.assign_all(db, actor=territories_svc.SYSTEM)  # settle the demo
    account_id = db.execute(
        text("""SELECT account_id FROM account_assignments
                WHERE territory_id = 1 AND owner_id = 4 AND locked IS NOT TRUE
                ORDER BY account_id LIMIT 1""")
    ).scalar_one()
    db.execute(text("DELETE FROM account_assignments WHERE account_id = :i"), {"i": account_id})
    return int(account_id)


def _owner(db: Session, account_id: int) -> int | None:
    return db.execute(
        text("SELECT owner_id FROM account_assignments WHERE account_id = :i"), {"i": account_id}
    ).scalar()


def test_assign_all_leaves_accounts_to_review_alone_until_confirmed(demo_db: Session) -> None:
    account_id = _riviera_account(demo_db)
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'to_review' WHERE id = :i"), {"i": account_id}
    )
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    assert _owner(demo_db, account_id) is None
    # confirmed (placed by hand where it was): assigned by the next run
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'manual' WHERE id = :i"), {"i": account_id}
    )
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    assert _owner(demo_db, account_id) == 4


def test_assign_all_keeps_the_owner_of_an_account_to_review(demo_db: Session) -> None:
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    account_id = demo_db.execute(
        text("""SELECT account_id FROM account_assignments
                WHERE territory_id = 1 AND owner_id = 4 ORDER BY account_id LIMIT 1""")
    ).scalar_one()
    demo_db.execute(
        text("""UPDATE accounts SET geocode_status = 'to_review',
                       geom = ST_SetSRID(ST_MakePoint(-0.5423, 45.5024), 4326)
                WHERE id = :i"""),
        {"i": account_id},
    )  # misplaced in Mosnac, outside every territory: it is not taken from its rep
    assignment.assign_all(demo_db, actor=territories_svc.SYSTEM)
    assert _owner(demo_db, account_id) == 4


def test_the_planner_does_not_propose_accounts_to_review(demo_db: Session) -> None:
    def candidates() -> set[int]:
        inputs = gather(
            demo_db,
            rep_id=4,
            first_day=TUESDAY,
            last_day=TUESDAY,
            detour_km=5,
            max_candidates=30,
            tz="Europe/Paris",
        )
        return {c.id for c in inputs.candidates}

    before = candidates()
    assert before
    doubtful = sorted(before)[:5]
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'to_review' WHERE id = ANY(:ids)"),
        {"ids": doubtful},
    )
    after = candidates()
    assert after and not after & set(doubtful)


def test_search_ignores_accents_and_case(db: Session) -> None:
    for name, city in [("Café Carnot", "Nice"), ("Boulangerie du Col", "Èze"), ("Autre", "Lyon")]:
        db.add(Account(name=name, city=city, postcode="06000"))
    db.flush()

    def names(query: str) -> set[str]:
        return {
            r.name
            for r in accounts_store.list_accounts(db, filters=MapFilter(query=query), limit=500)
        }

    assert "Boulangerie du Col" in names("eze")
    assert "Boulangerie du Col" in names("Èze")
    assert "Café Carnot" in names("cafe carnot")
    assert "Café Carnot" in names("CARNOT café")
    assert "Café Carnot" not in names("cafe lyon")
    assert names("100%") == set()  # a wildcard typed is taken literally


def test_an_import_row_that_cannot_be_placed_is_rejected_by_name() -> None:
    rows = [
        (2, {"name": "Sans Adresse SARL", "address_line1": "3 rue de la Paix"}),
        (3, {"name": "Homonyme SAS", "city": "Saint-Martin"}),
        (4, {"name": "Faute de Frappe", "city": "Nicee"}),
        (5, {"name": "Argentat Bois", "city": "Argentat"}),
        (6, {"name": "Code Seul", "postcode": "06000"}),
        (7, {"name": "Placé", "lon": "7.42", "lat": "43.73"}),
    ]
    results = list(parse_accounts(rows, commune_check=geocoding.commune_check))
    rejected = {r.line: r for r in results if not hasattr(r, "match_key")}
    accepted = {r.line for r in results if hasattr(r, "match_key")}
    assert set(rejected) == {2, 3, 4}
    assert accepted == {5, 6, 7}
    assert "« Sans Adresse SARL » ne peut pas être situé" in rejected[2].reason
    assert "ni code postal ni ville" in rejected[2].reason
    assert str(rejected[3]).startswith("ligne 3, colonne « city »")
    assert "désigne" in rejected[3].reason
    # without the gazetteer's check, only a row with neither postcode nor city is rejected
    plain = list(parse_accounts(rows))
    assert [r.line for r in plain if not hasattr(r, "match_key")] == [2]
