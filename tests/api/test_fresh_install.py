"""A fresh install (no territory, no account) answers every screen, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import SYSTEM, Role
from fieldcrm.services import users
from tests.web import make_client

PATHS = (
    "/territoires",
    "/affectations",
    "/comptes",
    "/frais",
    "/alertes",
    "/api/territories",
    "/api/territories/overlaps",
    "/api/territories/gaps",
    "/api/territories/balance",
)


@pytest.mark.db
def test_an_empty_company_opens_every_office_screen(db: Session) -> None:
    users.create_user(
        db,
        actor=SYSTEM,
        email="direction@exemple.fr",
        full_name="Direction",
        role=Role.MANAGER,
        password="mot-de-passe-1",
    )
    client = make_client(db)
    login = {"email": "direction@exemple.fr", "password": "mot-de-passe-1"}
    token = client.post("/api/auth/login", json=login).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"
    answers = {path: client.get(path).status_code for path in PATHS}
    assert answers == dict.fromkeys(PATHS, 200)
