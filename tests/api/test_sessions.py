"""Sessions live on the server: logout and a new password end them; guessing is throttled."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fieldcrm.auth import passwords
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.services import users
from tests.web import EMAILS, PASSWORD

CAMILLE = 4


def _login(client: TestClient, user: int = CAMILLE, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/auth/login", json={"email": EMAILS[user], "password": password})


def _me(client: TestClient, token: str) -> int:
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_logout_ends_the_token_everywhere(anonymous: TestClient) -> None:
    token = _login(anonymous).json()["token"]
    assert _me(anonymous, token) == 200
    out = anonymous.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert out.status_code == 204
    assert _me(anonymous, token) == 401


def test_the_logout_page_ends_the_cookie_session(anonymous: TestClient) -> None:
    token = _login(anonymous).json()["token"]  # the login also set the cookie
    assert anonymous.get("/api/auth/me").status_code == 200
    anonymous.get("/logout", follow_redirects=False)  # a link or a prefetch: harmless
    assert _me(anonymous, token) == 200
    anonymous.post(
        "/logout", headers={"Origin": "http://testserver"}, follow_redirects=False
    )  # the menu's button
    assert _me(anonymous, token) == 401


def test_a_new_password_ends_every_session(anonymous: TestClient, demo_db: Session) -> None:
    first, second = (_login(anonymous).json()["token"] for _ in range(2))
    users.set_password(
        demo_db, actor=Actor(3, Role.ADMIN), email=EMAILS[CAMILLE], password="nouveau-1234"
    )
    assert _me(anonymous, first) == _me(anonymous, second) == 401
    assert _login(anonymous, password="nouveau-1234").status_code == 200


def test_after_five_failures_even_the_right_password_waits(anonymous: TestClient) -> None:
    for _ in range(5):
        assert _login(anonymous, password="mauvais-mot").status_code == 403
    refused = _login(anonymous)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "900"
    assert "trop de tentatives" in refused.json()["detail"]
    assert _login(anonymous, user=5).status_code == 200, "another account is not locked"


def test_a_success_clears_the_account_failures(anonymous: TestClient) -> None:
    for _ in range(4):
        _login(anonymous, password="mauvais-mot")
    assert _login(anonymous).status_code == 200
    for _ in range(4):
        _login(anonymous, password="mauvais-mot")
    assert _login(anonymous).status_code == 200


def test_an_address_guessing_many_accounts_is_throttled(anonymous: TestClient) -> None:
    for k in range(30):
        anonymous.post("/api/auth/login", json={"email": f"x{k}@nowhere.fr", "password": "x"})
    assert _login(anonymous).status_code == 429


def test_an_unknown_email_costs_the_same_work(anonymous: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    real = passwords.verify_password

    def counted(password_hash, password):  # type: ignore[no-untyped-def]
        calls.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counted)
    anonymous.post("/api/auth/login", json={"email": "who@nowhere.fr", "password": "essai-1"})
    _login(anonymous, password="essai-2")
    assert calls == ["essai-1", "essai-2"], "one Argon2 verification each, known account or not"


def test_the_login_page_says_when_to_come_back(anonymous: TestClient) -> None:
    for _ in range(5):
        anonymous.post("/login", data={"email": EMAILS[CAMILLE], "password": "mauvais-mot"})
    page = anonymous.post("/login", data={"email": EMAILS[CAMILLE], "password": PASSWORD})
    assert page.status_code == 429
    assert "Trop de tentatives de connexion : réessayez dans 15 minutes." in page.text
