"""User administration (admins only): every action works, is audited, and others get 403."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import EMAILS, PASSWORD, ClientFactory, make_client

ADMIN, MANAGER, DISPATCHER, CAMILLE, JULIEN, SOPHIE = 3, 1, 2, 4, 5, 6


def _audit(db: Session, user_id: int) -> list[tuple[str, int | None, Any]]:
    rows = db.execute(
        text(
            "SELECT action, actor_id, changes FROM audit_log "
            "WHERE entity = 'user' AND entity_id = :id ORDER BY id"
        ),
        {"id": str(user_id)},
    ).all()
    return [(r.action, r.actor_id, r.changes) for r in rows]


def _login(client: TestClient, email: str, password: str = PASSWORD) -> int:
    return client.post("/api/auth/login", json={"email": email, "password": password}).status_code


def _token(client: TestClient, email: str, password: str = PASSWORD) -> str:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def _use(db: Session, code: str, password: str) -> Any:
    """The person who got the code, in a browser of their own (no session cookie)."""
    return make_client(db).post(
        "/api/auth/password-reset", json={"code": code, "password": password}
    )


def _me(client: TestClient, token: str) -> int:
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.mark.parametrize("who", [MANAGER, DISPATCHER, CAMILLE])
def test_non_admins_get_403_everywhere(api_as: ClientFactory, who: int) -> None:
    client = api_as(who)
    calls = [
        client.get(f"/api/users/{JULIEN}"),
        client.patch(f"/api/users/{JULIEN}", json={"role": "manager"}),
        client.post(f"/api/users/{JULIEN}/disable"),
        client.post(f"/api/users/{JULIEN}/enable"),
        client.post(f"/api/users/{JULIEN}/password-reset"),
        client.get(f"/api/users/{JULIEN}/sessions"),
        client.delete(f"/api/users/{JULIEN}/sessions/1"),
        client.post("/api/users", json={"email": "x@y.fr", "full_name": "X", "role": "rep"}),
        client.get("/utilisateurs"),
        client.get(f"/utilisateurs/{JULIEN}"),
        client.post(f"/utilisateurs/{JULIEN}/desactiver"),
    ]
    assert [c.status_code for c in calls] == [403] * len(calls)


def test_role_and_team_changes_are_audited(api_as: ClientFactory, demo_db: Session) -> None:
    admin = api_as(ADMIN)
    promoted = admin.patch(f"/api/users/{SOPHIE}", json={"role": "manager", "manager_id": None})
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "manager" and promoted.json()["manager_id"] is None
    moved = admin.patch(f"/api/users/{JULIEN}", json={"manager_id": SOPHIE})
    assert moved.json()["manager_id"] == SOPHIE and moved.json()["role"] == "rep"
    assert ("update", ADMIN, {"role": ["rep", "manager"], "manager_id": [MANAGER, None]}) in _audit(
        demo_db, SOPHIE
    )
    assert _audit(demo_db, JULIEN)[-1] == ("update", ADMIN, {"manager_id": [MANAGER, SOPHIE]})
    me = api_as(SOPHIE).get("/api/auth/me").json()
    assert me["role"] == "manager" and me["team"] == [JULIEN]
    detail = admin.get(f"/api/users/{JULIEN}").json()
    assert detail["history"][0]["action"] == "update"
    assert detail["history"][0]["actor_name"]
    refused = admin.patch(f"/api/users/{JULIEN}", json={"manager_id": CAMILLE})
    assert refused.status_code == 422 and refused.json()["field"] == "manager_id"


def test_a_disabled_user_cannot_log_in_and_their_token_stops(
    api_as: ClientFactory, anonymous: TestClient, demo_db: Session
) -> None:
    token = _token(anonymous, EMAILS[CAMILLE])
    assert _me(anonymous, token) == 200
    disabled = api_as(ADMIN).post(f"/api/users/{CAMILLE}/disable")
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert _me(anonymous, token) == 401
    assert _login(anonymous, EMAILS[CAMILLE]) == 403
    action, actor, changes = _audit(demo_db, CAMILLE)[-1]
    assert (action, actor) == ("disable", ADMIN) and changes["sessions_ended"] >= 1
    assert api_as(ADMIN).post(f"/api/users/{CAMILLE}/enable").json()["active"] is True
    assert _audit(demo_db, CAMILLE)[-1][:2] == ("enable", ADMIN)
    assert _me(anonymous, token) == 401, "enabling does not revive the old sessions"
    assert _login(anonymous, EMAILS[CAMILLE]) == 200


def test_an_admin_cannot_lock_themself_out(api_as: ClientFactory) -> None:
    admin = api_as(ADMIN)
    assert admin.post(f"/api/users/{ADMIN}/disable").status_code == 409
    assert admin.patch(f"/api/users/{ADMIN}", json={"role": "rep"}).status_code == 409
    assert admin.get("/api/auth/me").status_code == 200


def test_a_new_user_chooses_a_password_with_a_one_time_code(
    api_as: ClientFactory, anonymous: TestClient, demo_db: Session
) -> None:
    body = {"email": "lea.roux@cafes-riviera.fr", "full_name": "Léa Roux", "role": "rep"}
    created = api_as(ADMIN).post("/api/users", json={**body, "manager_id": MANAGER})
    assert created.status_code == 201, created.text
    user_id, reset = created.json()["id"], created.json()["reset"]
    assert reset["path"] == f"/mot-de-passe?code={reset['code']}"
    assert _login(anonymous, body["email"], "n'importe-quoi") == 403, "no password yet"
    stored = demo_db.execute(text("SELECT code_digest FROM password_resets")).scalars().all()
    assert all(reset["code"].encode() not in bytes(d) for d in stored), "only a digest is kept"
    answer = _use(demo_db, reset["code"], "bonjour-2026")
    assert answer.status_code == 204, answer.text
    assert _login(anonymous, body["email"], "bonjour-2026") == 200
    actions = [(a, actor) for a, actor, _ in _audit(demo_db, user_id)]
    assert actions == [
        ("create", ADMIN),
        ("password_reset_issued", ADMIN),
        ("password_reset_used", user_id),
    ]
    assert reset["code"] not in str(_audit(demo_db, user_id)), "the code is never logged"


def test_a_reset_code_works_once_and_ends_the_sessions(
    api_as: ClientFactory, anonymous: TestClient, demo_db: Session
) -> None:
    token = _token(anonymous, EMAILS[JULIEN])
    reset = api_as(ADMIN).post(f"/api/users/{JULIEN}/password-reset")
    assert reset.status_code == 201
    code = reset.json()["code"]
    assert _login(anonymous, EMAILS[JULIEN]) == 200, "issuing a code locks nobody out"
    first = _use(demo_db, code, "neuf-2026!")
    assert first.status_code == 204
    assert _me(anonymous, token) == 401
    again = _use(demo_db, code, "autre-2026!")
    assert again.status_code == 422 and again.json()["field"] == "code"
    assert _login(anonymous, EMAILS[JULIEN], "neuf-2026!") == 200
    assert _login(anonymous, EMAILS[JULIEN]) == 403, "the old password is gone"


def test_a_reset_code_expires_and_a_newer_one_replaces_it(
    api_as: ClientFactory, anonymous: TestClient, demo_db: Session
) -> None:
    admin = api_as(ADMIN)
    older = admin.post(f"/api/users/{JULIEN}/password-reset").json()["code"]
    newer = admin.post(f"/api/users/{JULIEN}/password-reset").json()
    assert _use(demo_db, older, "neuf-2026!").status_code == 422
    assert anonymous.get(f"/mot-de-passe?code={newer['code']}").status_code == 200
    demo_db.execute(  # 24 hours later
        text("UPDATE password_resets SET expires_at = now() - interval '1 second'")
    )
    page = anonymous.get(f"/mot-de-passe?code={newer['code']}")
    assert page.status_code == 410 and "expiré" in page.text
    expired = _use(demo_db, newer["code"], "neuf-2026!")
    assert expired.status_code == 422
    assert _login(anonymous, EMAILS[JULIEN]) == 200


def test_sessions_are_listed_and_one_is_revoked(
    api_as: ClientFactory, anonymous: TestClient, demo_db: Session
) -> None:
    kept, ended = _token(anonymous, EMAILS[CAMILLE]), _token(anonymous, EMAILS[CAMILLE])
    admin = api_as(ADMIN)
    listed = admin.get(f"/api/users/{CAMILLE}/sessions").json()
    assert len(listed) == 2 and all("token" not in s for s in listed)
    newest = listed[0]["id"]  # the second login
    assert admin.delete(f"/api/users/{CAMILLE}/sessions/{newest}").status_code == 204
    assert _me(anonymous, ended) == 401 and _me(anonymous, kept) == 200
    assert _audit(demo_db, CAMILLE)[-1] == ("session_revoked", ADMIN, {"session_id": newest})
    assert admin.delete(f"/api/users/{CAMILLE}/sessions/{newest}").status_code == 404
    assert admin.delete(f"/api/users/{JULIEN}/sessions/{listed[1]['id']}").status_code == 404
