"""A manager acts on their team only; a rep on their own accounts and the prospects near home."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.api.authz_world import OTHER_MANAGER_EMAIL, client_for, other_team
from tests.web import ClientFactory

CAMILLE, JULIEN, CLAIRE, KARIM = 4, 5, 1, 2


def _owner(db: Session, account_id: int) -> int | None:
    return db.execute(
        text("SELECT owner_id FROM account_assignments WHERE account_id = :a"), {"a": account_id}
    ).scalar()


def _first_account(db: Session, rep_id: int) -> int:
    return int(
        db.execute(
            text("SELECT min(account_id) FROM account_assignments WHERE owner_id = :r"),
            {"r": rep_id},
        ).scalar_one()
    )


def test_a_manager_cannot_take_another_teams_account(
    api_as: ClientFactory, demo_db: Session
) -> None:
    team = other_team(demo_db)
    claire = api_as(CLAIRE)
    taken = claire.post(
        "/api/assignment/manual", json={"account_ids": [team.account_id], "rep_id": CAMILLE}
    )
    assert taken.status_code == 403
    assert _owner(demo_db, team.account_id) == team.rep_id  # nothing moved
    given = claire.post(  # nor give one of hers to the other team's rep
        "/api/assignment/manual",
        json={"account_ids": [_first_account(demo_db, CAMILLE)], "rep_id": team.rep_id},
    )
    assert given.status_code == 403
    own = _first_account(demo_db, JULIEN)  # within her team it works
    moved = claire.post("/api/assignment/manual", json={"account_ids": [own], "rep_id": CAMILLE})
    assert moved.status_code == 200 and moved.json() == {"changed": 1}
    assert _owner(demo_db, own) == CAMILLE
    # the dispatcher works company-wide
    karim = api_as(KARIM)
    back = karim.post(
        "/api/assignment/manual", json={"account_ids": [team.account_id], "rep_id": CAMILLE}
    )
    assert back.status_code == 200 and _owner(demo_db, team.account_id) == CAMILLE


def test_a_manager_edits_only_their_teams_territories(
    api_as: ClientFactory, demo_db: Session
) -> None:
    team = other_team(demo_db)
    claire = api_as(CLAIRE)
    assert (
        claire.patch(f"/api/territories/{team.territory_id}", json={"priority": 9}).status_code
        == 403
    )
    assert claire.delete(f"/api/territories/{team.territory_id}").status_code == 403
    assert claire.patch("/api/territories/1", json={"rep_id": team.rep_id}).status_code == 403
    priority = demo_db.execute(
        text("SELECT priority FROM territories WHERE id = :t"), {"t": team.territory_id}
    ).scalar_one()
    assert priority == 0
    any_version = {"If-Match": "*"}
    assert (
        claire.patch("/api/territories/1", json={"priority": 3}, headers=any_version).status_code
        == 200
    )
    nadia = client_for(demo_db, OTHER_MANAGER_EMAIL)
    assert nadia.patch("/api/territories/1", json={"priority": 4}).status_code == 403
    mine = nadia.patch(
        f"/api/territories/{team.territory_id}", json={"priority": 5}, headers=any_version
    )
    assert mine.status_code == 200


def test_a_manager_sees_and_plans_for_their_team_only(
    api_as: ClientFactory, demo_db: Session
) -> None:
    team = other_team(demo_db)
    claire = api_as(CLAIRE)
    assert claire.get(f"/api/accounts/{team.account_id}").status_code == 404
    assert claire.patch(f"/api/accounts/{team.account_id}", json={"sector": "x"}).status_code == 403
    listed = claire.get("/api/accounts", params={"q": "GRASSE TORRÉFACTION"}).json()
    assert listed == []
    assert claire.get("/api/tasks", params={"rep": team.rep_id}).status_code == 403
    assert claire.get("/api/tasks", params={"rep": 5}).status_code == 200
    nadia = client_for(demo_db, OTHER_MANAGER_EMAIL)
    assert nadia.get(f"/api/accounts/{team.account_id}").status_code == 200
    assert nadia.get(f"/api/accounts/{_first_account(demo_db, CAMILLE)}").status_code == 404
    unowned = {  # a manager's list: her team's accounts and those nobody owns, no other team's
        int(r[0])
        for r in demo_db.execute(
            text("""SELECT a.id FROM accounts a
                    LEFT JOIN account_assignments asg ON asg.account_id = a.id
                    WHERE asg.owner_id IS NULL""")
        )
    }
    assert 0 < len(unowned) < 499
    listed = {r["id"] for r in nadia.get("/api/accounts", params={"limit": 500}).json()}
    assert listed == unowned | {team.account_id}


def _unassigned_prospect(db: Session, lon: float, lat: float) -> int:
    """A prospect nobody owns at (lon, lat)."""
    return int(
        db.execute(
            text(
                """INSERT INTO accounts (name, kind, geom, geocode_status)
                   VALUES ('PROSPECT ' || :lon, 'prospect',
                           ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'manual') RETURNING id"""
            ),
            {"lon": lon, "lat": lat},
        ).scalar_one()
    )


def test_a_rep_reaches_unassigned_prospects_near_home_only(
    api_as: ClientFactory, demo_db: Session
) -> None:
    # Camille lives in Beausoleil (7.4255, 43.7429); the radius is 30 km by default
    near = _unassigned_prospect(demo_db, 7.43, 43.75)  # under 1 km
    far = _unassigned_prospect(demo_db, 6.92, 43.66)  # Grasse, about 42 km
    camille = api_as(CAMILLE)
    assert camille.get(f"/api/accounts/{near}").status_code == 200
    assert camille.get(f"/api/accounts/{far}").status_code == 404  # as if it did not exist
    edited = camille.patch(
        f"/api/accounts/{near}", json={"sector": "Hôtel"}, headers={"If-Match": '"1"'}
    )
    assert edited.status_code == 200
    assert camille.patch(f"/api/accounts/{far}", json={"sector": "Hôtel"}).status_code == 403
    sector = demo_db.execute(
        text("SELECT sector FROM accounts WHERE id = :a"), {"a": far}
    ).scalar_one()
    assert sector is None
    # the list says the same as reading by id, even searched around the far one
    around_far = camille.get(
        "/api/accounts/nearby", params={"lon": 6.92, "lat": 43.66, "radius_m": 2000}
    ).json()
    assert far not in {r["id"] for r in around_far}
    around_near = camille.get(
        "/api/accounts/nearby", params={"lon": 7.43, "lat": 43.75, "radius_m": 2000}
    ).json()
    assert near in {r["id"] for r in around_near}
    assert camille.get(f"/comptes/{far}").status_code == 404
    assert camille.get(f"/comptes/{near}").status_code == 200
    # a client nobody owns is no prospect: not reachable even next door
    demo_db.execute(text("UPDATE accounts SET kind = 'client' WHERE id = :a"), {"a": near})
    assert camille.get(f"/api/accounts/{near}").status_code == 404
    # a visit at the far one is refused and nothing is recorded
    visit = camille.post(
        "/api/visits", json={"account_id": far, "client_key": "far-away-1", "report": "x"}
    )
    assert visit.status_code == 403
    count = demo_db.execute(
        text("SELECT count(*) FROM activities WHERE account_id = :a"), {"a": far}
    ).scalar_one()
    assert count == 0


def test_the_reach_is_a_setting(api_as: ClientFactory, demo_db: Session) -> None:
    from fieldcrm.config import Settings
    from fieldcrm.services import accounts

    near = _unassigned_prospect(demo_db, 7.43, 43.75)
    far = _unassigned_prospect(demo_db, 6.92, 43.66)
    from fieldcrm.auth.roles import Actor, Role

    camille = Actor(CAMILLE, Role.REP)
    wide = Settings(nearby_prospect_radius_km=60, _env_file=None)
    narrow = Settings(nearby_prospect_radius_km=0.1, _env_file=None)
    assert accounts.access(demo_db, actor=camille, account_id=far, settings=wide)["in_reach"]
    assert not accounts.access(demo_db, actor=camille, account_id=near, settings=narrow)["in_reach"]


def test_a_rep_books_at_a_prospect_within_reach_not_beyond(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The reach rule serves booking too: the prospect next door gets its appointment, the
    one 42 km away is refused and nothing is booked."""
    near = _unassigned_prospect(demo_db, 7.43, 43.75)
    far = _unassigned_prospect(demo_db, 6.92, 43.66)
    camille = api_as(CAMILLE)
    body = {"date": "2026-06-10", "time": "11:00", "duration_minutes": 45}
    booked = camille.post("/api/appointments", json=body | {"account_id": near})
    assert booked.status_code == 201, booked.text
    refused = camille.post("/api/appointments", json=body | {"time": "15:00", "account_id": far})
    assert refused.status_code in (403, 404), refused.text
    count = demo_db.execute(
        text("SELECT count(*) FROM appointments WHERE account_id = ANY(:a)"), {"a": [near, far]}
    ).scalar_one()
    assert count == 1
