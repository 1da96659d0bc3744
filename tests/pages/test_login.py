"""Login page, redirects, language switch."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web import EMAILS


def test_pages_redirect_to_login_and_back(anonymous: TestClient) -> None:
    response = anonymous.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    form = anonymous.get("/login")
    assert "Mot de passe" in form.text
    done = anonymous.post(
        "/login",
        data={"email": EMAILS[1], "password": "demo1234", "next": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    home = anonymous.get("/")
    assert "Bonjour Claire Lefèvre" in home.text


def test_wrong_password_shows_the_form_again(anonymous: TestClient) -> None:
    response = anonymous.post("/login", data={"email": EMAILS[4], "password": "wrong-one"})
    assert response.status_code == 401
    assert "E-mail ou mot de passe incorrect." in response.text


def test_login_never_redirects_off_site(anonymous: TestClient) -> None:
    done = anonymous.post(
        "/login",
        data={"email": EMAILS[4], "password": "demo1234", "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/"


def test_english_on_request(anonymous: TestClient) -> None:
    assert "Password" in anonymous.get("/login?lang=en").text
    anonymous.get("/langue/en", follow_redirects=False)
    assert "Password" in anonymous.get("/login").text
