"""Territory and assignment routes through the real app on the demo company."""

from __future__ import annotations

from tests.web import ClientFactory

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[7.20, 43.65], [7.25, 43.65], [7.25, 43.70], [7.20, 43.70], [7.20, 43.65]]],
}
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[7.2, 43.6], [7.3, 43.7], [7.3, 43.6], [7.2, 43.7], [7.2, 43.6]]],
}


def test_anyone_lists_territories_as_geojson(api_as: ClientFactory) -> None:
    rep = api_as(4)
    response = rep.get("/api/territories")
    assert response.status_code == 200
    doc = response.json()
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 3
    riviera = doc["features"][0]
    assert riviera["properties"]["name"] == "Riviera – Monaco"
    assert riviera["properties"]["rep_name"] == "Camille Martin"
    assert riviera["geometry"]["type"] == "MultiPolygon"
    one = rep.get("/api/territories/2").json()
    assert one["properties"]["name"] == "Alpes-Maritimes"
    assert rep.get("/api/territories/999").status_code == 404


def test_a_rep_is_forbidden_to_edit_assign_or_read_reports(api_as: ClientFactory) -> None:
    rep = api_as(4)
    forbidden = [
        rep.post("/api/territories", json={"name": "X", "geometry": SQUARE}),
        rep.patch("/api/territories/1", json={"priority": 1}),
        rep.delete("/api/territories/1"),
        rep.post("/api/territories/import", json={"type": "FeatureCollection", "features": []}),
        rep.get("/api/territories/balance"),
        rep.get("/api/territories/rebalance"),
        rep.get("/api/territories/gaps"),
        rep.get("/api/assignment/preview"),
        rep.post("/api/assignment/apply", json={}),
        rep.post("/api/assignment/manual", json={"account_ids": [1], "rep_id": 4}),
        rep.post("/api/assignment/lock", json={"account_ids": [1]}),
        rep.get("/api/assignment/queue"),
    ]
    assert [r.status_code for r in forbidden] == [403] * len(forbidden)
    # the dispatcher may assign but not draw
    dispatcher = api_as(2)
    assert (
        dispatcher.post("/api/territories", json={"name": "X", "geometry": SQUARE}).status_code
        == 403
    )
    assert dispatcher.get("/api/assignment/preview").status_code == 200


def test_manager_creates_updates_and_deletes(api_as: ClientFactory) -> None:
    manager = api_as(1)
    created = manager.post(
        "/api/territories", json={"name": "Carré", "geometry": SQUARE, "rep_id": 5}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    tid = body["properties"]["id"]
    assert body["properties"]["rep_name"] == "Julien Bernard" and body["repairs"] == []
    built = manager.post(
        "/api/territories", json={"name": "Nice", "communes": ["06088"], "priority": 2}
    )
    assert built.status_code == 201 and built.json()["properties"]["area_km2"] > 50
    bad = manager.post("/api/territories", json={"name": "Nœud", "geometry": BOW_TIE})
    assert bad.status_code == 422 and "bow-tie" in bad.text
    both = manager.post(
        "/api/territories", json={"name": "Y", "geometry": SQUARE, "communes": ["06088"]}
    )
    assert both.status_code == 422
    dup = manager.post("/api/territories", json={"name": "Carré", "geometry": SQUARE})
    assert dup.status_code == 409
    read = manager.get(f"/api/territories/{tid}").headers["ETag"]
    patched = manager.patch(
        f"/api/territories/{tid}", json={"priority": 7, "rep_id": None}, headers={"If-Match": read}
    )
    assert patched.status_code == 200
    assert patched.json()["properties"]["priority"] == 7
    assert patched.json()["properties"]["rep_id"] is None
    nameless = manager.patch(
        f"/api/territories/{tid}", json={"name": None, "priority": None}, headers={"If-Match": "*"}
    )
    assert nameless.status_code == 422 and "name" in nameless.text
    assert manager.delete(f"/api/territories/{tid}").status_code == 428  # read it first
    read = manager.get(f"/api/territories/{tid}").headers["ETag"]
    assert manager.delete(f"/api/territories/{tid}", headers={"If-Match": read}).status_code == 204
    assert manager.get(f"/api/territories/{tid}").status_code == 404


def test_import_and_export(api_as: ClientFactory) -> None:
    manager = api_as(1)
    exported = manager.get("/api/territories/export").json()
    assert len(exported["features"]) == 3
    exported["features"].append(
        {"type": "Feature", "properties": {"name": "Carré"}, "geometry": SQUARE}
    )
    result = manager.post("/api/territories/import", json=exported)
    assert result.status_code == 200, result.text
    assert result.json()["created"] == ["Carré"] and len(result.json()["updated"]) == 3
    swapped = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Inversé"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[43.65, 7.2], [43.7, 7.2], [43.7, 7.25], [43.65, 7.2]]],
                },
            }
        ],
    }
    refused = manager.post("/api/territories/import", json=swapped)
    assert refused.status_code == 422 and "swapped" in refused.text


