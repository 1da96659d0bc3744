"""The "Utilisateurs" screen and the password page, as a browser uses them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import EMAILS, PASSWORD, ClientFactory

ADMIN, CAMILLE = 3, 4


def test_only_the_admin_menu_lists_the_screen(api_as: ClientFactory) -> None:
    page = api_as(ADMIN).get("/utilisateurs")
    assert page.status_code == 200
    assert 'href="/utilisateurs"' in page.text
    assert all(email in page.text for email in EMAILS.values())
    assert 'href="/utilisateurs"' not in api_as(1).get("/comptes").text


def test_create_then_the_person_sets_their_password(
    api_as: ClientFactory, anonymous: TestClient, demo_db: Session
) -> None:
    form = {
        "full_name": "Léa Roux",
        "email": "lea@cafes-riviera.fr",
        "role": "rep",
        "manager_id": "1",
    }
    page = api_as(ADMIN).post("/utilisateurs", data=form)
    assert page.status_code == 200, page.text
    link = re.search(r'id="reset-url">[^<]*(/mot-de-passe\?code=[^<]+)<', page.text)
    assert link, "the link is shown once to the admin"
    path = link.group(1)
    form_page = anonymous.get(path)
    assert form_page.status_code == 200 and 'name="confirmation"' in form_page.text
    code = path.split("code=")[1]
    mismatch = anonymous.post(
        "/mot-de-passe", data={"code": code, "password": "bonjour-2026", "confirmation": "autre"}
    )
    assert mismatch.status_code == 422 and "diffèrent" in mismatch.text
    done = anonymous.post(
        "/mot-de-passe",
        data={"code": code, "password": "bonjour-2026", "confirmation": "bonjour-2026"},
    )
    assert done.status_code == 200 and "Mot de passe enregistré" in done.text
    login = {"email": "lea@cafes-riviera.fr", "password": "bonjour-2026"}
    assert anonymous.post("/api/auth/login", json=login).status_code == 200
    assert anonymous.get(path).status_code == 410, "used once"


def test_disable_revoke_and_change_role_from_the_screen(
    api_as: ClientFactory, anonymous: TestClient, demo_db: Session
) -> None:
    login = {"email": EMAILS[CAMILLE], "password": PASSWORD}
    token = anonymous.post("/api/auth/login", json=login).json()["token"]
    admin = api_as(ADMIN)
    detail = admin.get(f"/utilisateurs/{CAMILLE}")
    revoke = re.search(rf'action="(/utilisateurs/{CAMILLE}/sessions/\d+/revoquer)"', detail.text)
    assert revoke
    assert admin.post(revoke.group(1), follow_redirects=False).status_code == 303
    me = anonymous.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    changed = admin.post(f"/utilisateurs/{CAMILLE}", data={"role": "manager", "manager_id": ""})
    assert changed.status_code == 200 and "Historique" in changed.text
    role = demo_db.execute(text("SELECT role FROM users WHERE id = :id"), {"id": CAMILLE})
    assert role.scalar_one() == "manager"
    off = admin.post(f"/utilisateurs/{CAMILLE}/desactiver")
    assert off.status_code == 200 and "désactivé" in off.text
    assert anonymous.post("/api/auth/login", json=login).status_code == 403
    english = admin.get(f"/utilisateurs/{CAMILLE}?lang=en")
    assert "Open sessions" in english.text and "disabled" in english.text
