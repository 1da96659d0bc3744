"""A second team beside the demo company's, for scope tests: another manager with a rep, an
account and a territory of theirs; and clients logged in as anyone."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import PASSWORD, make_client

OTHER_MANAGER_EMAIL = "nadia.autre-equipe@cafes-riviera.fr"
OTHER_REP_EMAIL = "hugo.autre-equipe@cafes-riviera.fr"


@dataclass(frozen=True)
class OtherTeam:
    """Ids of the second team and of what it owns."""

    manager_id: int
    rep_id: int
    account_id: int
    territory_id: int


def other_team(db: Session) -> OtherTeam:
    """Create (inside the test's transaction) a manager, their rep, an account the rep owns
    and a territory of the rep's; passwords are the demo's."""

    def user(email: str, name: str, role: str, manager: int | None) -> int:
        return int(
            db.execute(
                text(
                    """INSERT INTO users (email, full_name, role, password_hash, manager_id, home)
                       SELECT :email, :name, :role, password_hash, :manager,
                              ST_SetSRID(ST_MakePoint(6.9, 43.66), 4326)
                       FROM users WHERE id = 1 RETURNING id"""
                ),
                {"email": email, "name": name, "role": role, "manager": manager},
            ).scalar_one()
        )

    manager = user(OTHER_MANAGER_EMAIL, "Nadia Autre", "manager", None)
    rep = user(OTHER_REP_EMAIL, "Hugo Autre", "rep", manager)
    account = int(
        db.execute(
            text(
                """INSERT INTO accounts (name, kind, geom, geocode_status)
                   VALUES ('GRASSE TORRÉFACTION', 'client',
                           ST_SetSRID(ST_MakePoint(6.92, 43.66), 4326), 'manual') RETURNING id"""
            )
        ).scalar_one()
    )
    db.execute(
        text("INSERT INTO account_assignments (account_id, owner_id) VALUES (:a, :r)"),
        {"a": account, "r": rep},
    )
    territory = int(
        db.execute(
            text(
                """INSERT INTO territories (name, geom, rep_id) VALUES ('Pays de Grasse',
                   ST_Multi(ST_MakeEnvelope(6.85, 43.6, 6.98, 43.7, 4326)), :r) RETURNING id"""
            ),
            {"r": rep},
        ).scalar_one()
    )
    return OtherTeam(manager, rep, account, territory)


def client_for(db: Session, email: str) -> TestClient:
    """A client logged in (bearer token) as the user with ``email``."""
    client = make_client(db)
    response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return client
