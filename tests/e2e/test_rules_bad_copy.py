"""A manager on a phone writes a rule copying its alert to a user nobody is: the editor
refuses it, naming the copy in French and what it accepts, with the rule as typed still in
the editor; nothing is saved. Corrected, it saves; switched off, the page says « désactivée »."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.db]
SHOTS = ARTIFACTS / "rules"
KEY = "copie-inconnue"
TYPED = f"""key: {KEY}
name: Copie à un inconnu
when:
  potential: {{gt: 30000}}
then:
  - alert:
      to: commercial
      cc: [directeur_commercial, "utilisateur:jean.inconnu@cafes-riviera.fr"]
      channels: [application, e-mail]
"""


def test_the_editor_refuses_a_copy_to_an_unknown_user_keeping_the_rule(
    phone: Page, e2e_sql: Callable[[str], None]
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    e2e_sql(f"DELETE FROM rules WHERE name = '{KEY}'")
    log_in(phone, 1)  # Claire, manager
    phone.goto("/regles")
    phone.fill("textarea[name=document]", TYPED)
    phone.click("#save-rule")
    phone.wait_for_selector("#problems")

    said = phone.inner_text("#problems")
    assert "action 1 › alerte › copie à (n° 2) : aucun utilisateur actif n’a cette adresse" in said
    assert "(reçu : « jean.inconnu@cafes-riviera.fr »)" in said
    assert "attendu : commercial, utilisateur:<e-mail>, directeur_commercial" in said
    assert "rien n’a été enregistré" in phone.inner_text("[role=alert]")
    assert phone.input_value("textarea[name=document]") == TYPED
    assert phone.request.get(f"/api/rules/{KEY}").status == 404
    phone.locator("[role=alert]").scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "bad-copy-refused.png"))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the refusal fits the phone's width"

    # the copy corrected to a real user, the rule saves; switched off, the page says so
    phone.fill("textarea[name=document]", TYPED.replace("jean.inconnu", "karim.benali"))
    phone.click("#save-rule")
    phone.wait_for_url(f"**/regles?saved={KEY}")
    switch = phone.locator(f'form[action="/regles/{KEY}/activation"] button')
    assert switch.inner_text().strip() == "Oui"
    switch.click()
    phone.wait_for_selector("#rule-switched")
    assert phone.inner_text("#rule-switched") == "Règle « Copie à un inconnu » désactivée."
    phone.screenshot(path=str(SHOTS / "rule-switched-off.png"))
    assert phone.request.get(f"/api/rules/{KEY}").json()["enabled"] is False
    e2e_sql(f"DELETE FROM rules WHERE name = '{KEY}'")
