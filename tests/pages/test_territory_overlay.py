"""The overlay marker of a territory (national key accounts, laid over the local ones): the
territory forms save it, the API answers it, the GeoJSON export carries it, and a rebalancing
leaves out the marked territories — whatever their size — and says why."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import InvalidInput
from fieldcrm.services import territories as svc
from fieldcrm.territories.rebalance_effects import OVERLAY
from tests.conftest import DEMO_TODAY
from tests.web import ClientFactory

MANAGER = Actor(id=1, role=Role.MANAGER, name="Claire Lefèvre", team=frozenset({4, 5, 6}))
LABEL = "Territoire superposé (grands comptes, national) : exclu du rééquilibrage"
NATIONAL_ID, ALPES_ID = 3, 2  # « Grands comptes France » (marked by the seed), a département
BOX = {
    "type": "Polygon",
    "coordinates": [[[6.6, 43.5], [6.8, 43.5], [6.8, 43.6], [6.6, 43.6], [6.6, 43.5]]],
}


def _overlay(db: Session, name: str) -> bool:
    return bool(
        db.execute(
            text("SELECT overlay FROM territories WHERE name = :n"), {"n": name}
        ).scalar_one()
    )


def test_the_build_form_offers_the_box_and_saves_it(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(1)
    page = client.get("/territoires").text
    assert re.search(
        rf'<input id="t-overlay" type="checkbox"[^>]*> {re.escape(LABEL)}</label>', page
    )
    assert re.search(
        rf'<input type="checkbox" name="overlay" value="true"[^>]*> {re.escape(LABEL)}</label>',
        page,
    )
    assert re.search(rf'data-id="{NATIONAL_ID}"[^>]*data-overlay="true"', page)
    assert re.search(rf'data-id="{ALPES_ID}"[^>]*data-overlay="false"', page)
    assert "superposé, hors rééquilibrage" in page  # the list says which one is
    for name, ticked in (("Var national", True), ("Var local", False)):
        form = {"name": name, "unit": "departements", "codes": "83", "rep_id": "5"}
        done = client.post(
            "/territoires/construire",
            data=form | ({"overlay": "true"} if ticked else {}),
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert _overlay(demo_db, name) is ticked


def test_the_api_saves_and_answers_the_marker(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(1)
    made = client.post(
        "/api/territories", json={"name": "Clés Esterel", "geometry": BOX, "overlay": True}
    )
    assert made.status_code == 201, made.text
    assert made.json()["properties"]["overlay"] is True and _overlay(demo_db, "Clés Esterel")
    tid = made.json()["id"]
    # what the drawing panel sends when the box is unticked on a retouch
    unmarked = client.patch(
        f"/api/territories/{tid}", json={"overlay": False}, headers={"If-Match": "*"}
    )
    assert unmarked.status_code == 200 and unmarked.json()["properties"]["overlay"] is False
    assert not _overlay(demo_db, "Clés Esterel")
    kept = client.patch(f"/api/territories/{tid}", json={"priority": 2}, headers={"If-Match": "*"})
    assert kept.json()["properties"]["overlay"] is False  # absent: unchanged
    bad = client.patch(f"/api/territories/{tid}", json={"overlay": None}, headers={"If-Match": "*"})
    assert bad.status_code == 422 and bad.json()["field"] == "overlay"
    listed = client.get("/api/territories").json()["features"]
    assert {f["id"]: f["properties"]["overlay"] for f in listed}[NATIONAL_ID] is True


def test_the_geojson_export_carries_the_marker_and_the_import_reads_it(demo_db: Session) -> None:
    exported = svc.export_geojson(demo_db, actor=MANAGER)
    marks = {f["properties"]["name"]: f["properties"]["overlay"] for f in exported["features"]}
    assert marks["Grands comptes France"] is True and marks["Alpes-Maritimes"] is False
    feature = {"type": "Feature", "geometry": BOX, "properties": {"name": "Clés", "overlay": True}}
    svc.import_geojson(
        demo_db, json.dumps({"type": "FeatureCollection", "features": [feature]}), actor=MANAGER
    )
    assert _overlay(demo_db, "Clés")
    feature["properties"] = {"name": "Clés 2", "overlay": "oui"}
    with pytest.raises(InvalidInput, match="overlay"):
        svc.import_geojson(
            demo_db,
            json.dumps({"type": "FeatureCollection", "features": [feature]}),
            actor=MANAGER,
        )


def test_rebalancing_follows_the_marker_not_the_size(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Unmarked, the national territory (544 000 km²) takes part; a marked département
    (4 300 km²) is left out, and the page says why."""
    demo_db.execute(text("UPDATE territories SET overlay = (id = :t)"), {"t": ALPES_ID})
    rows = {r.id: r for r in svc.store.list_territories(demo_db, with_geometry=False)}
    assert rows[NATIONAL_ID].area_km2 > 500_000 and rows[ALPES_ID].area_km2 < 10_000
    proposal = svc.rebalance_proposal(demo_db, metric="accounts", as_of=DEMO_TODAY, actor=MANAGER)
    assert [(o.territory_id, o.reason) for o in proposal.left_out] == [(ALPES_ID, OVERLAY)]
    assert set(proposal.before) == {1, NATIONAL_ID}, "the large unmarked one takes part"
    assert all(ALPES_ID not in (m.from_id, m.to_id) for m in proposal.moves)
    page = api_as(1).get("/territoires", params={"metric": "accounts"}).text
    left = page[page.index('id="proposal-left-out"') :]
    left = left[: left.index("</div>")]
    assert "« Alpes-Maritimes » est marqué territoire superposé (grands comptes, national)" in left
    assert "Grands comptes France" not in left
