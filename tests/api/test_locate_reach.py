"""Placing an account on the map (a pin, a candidate commune, releasing the pin) follows the
reach rule of every account edit: a rep places their own accounts and the unassigned
prospects near home, not the far ones; a manager their team's, not another team's."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.api.authz_world import OTHER_MANAGER_EMAIL, client_for, other_team
from tests.web import ClientFactory

CLAIRE, CAMILLE = 1, 4
PIN = {"lon": 7.431, "lat": 43.751}


def _unassigned_prospect(db: Session, lon: float, lat: float) -> int:
    """A prospect nobody owns at (lon, lat), geocoded (not placed by hand)."""
    return int(
        db.execute(
            text(
                """INSERT INTO accounts (name, kind, geom, geocode_status)
                   VALUES ('PROSPECT ' || :lon, 'prospect',
                           ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'matched') RETURNING id"""
            ),
            {"lon": lon, "lat": lat},
        ).scalar_one()
    )


def _place(db: Session, account_id: int) -> tuple[object, ...]:
    return tuple(
        db.execute(
            text(
                """SELECT round(ST_X(geom)::numeric, 4)::float8, round(ST_Y(geom)::numeric, 4)::float8,
                          geocode_status, location_locked FROM accounts WHERE id = :a"""
            ),
            {"a": account_id},
        ).one()
    )


def test_a_rep_places_a_prospect_near_home_not_a_far_one(
    api_as: ClientFactory, demo_db: Session
) -> None:
    # Camille lives in Beausoleil (7.4255, 43.7429); the reach is 30 km by default
    near = _unassigned_prospect(demo_db, 7.43, 43.75)
    far = _unassigned_prospect(demo_db, 6.92, 43.66)  # Grasse, about 42 km
    far_before = _place(demo_db, far)
    camille = api_as(CAMILLE)
    placed = camille.put(f"/api/geocoding/accounts/{near}/location", json=PIN)
    assert placed.status_code == 200, placed.text
    assert (placed.json()["status"], placed.json()["locked"]) == ("manual", True)
    assert _place(demo_db, near) == (PIN["lon"], PIN["lat"], "manual", True)
    released = camille.delete(f"/api/geocoding/accounts/{near}/lock")
    assert released.status_code == 200 and released.json()["locked"] is False
    # the far one: not readable (404, as if it did not exist), not placeable (403, as a PATCH)
    assert camille.get(f"/api/accounts/{far}").status_code == 404
    refused = camille.put(f"/api/geocoding/accounts/{far}/location", json=PIN)
    assert refused.status_code == 403, refused.text
    assert "placer ce compte sur la carte" in refused.json()["message"]
    assert camille.delete(f"/api/geocoding/accounts/{far}/lock").status_code == 403
    assert camille.post(f"/api/geocoding/accounts/{far}/candidates/0").status_code == 403
    assert _place(demo_db, far) == far_before  # nothing moved, nothing locked
    # the near one went past the rule: its missing candidate is the only problem left
    no_candidate = camille.post(f"/api/geocoding/accounts/{near}/candidates/0")
    assert no_candidate.status_code == 422 and no_candidate.json()["field"] == "candidate"
    # a client nobody owns is no prospect: not placeable even next door
    demo_db.execute(text("UPDATE accounts SET kind = 'client' WHERE id = :a"), {"a": near})
    assert camille.put(f"/api/geocoding/accounts/{near}/location", json=PIN).status_code == 403


def test_a_manager_places_their_teams_accounts_only(
    api_as: ClientFactory, demo_db: Session
) -> None:
    team = other_team(demo_db)
    before = _place(demo_db, team.account_id)
    claire = api_as(CLAIRE)
    assert (
        claire.put(f"/api/geocoding/accounts/{team.account_id}/location", json=PIN).status_code
        == 403
    )
    assert _place(demo_db, team.account_id) == before
    nadia = client_for(demo_db, OTHER_MANAGER_EMAIL)
    camilles = int(
        demo_db.execute(
            text("SELECT min(account_id) FROM account_assignments WHERE owner_id = :r"),
            {"r": CAMILLE},
        ).scalar_one()
    )
    assert nadia.put(f"/api/geocoding/accounts/{camilles}/location", json=PIN).status_code == 403
    mine = nadia.put(f"/api/geocoding/accounts/{team.account_id}/location", json=PIN)
    assert mine.status_code == 200, mine.text
    assert _place(demo_db, team.account_id) == (PIN["lon"], PIN["lat"], "manual", True)
