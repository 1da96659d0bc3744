"""Accounts through the API and pages: role filters, 360° view, nearby, reports, edits."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory


def _account_of(db: Session, rep_id: int) -> int:
    return int(
        db.execute(
            text("SELECT min(account_id) FROM account_assignments WHERE owner_id = :r"),
            {"r": rep_id},
        ).scalar_one()
    )


def test_a_rep_lists_only_own_accounts(api_as: ClientFactory) -> None:
    rows = api_as(4).get("/api/accounts", params={"limit": 500}).json()
    assert rows and {r["owner_id"] for r in rows} == {4}
    scores = [r["priority_score"] or 0 for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_the_360_view_of_lambda_and_no_peeking_at_others(
    api_as: ClientFactory, demo_db: Session
) -> None:
    view = api_as(4).get("/api/accounts/1").json()
    account = view["account"]
    assert account["account"]["fields"]["name"] == "LAMBDA SARL"
    assert len(account["sales"]) == 24 and account["contacts"] and account["activities"]
    other = _account_of(demo_db, 5)
    assert api_as(4).get(f"/api/accounts/{other}").status_code == 404
    assert api_as(1).get(f"/api/accounts/{other}").status_code == 200  # the manager's team


def test_nearby_orders_by_priority_and_includes_unassigned_prospects(
    api_as: ClientFactory, demo_db: Session
) -> None:
    demo_db.execute(
        text(
            "WITH moved AS (UPDATE accounts SET kind = 'prospect' WHERE id = (SELECT id FROM accounts JOIN account_assignments ON account_id = id WHERE owner_id = 5 AND geom IS NOT NULL AND ST_DWithin(geom::geography, ST_MakePoint(7.4236, 43.7425)::geography, 3000) LIMIT 1) RETURNING id), "
            "freed AS (UPDATE account_assignments SET owner_id = NULL WHERE account_id IN (SELECT id FROM moved)) "
            "INSERT INTO account_priorities (account_id, score, band) SELECT id, 99, 'urgent' FROM moved "
            "ON CONFLICT (account_id) DO UPDATE SET score = 99"
        )
    )
    rows = (
        api_as(4)
        .get("/api/accounts/nearby", params={"lon": 7.4236, "lat": 43.7425, "radius_m": 3000})
        .json()
    )
    assert rows and all(r["distance_m"] <= 3000 for r in rows)
    assert all(
        r["owner_id"] == 4 or (r["owner_id"] is None and r["kind"] == "prospect") for r in rows
    )
    scores = [r["priority_score"] or 0 for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_report_search_is_french_full_text(api_as: ClientFactory, demo_db: Session) -> None:
    account = _account_of(demo_db, 4)
    api_as(4).post(
        "/api/visits",
        json={
            "account_id": account,
            "client_key": "search-test-1",
            "report": "Le client réclame des remises importantes",
        },
    )
    hits = api_as(4).get("/api/accounts/reports", params={"q": "remise"}).json()
    assert any(h["account_id"] == account for h in hits)
    assert api_as(5).get("/api/accounts/reports", params={"q": "remise"}).json() == [] or all(
        h["account_id"] != account
        for h in api_as(5).get("/api/accounts/reports", params={"q": "remise"}).json()
    )


def test_create_and_edit_with_clear_errors(api_as: ClientFactory, demo_db: Session) -> None:
    rep = api_as(4)
    created = rep.post(
        "/api/accounts",
        json={
            "name": "Café du Port",
            "postcode": "06240",
            "city": "Beausoleil",
            "potential_eur_month": "12 500,50 €",
        },
    )
    assert created.status_code == 201
    new_id = created.json()["id"]
    owner, status = demo_db.execute(
        text(
            "SELECT owner_id, geocode_status FROM accounts LEFT JOIN account_assignments ON account_id = id WHERE id = :i"
        ),
        {"i": new_id},
    ).one()
    assert owner == 4 and status == "pending"
    bad = rep.post("/api/accounts", json={"name": "", "siret": "123"})
    assert bad.status_code == 422 and {p["field"] for p in bad.json()["problems"]} >= {
        "name",
        "siret",
    }
    changed = rep.patch(
        f"/api/accounts/{new_id}", json={"sector": "Café-bar"}, headers={"If-Match": '"1"'}
    )
    assert changed.json() == {"sector": {"before": None, "after": "Café-bar"}}
    assert rep.patch(f"/api/accounts/{new_id}", json={"owner_id": 5}).json()["field"] == "owner_id"
    other = _account_of(demo_db, 5)
    assert rep.patch(f"/api/accounts/{other}", json={"sector": "x"}).status_code == 403


def test_account_pages(api_as: ClientFactory) -> None:
    rep = api_as(4)
    listing = rep.get("/comptes?q=LAMBDA")
    assert (
        listing.status_code == 200
        and "LAMBDA SARL" in listing.text
        and "account-map.js" in listing.text
    )
    page = rep.get("/comptes/1")
    assert (
        page.status_code == 200
        and "LAMBDA SARL" in page.text
        and "/comptes/1/ventes.png" in page.text
    )
    assert "Je suis sur place" in page.text
    chart = rep.get("/comptes/1/ventes.png")
    assert chart.status_code == 200 and chart.content[:8] == b"\x89PNG\r\n\x1a\n"
    near = rep.get("/autour?lon=7.4236&lat=43.7425&rayon=2000")
    assert near.status_code == 200 and 'id="nearby"' in near.text and "waze.com" in near.text
    assert rep.get("/autour?lon=700&lat=43").status_code == 422
