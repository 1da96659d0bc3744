"""The accounts map's filters: each one keeps exactly the accounts the database says."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

RIVIERA = "6.8,43.5,7.7,44.0"
ADMIN = 3
SCOPE = """FROM accounts a LEFT JOIN account_assignments asg ON asg.account_id = a.id
           LEFT JOIN account_priorities ap ON ap.account_id = a.id
           WHERE a.geom && ST_MakeEnvelope(6.8, 43.5, 7.7, 44.0, 4326)"""


def _count(db: Session, condition: str, params: dict[str, Any] | None = None) -> int:
    return int(
        db.execute(text(f"SELECT count(*) {SCOPE} AND {condition}"), params or {}).scalar_one()
    )


def _total(api: ClientFactory, **filters: Any) -> int:
    r = api(ADMIN).get("/api/account-map", params={"bbox": RIVIERA, **filters})
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


@pytest.mark.parametrize(
    ("filters", "condition"),
    [
        ({"kind": "prospect"}, "a.kind = 'prospect'"),
        ({"qualification": "A"}, "a.qualification = 'A'"),
        ({"rep": 4}, "asg.owner_id = 4"),
        (
            {"rep": 4, "kind": "client", "qualification": "B"},
            "asg.owner_id = 4 AND a.kind = 'client' AND a.qualification = 'B'",
        ),
    ],
)
def test_each_filter_keeps_exactly_the_matching_accounts(
    api_as: ClientFactory, demo_db: Session, filters: dict[str, Any], condition: str
) -> None:
    everything = _count(demo_db, "TRUE")
    expected = _count(demo_db, condition)
    assert 0 < expected < everything  # the filter does cut something on the demo company
    assert _total(api_as, **filters) == expected


def test_territory_band_sector_and_last_visit_filters(
    api_as: ClientFactory, demo_db: Session
) -> None:
    territory = demo_db.execute(
        text(
            "SELECT territory_id FROM account_assignments WHERE territory_id IS NOT NULL"
            " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        )
    ).scalar_one()
    assert (
        _total(api_as, territory=territory)
        == _count(demo_db, "asg.territory_id = :t", {"t": territory})
        > 0
    )
    # three accounts made "urgent": the band filter finds exactly them
    demo_db.execute(
        text("""INSERT INTO account_priorities (account_id, score, band, computed_at)
                SELECT id, 90, 'urgent', now() FROM accounts
                WHERE geom && ST_MakeEnvelope(6.8, 43.5, 7.7, 44.0, 4326) ORDER BY id LIMIT 3
                ON CONFLICT (account_id) DO UPDATE SET band = 'urgent', score = 90""")
    )
    assert _total(api_as, band="urgent") == _count(demo_db, "ap.band = 'urgent'") >= 3
    sector = demo_db.execute(
        text("SELECT sector FROM accounts WHERE sector IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT 1")
    ).scalar_one()
    assert _total(api_as, sector=sector) == _count(demo_db, "a.sector = :s", {"s": sector}) > 0
    unvisited = _count(
        demo_db,
        "NOT EXISTS (SELECT 1 FROM activities v WHERE v.account_id = a.id AND v.kind = 'visit'"
        " AND v.occurred_at >= now() - interval '90 days')",
    )
    assert _total(api_as, not_visited_days=90) == unvisited
    demo_db.execute(text("DELETE FROM account_assignments WHERE account_id IN (1, 2)"))
    assert _total(api_as, rep=0) == _count(demo_db, "asg.owner_id IS NULL") >= 2


def test_points_are_coloured_by_their_band(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(
        text("""INSERT INTO account_priorities (account_id, score, band, computed_at)
                VALUES (1, 95, 'urgent', now())
                ON CONFLICT (account_id) DO UPDATE SET band = 'urgent', score = 95""")
    )
    data = api_as(4).get("/api/account-map", params={"bbox": RIVIERA, "band": "urgent"}).json()
    assert [p["id"] for p in data["points"]] == [1]
    assert data["points"][0]["priority_band"] == "urgent"


def test_bad_filters_are_refused_naming_each_field(api_as: ClientFactory) -> None:
    r = api_as(4).get(
        "/api/account-map",
        params={"bbox": RIVIERA, "band": "huge", "kind": "friend", "not_visited_days": 0},
    )
    assert r.status_code == 422
    assert [p["field"] for p in r.json()["problems"]] == ["band", "kind", "not_visited_days"]