def test_reports(api_as: ClientFactory) -> None:
    manager = api_as(1)
    overlaps = manager.get("/api/territories/overlaps").json()
    pair = next(o for o in overlaps if {o["first_id"], o["second_id"]} == {1, 2})
    assert pair["winner_id"] == 1 and pair["geometry"]["type"] in ("Polygon", "MultiPolygon")
    gaps = manager.get("/api/territories/gaps?limit=5").json()
    assert gaps["total"] >= len(gaps["items"]) and len(gaps["items"]) <= 5
    balance = manager.get("/api/territories/balance?as_of=2026-04-15").json()
    assert [r["territory_id"] for r in balance["rows"]] == [1, 2, 3]
    assert sum(r["accounts"] for r in balance["rows"]) > 1500
    proposal = manager.get("/api/territories/rebalance?metric=accounts&max_moves=5").json()
    assert proposal["applied"] is False and len(proposal["moves"]) <= 5
    assert proposal["spread_after"]["cv"] <= proposal["spread_before"]["cv"]
    wrong = manager.get("/api/territories/rebalance?metric=colour")
    assert wrong.status_code == 422
    assert api_as(4).post("/api/territories/rebalance/apply", json={}).status_code == 403
    body = {"metric": "accounts", "max_moves": 5, "as_of": "2026-04-15"}
    first = proposal["moves"][0]["code"]
    applied = manager.post("/api/territories/rebalance/apply", json={**body, "codes": [first]})
    assert applied.status_code == 200, applied.text
    assert [m["code"] for m in applied.json()["moves"]] == [first]
    assert len(applied.json()["territory_ids"]) == 2
    # the commune's accounts followed at once, as one run of the history
    history = manager.get("/api/assignment/history?limit=1000").json()
    runs = {h["run_id"] for h in history if h["reason"].startswith("rééquilibrage")}
    moved = [h for h in history if h["reason"].startswith("rééquilibrage")]
    assert len(runs) == 1 and 0 < len(moved) <= proposal["moves"][0]["weight"]
    assert manager.get("/api/assignment/preview").json()["total"] == 0


