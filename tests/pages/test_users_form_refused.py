"""The admin's new-user form, refused: it comes back with what was typed and, beside each
field, what is wrong in French (never a bare error page); nothing is stored."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

ADMIN, MANAGER = 3, 1


def _users(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM users")).scalar_one())


def _value(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return found.group(1) if found else None


def _selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    found = re.search(r'<option value="([^"]*)" selected', select.group(1))
    return found.group(1) if found else None


def _field_error(html: str, name: str) -> str | None:
    found = re.search(rf'id="new-user-{name}-error">([^<]*)<', html)
    return found.group(1) if found else None


def test_an_email_already_used_in_another_case_shows_the_form_again(
    api_as: ClientFactory, demo_db: Session
) -> None:
    before = _users(demo_db)
    form = {
        "full_name": "Camille Martin bis",
        "email": "Camille.Martin@Cafes-Riviera.fr",
        "role": "manager",
        "manager_id": str(MANAGER),
    }
    page = api_as(ADMIN).post("/utilisateurs", data=form)
    assert page.status_code == 409
    assert 'id="new-user"' in page.text and "Erreur 409" not in page.text
    assert _value(page.text, "full_name") == "Camille Martin bis"
    assert _value(page.text, "email") == "Camille.Martin@Cafes-Riviera.fr"
    assert _selected(page.text, "role") == "manager"
    assert _selected(page.text, "manager_id") == str(MANAGER)
    said = _field_error(page.text, "email")
    assert said is not None and "déjà utilisé" in said and "Camille.Martin@" in said
    assert re.search(r'name="email"[^>]*aria-invalid="true"', page.text)
    assert _field_error(page.text, "full_name") is None
    assert _users(demo_db) == before, "nothing stored"


def test_every_field_error_of_the_form_is_beside_its_field(
    api_as: ClientFactory, demo_db: Session
) -> None:
    before = _users(demo_db)
    form = {"full_name": "  ", "email": "pas-une-adresse", "role": "chef", "manager_id": "x"}
    page = api_as(ADMIN).post("/utilisateurs", data=form)
    assert page.status_code == 422
    assert _value(page.text, "email") == "pas-une-adresse"
    assert _field_error(page.text, "role") == "rôle : rôle inconnu (reçu : «\u00a0chef\u00a0»)"
    assert (_field_error(page.text, "manager_id") or "").startswith("responsable : ce n’est pas")
    # the role and the manager picked wrong first; then the name and the address
    page = api_as(ADMIN).post("/utilisateurs", data={**form, "role": "rep", "manager_id": ""})
    assert page.status_code == 422
    assert _field_error(page.text, "full_name") == "nom complet : obligatoire"
    said = _field_error(page.text, "email") or ""
    assert said.startswith("e-mail : ce n’est pas une adresse e-mail")
    assert _value(page.text, "email") == "pas-une-adresse"
    too_long = {"full_name": "L" * 201, "email": "a@b.fr", "role": "rep", "manager_id": ""}
    page = api_as(ADMIN).post("/utilisateurs", data=too_long)
    assert _field_error(page.text, "full_name") == "nom complet : plus de 200 caractères"
    assert _users(demo_db) == before, "nothing stored"


def test_the_api_still_answers_409_for_a_taken_email(api_as: ClientFactory) -> None:
    body = {"email": "CAMILLE.MARTIN@cafes-riviera.fr", "full_name": "X", "role": "rep"}
    answer = api_as(ADMIN).post("/api/users", json=body)
    assert answer.status_code == 409
