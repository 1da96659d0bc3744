"""Login, tokens, the error table and the role policy through the real app."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web import EMAILS, ClientFactory


def test_login_gives_a_token_that_identifies_the_user(anonymous: TestClient) -> None:
    response = anonymous.post("/api/auth/login", json={"email": EMAILS[4], "password": "demo1234"})
    assert response.status_code == 200
    token = response.json()["token"]
    me = anonymous.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["name"] == "Camille Martin"
    assert me.json()["role"] == "rep"


def test_wrong_password_and_unknown_email_answer_the_same_403(anonymous: TestClient) -> None:
    wrong = anonymous.post("/api/auth/login", json={"email": EMAILS[4], "password": "nope-nope"})
    unknown = anonymous.post(
        "/api/auth/login", json={"email": "who@nowhere.fr", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 403
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_no_or_forged_token_is_401(anonymous: TestClient) -> None:
    assert anonymous.get("/api/auth/me").status_code == 401
    forged = anonymous.get("/api/auth/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401


def test_malformed_body_is_422_naming_the_field(anonymous: TestClient) -> None:
    response = anonymous.post("/api/auth/login", json={"password": "x"})
    assert response.status_code == 422
    assert any(err["loc"][-1] == "email" for err in response.json()["detail"])


def test_manager_sees_the_team(api_as: ClientFactory) -> None:
    me = api_as(1).get("/api/auth/me").json()
    assert me["role"] == "manager"
    assert {4, 5, 6} <= set(me["team"])


def test_openapi_is_served(anonymous: TestClient) -> None:
    spec = anonymous.get("/api/openapi.json").json()
    assert "/api/auth/login" in spec["paths"]
