"""On the phone, an empty visit report is not sent: the reason shows under the field (the
server's words), nothing waits in the outbox; once written, it is sent and confirmed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import log_in
from tests.e2e.test_offline_outbox import CAMILLE, _camilles_account, _reports

pytestmark = [pytest.mark.e2e, pytest.mark.db]


def test_an_empty_report_is_flagged_on_its_field_and_a_written_one_is_sent(
    phone: Page, e2e_url: str
) -> None:
    account = _camilles_account(e2e_url)
    log_in(phone, CAMILLE)
    phone.goto(f"/comptes/{account}")
    error = phone.locator(f"#report-error-{account}")
    assert error.is_hidden()
    phone.fill("textarea[name=report]", "   ")
    phone.click("button.send-report")
    error.wait_for(state="visible")
    assert error.inner_text() == "Compte rendu : ne doit pas être vide"
    assert phone.get_attribute("textarea[name=report]", "aria-invalid") == "true"
    assert phone.evaluate("window.fieldcrm.pending()") == 0  # nothing queued
    assert phone.url.endswith(f"/comptes/{account}")  # the page did not post the form
    report = "Compte rendu écrit sur le téléphone, commande à suivre."
    phone.fill("textarea[name=report]", report)
    assert error.is_hidden()  # typing clears it
    phone.click("button.send-report")
    phone.wait_for_function(
        "() => document.querySelector('.visit-status').textContent === 'Envoyé.'"
    )
    assert phone.get_attribute("textarea[name=report]", "aria-invalid") is None
    assert _reports(e2e_url, report) == 1
