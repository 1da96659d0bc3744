"""QA 23: switching a rule on or off said « Règle modifiée », whichever it was: it now says
« activée » or « désactivée » (in English too), naming the rule."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.test_rules_draft import KEY, ship_rules
from tests.web import ClientFactory

pytestmark = pytest.mark.db
NAME = {
    "fr": "CA en baisse sur un compte à fort potentiel",
    "en": "Falling revenue on a high-potential account",
}


def _said(page: str) -> str:
    found = re.search(r'id="rule-switched">(.*?)</p>', page, re.S)
    assert found, page[-1500:]
    return html.unescape(found.group(1)).strip()


def _switch(client: TestClient, enabled: bool, lang: str = "fr") -> str:
    version = client.get(f"/api/rules/{KEY}").json()["version"]
    done = client.post(
        f"/regles/{KEY}/activation",
        data={"enabled": "true" if enabled else "false", "version": str(version)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    return _said(client.get(f"{done.headers['location']}&lang={lang}").text)


def test_switching_a_rule_says_whether_it_is_now_on_or_off(
    api_as: ClientFactory, demo_db: Session
) -> None:
    ship_rules(demo_db)
    manager = api_as(1)
    assert _switch(manager, False) == f"Règle « {NAME['fr']} » désactivée."
    assert manager.get(f"/api/rules/{KEY}").json()["enabled"] is False
    assert _switch(manager, True) == f"Règle « {NAME['fr']} » activée."
    assert manager.get(f"/api/rules/{KEY}").json()["enabled"] is True
    assert _switch(manager, False, "en") == f"Rule “{NAME['en']}” switched off."
    assert _switch(manager, True, "en") == f"Rule “{NAME['en']}” switched on."


def test_a_switch_link_without_its_state_says_the_rules_state(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """An older link (``?switched=key`` alone) says what the rule is now."""
    ship_rules(demo_db)
    manager = api_as(1)
    page = manager.get("/regles", params={"switched": KEY}).text
    assert _said(page) == f"Règle « {NAME['fr']} » activée."
    manager.post(f"/regles/{KEY}/activation", data={"enabled": "false"})
    page = manager.get("/regles", params={"switched": KEY, "on": "x"}).text
    assert _said(page) == f"Règle « {NAME['fr']} » désactivée."
