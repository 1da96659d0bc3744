"""Users through the API and the command line."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory


def test_managers_see_their_team_and_reps_only_themselves(api_as: ClientFactory) -> None:
    team = {u["id"] for u in api_as(1).get("/api/users").json()}
    assert {1, 4, 5, 6} <= team and 3 not in team
    assert [u["id"] for u in api_as(4).get("/api/users").json()] == [4]
    assert all("password_hash" not in u for u in api_as(3).get("/api/users").json())


def test_only_admins_create_users(api_as: ClientFactory, demo_db: Session) -> None:
    body = {
        "email": "lea.roux@cafes-riviera.fr",
        "full_name": "Léa Roux",
        "role": "rep",
        "password": "bonjour-2026",
        "manager_id": 1,
    }
    assert api_as(1).post("/api/users", json=body).status_code == 403
    created = api_as(3).post("/api/users", json=body)
    assert created.status_code == 201
    assert api_as(3).post("/api/users", json=body).status_code == 409
    role = demo_db.execute(
        text("SELECT role FROM users WHERE id = :id"), {"id": created.json()["id"]}
    ).scalar_one()
    assert role == "rep"
    login = api_as(3).post(
        "/api/auth/login", json={"email": body["email"], "password": body["password"]}
    )
    assert login.status_code == 200


def test_unknown_role_is_422_naming_the_field(api_as: ClientFactory) -> None:
    body = {"email": "x@y.fr", "full_name": "X", "role": "boss", "password": "bonjour-2026"}
    response = api_as(3).post("/api/users", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "role"
