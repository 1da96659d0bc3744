"""Account reads and edits on PostGIS: nearby, 360° view, report search, audited updates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.accounts.records import AccountRecord
from fieldcrm.errors import NotFound
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.store import accounts


@pytest.fixture
def demo(demo_db: Session) -> Session:
    return demo_db


def test_nearby_is_within_radius_and_visible_to_the_rep(demo: Session) -> None:
    here = GeoPoint(7.4246, 43.7384)  # Monaco
    rows = accounts.nearby(demo, lon=here.lon, lat=here.lat, radius_m=800, owner_ids=[4])
    assert rows, "the demo has accounts around Monaco"
    for row in rows:
        assert row.distance_m is not None and row.distance_m <= 800
        assert abs(haversine_m(here, GeoPoint(row.lon, row.lat)) - row.distance_m) < 5  # type: ignore[arg-type]
        assert row.owner_id == 4 or (row.owner_id is None and row.kind == "prospect")
    scores = [r.priority_score or 0 for r in rows]
    assert scores == sorted(scores, reverse=True)
    other = accounts.nearby(demo, lon=here.lon, lat=here.lat, radius_m=800, owner_ids=[5])
    assert all(r.owner_id != 4 for r in other)


def test_account_360_and_report_search(demo: Session) -> None:
    lambda_id = demo.execute(text("SELECT id FROM accounts WHERE name='LAMBDA SARL'")).scalar_one()
    view = accounts.account_360(demo, lambda_id)
    assert view.account.fields["name"] == "LAMBDA SARL"
    assert len(view.sales) == 24 and view.sales[-1][0] == dt.date(2026, 3, 1)
    assert view.contacts and view.activities
    assert view.appointments and view.appointments[0]["title"].startswith("Rendez-vous")
    hits = accounts.search_reports(demo, "remises volume", owner_ids=[4])
    assert hits and all("remise" in h.snippet.lower() for h in hits)
    assert all(
        demo.execute(
            text("SELECT owner_id FROM account_assignments WHERE account_id=:i"),
            {"i": h.account_id},
        ).scalar_one()
        == 4
        for h in hits
    )
    with pytest.raises(NotFound):
        accounts.get_account(demo, 999_999)


def test_create_and_update_are_audited_and_address_change_regeocodes(demo: Session) -> None:
    new_id = accounts.create_account(
        demo,
        AccountRecord(
            name="OMEGA SAS",
            address_line1="1 rue Grimaldi",
            postcode="98000",
            city="Monaco",
            lon=7.42,
            lat=43.73,
        ),
        actor_id=3,
    )
    detail = accounts.get_account(demo, new_id)
    assert detail.fields["geocode_status"] == "manual" and detail.lon == pytest.approx(7.42)
    assert accounts.update_account(demo, new_id, {"name": "OMEGA SAS"}, actor_id=3) == {}
    diff = accounts.update_account(demo, new_id, {"address_line1": "2 rue Grimaldi"}, actor_id=3)
    assert diff == {"address_line1": ("1 rue Grimaldi", "2 rue Grimaldi")}
    after = accounts.get_account(demo, new_id)
    assert after.fields["geocode_status"] == "pending" and after.lon is None
    log = (
        demo.execute(
            text(
                "SELECT action FROM audit_log WHERE entity='account' AND entity_id=:i ORDER BY id"
            ),
            {"i": str(new_id)},
        )
        .scalars()
        .all()
    )
    assert log == ["create", "update"]
