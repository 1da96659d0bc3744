"""Deleting a rule from "Règles" asks first, naming the rule and the open alerts it leaves."""

from __future__ import annotations

import html

import pytest
import yaml
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.api.test_rules_draft import KEY, ship_rules
from tests.web import ClientFactory

pytestmark = pytest.mark.db


def _delete_form(page: str, key: str) -> str:
    return html.unescape(page.split(f'action="/regles/{key}/suppression"', 1)[1].split(">", 1)[0])


def _alert(db: Session, key: str, account_id: int, status: str, period: str) -> None:
    db.execute(
        text("""INSERT INTO alerts (rule_key, account_id, period, message, status)
                VALUES (:k, :a, :p, 'test', :s)"""),
        {"k": key, "a": account_id, "p": period, "s": status},
    )


def test_the_delete_button_asks_naming_the_rule_and_its_open_alerts(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    demo_db.execute(text("DELETE FROM alerts WHERE rule_key = :k"), {"k": KEY})
    accounts = demo_db.execute(text("SELECT id FROM accounts ORDER BY id LIMIT 3")).scalars().all()
    for account_id in accounts[:2]:
        _alert(demo_db, KEY, account_id, "open", "2026-04")
    _alert(demo_db, KEY, accounts[2], "closed", "2026-04")
    manager = api_as(1)
    names = yaml.safe_load(manager.get(f"/api/rules/{KEY}").json()["definition"])["name"]
    name = names["fr"]  # the shipped rule names itself in French and English

    form = _delete_form(manager.get("/regles").text, KEY)
    assert f"Supprimer la règle « {name} » ({KEY}) ? Elle ne se déclenchera plus." in form
    assert "Ses 2 alertes ouvertes restent, à traiter." in form  # the closed one is not counted
    assert "onclick" not in form and "data-confirm=" in form  # app.js asks: no inline script
    english = _delete_form(manager.get("/regles", params={"lang": "en"}).text, KEY)
    assert f"« {names['en']} » ({KEY})" in english or f"“{names['en']}” ({KEY})" in english

    deleted = manager.post(f"/regles/{KEY}/suppression", follow_redirects=False)
    assert deleted.status_code == 303
    page = manager.get(deleted.headers["location"]).text
    assert f"Règle « {KEY} » supprimée." in html.unescape(page)
    assert f'action="/regles/{KEY}/suppression"' not in page
    assert manager.get(f"/api/rules/{KEY}").status_code == 404
    kept = demo_db.execute(
        text("SELECT count(*) FROM alerts WHERE rule_key = :k AND status = 'open'"), {"k": KEY}
    ).scalar_one()
    assert kept == 2  # its alerts stay, as the confirmation said


def test_a_rule_without_open_alerts_says_so_and_a_rep_cannot_delete(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    demo_db.execute(text("UPDATE alerts SET status = 'closed' WHERE rule_key = :k"), {"k": KEY})
    form = _delete_form(api_as(1).get("/regles").text, KEY)
    assert "Elle n’a aucune alerte ouverte." in form
    assert api_as(4).post(f"/regles/{KEY}/suppression").status_code == 403
    assert api_as(1).get(f"/api/rules/{KEY}").status_code == 200
    assert api_as(1).post("/regles/inconnue/suppression").status_code == 404


def test_switching_a_rule_off_says_so_and_that_accounts_are_evaluated_again(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    version = manager.get(f"/api/rules/{KEY}").json()["version"]
    switched = manager.post(
        f"/regles/{KEY}/activation",
        data={"enabled": "false", "version": str(version)},
        follow_redirects=False,
    )
    assert switched.status_code == 303
    page = html.unescape(manager.get(switched.headers["location"]).text)
    assert 'id="rule-switched"' in page
    assert "alertes et priorités suivent dans les minutes qui viennent" in page
    assert manager.get(f"/api/rules/{KEY}").json()["enabled"] is False
    assert "alertes et priorités suivent" not in html.unescape(manager.get("/regles").text)