def test_preview_apply_override_and_queue(api_as: ClientFactory) -> None:
    manager = api_as(1)
    dispatcher = api_as(2)
    dispatcher.post("/api/assignment/apply", json={"reason": "mise à plat"})
    assert dispatcher.get("/api/assignment/preview").json()["total"] == 0
    manager.patch("/api/territories/1", json={"rep_id": 5}, headers={"If-Match": "*"})
    preview = dispatcher.get("/api/assignment/preview").json()
    assert preview["applied"] is False and preview["total"] > 100
    [move] = preview["moves"]
    assert (move["from_rep_name"], move["to_rep_name"]) == ("Camille Martin", "Julien Bernard")
    applied = dispatcher.post("/api/assignment/apply", json={"reason": "congé"}).json()
    assert applied["applied"] is True and applied["moves"] == preview["moves"]

    queue = dispatcher.get("/api/assignment/queue?limit=3").json()
    assert queue["total"] >= 1 and queue["items"][0]["reason"]
    account = queue["items"][0]["id"]
    manual = dispatcher.post(
        "/api/assignment/manual", json={"account_ids": [account], "rep_id": 6, "reason": "VIP"}
    )
    assert manual.json() == {"changed": 1}
    assert dispatcher.post("/api/assignment/apply", json={}).json()["total"] == 0  # locked
    history = dispatcher.get(f"/api/assignment/history?account_id={account}").json()
    assert history[0]["reason"] == "VIP" and history[0]["changed_by"] == 2
    unlock = dispatcher.post(
        "/api/assignment/lock", json={"account_ids": [account], "locked": False}
    )
    assert unlock.json() == {"changed": 1}
    missing = dispatcher.post("/api/assignment/manual", json={"account_ids": [999999], "rep_id": 6})
    assert missing.status_code == 404
    empty = dispatcher.post("/api/assignment/manual", json={"account_ids": [], "rep_id": 6})
    assert empty.status_code == 422


def test_a_priority_outside_0_to_1000_is_refused_in_french_and_nothing_is_saved(
    api_as: ClientFactory,
) -> None:
    """The form's limits are the server's: -3, 1001, 2.5 and a huge number are each a 422
    naming « priorité » and the range, on a retouch (PATCH, PUT-like full edit) and on a new
    territory; the territory keeps its priority and its version, no territory is created."""
    manager = api_as(1)
    before = manager.get("/api/territories/2")
    kept, tag = before.json()["properties"]["priority"], before.headers["ETag"]
    count = len(manager.get("/api/territories").json()["features"])
    for value in (-3, 1001, 2.5, 99999999999, "5", True, None):
        patched = manager.patch(
            "/api/territories/2",
            json={"name": "Alpes-Maritimes", "priority": value},
            headers={"If-Match": tag},
        )
        assert patched.status_code == 422, (value, patched.text)
        body = patched.json()
        assert body["text"].startswith("priorité : doit être un nombre entier de 0 à 1000"), body
        created = manager.post(
            "/api/territories", json={"name": "Carré", "geometry": SQUARE, "priority": value}
        )
        assert created.status_code == 422, (value, created.text)
        assert "priorité : doit être un nombre entier de 0 à 1000" in created.json()["text"]
    after = manager.get("/api/territories/2")
    assert after.json()["properties"]["priority"] == kept and after.headers["ETag"] == tag
    assert len(manager.get("/api/territories").json()["features"]) == count
    # the limits themselves are fine, and a whole number written 7.0 is 7
    for value, stored in ((0, 0), (1000, 1000), (7.0, 7)):
        tag = manager.get("/api/territories/2").headers["ETag"]
        ok = manager.patch(
            "/api/territories/2", json={"priority": value}, headers={"If-Match": tag}
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["properties"]["priority"] == stored
    schema = manager.get("/api/openapi.json").json()["components"]["schemas"]["TerritoryIn"]
    assert schema["properties"]["priority"]["minimum"] == 0
    assert schema["properties"]["priority"]["maximum"] == 1000


def test_an_import_with_a_priority_out_of_range_writes_nothing(api_as: ClientFactory) -> None:
    manager = api_as(1)
    exported = manager.get("/api/territories/export").json()
    exported["features"][0]["properties"]["priority"] = 1001
    exported["features"].append(
        {"type": "Feature", "properties": {"name": "Carré", "priority": 2.5}, "geometry": SQUARE}
    )
    refused = manager.post("/api/territories/import", json=exported)
    assert refused.status_code == 422, refused.text
    text = refused.json()["text"]
    assert text.count("la priorité doit être un nombre entier de 0 à 1000") == 2, text
    names = [f["properties"]["name"] for f in manager.get("/api/territories").json()["features"]]
    assert "Carré" not in names
    assert manager.get("/api/territories/1").json()["properties"]["priority"] != 1001
