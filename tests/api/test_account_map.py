"""The accounts map: points when few, server-side clusters when many; each role sees its own."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

MONACO = "7.38,43.72,7.46,43.77"
FRANCE = "-5.5,41.0,10.0,51.5"


def test_a_rep_sees_own_accounts_and_unassigned_prospects_only(
    api_as: ClientFactory, demo_db: Session
) -> None:
    data = api_as(4).get("/api/account-map", params={"bbox": MONACO}).json()
    owners = {p["owner_id"] for p in data["points"]}
    assert owners <= {4, None}
    assert all(p["kind"] == "prospect" for p in data["points"] if p["owner_id"] is None)
    expected = demo_db.execute(
        text(
            "SELECT count(*) FROM accounts LEFT JOIN account_assignments ON account_id = id"
            " WHERE geom && ST_MakeEnvelope(7.38,43.72,7.46,43.77,4326)"
            " AND (owner_id = 4 OR (owner_id IS NULL AND kind = 'prospect'))"
        )
    ).scalar_one()
    assert data["total"] == expected


def test_fifty_thousand_accounts_come_back_as_a_few_clusters(
    api_as: ClientFactory, demo_db: Session
) -> None:
    demo_db.execute(
        text(
            """INSERT INTO accounts (name, kind, geom)
               SELECT 'Gen ' || g, 'client',
                      ST_SetSRID(ST_MakePoint(-4.5 + random() * 12.5, 42.5 + random() * 8.5), 4326)
               FROM generate_series(1, 50000) g"""
        )
    )
    data = api_as(3).get("/api/account-map", params={"bbox": FRANCE}).json()
    assert data["total"] >= 50000
    assert data["points"] == []
    assert 0 < len(data["clusters"]) <= 12 * 12
    assert sum(c["count"] for c in data["clusters"]) == data["total"]
    close = api_as(3).get("/api/account-map", params={"bbox": "7.415,43.735,7.420,43.738"}).json()
    assert close["clusters"] == [] and len(close["points"]) == close["total"]


def test_a_bad_bbox_is_422_naming_it(api_as: ClientFactory) -> None:
    for bad in ("1,2,3", "8,43,7,44", "a,b,c,d"):
        response = api_as(4).get("/api/account-map", params={"bbox": bad})
        assert response.status_code == 422
        assert response.json()["field"] == "bbox"
