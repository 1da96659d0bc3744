"""A write made with the session cookie must come from the app's own origin (CSRF)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.services import scoring
from tests.web import EMAILS, PASSWORD

OWN = "http://testserver"


def _cookie_client(anonymous: TestClient, user: int = 1) -> TestClient:
    """Logged in as a browser is: the session cookie only, no bearer header."""
    done = anonymous.post("/login", data={"email": EMAILS[user], "password": PASSWORD})
    assert done.status_code in (200, 303)
    assert "authorization" not in anonymous.headers
    return anonymous


def _rules(browser: TestClient) -> dict[str, str]:
    """Each rule's key and the value its on/off button would set (``false``: it is on)."""
    page = browser.get("/regles").text
    return dict(
        re.findall(
            r'action="/regles/([^"/]+)/activation"><input type="hidden" name="enabled" value="(\w+)"',
            page,
        )
    )


def test_a_page_on_another_port_cannot_switch_a_rule_off(
    anonymous: TestClient, demo_db: Session
) -> None:
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        scoring.import_rules(demo_db, path.read_text(encoding="utf-8"))
    browser = _cookie_client(anonymous)
    before = _rules(browser)
    key = next(k for k, v in before.items() if v == "false")  # a rule that is on
    attack = browser.post(
        f"/regles/{key}/activation",
        data={"enabled": "false"},
        headers={"Origin": "http://testserver:8081"},
        follow_redirects=False,
    )
    assert attack.status_code == 403 and "CSRF" in attack.text
    assert _rules(browser)[key] == "false", "nothing changed: the rule is still on"
    silent = browser.post(f"/regles/{key}/activation", data={"enabled": "false"})
    assert silent.status_code == 403, "no Origin and no Referer: refused too"
    own = browser.post(
        f"/regles/{key}/activation",
        data={"enabled": "false"},
        headers={"Origin": OWN},
        follow_redirects=False,
    )
    assert own.status_code == 303 and _rules(browser)[key] == "true", "switched off"


def test_json_writes_with_the_cookie_are_checked_too(anonymous: TestClient) -> None:
    browser = _cookie_client(anonymous, user=4)
    body = {"report": "Compte rendu", "client_key": "csrf-1"}
    refused = browser.post("/api/visits", json=body, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("requête refusée")


def test_api_clients_with_a_bearer_token_need_no_origin(anonymous: TestClient) -> None:
    token = anonymous.post(
        "/api/auth/login", json={"email": EMAILS[4], "password": PASSWORD}
    ).json()["token"]
    out = anonymous.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert out.status_code == 204
