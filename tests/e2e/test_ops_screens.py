"""On a phone: a manual assignment shows in the history and is undone there; the preview
says why the queue stays; the territories screen flags overloads and stacks the proposal;
an import's report names the accounts it changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Page

from tests.e2e.conftest import ARTIFACTS, log_in, run_worker_once

pytestmark = [pytest.mark.e2e, pytest.mark.db]
SHOTS = ARTIFACTS / "ops"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _accept(page: Page) -> None:
    def on_dialog(dialog: Dialog) -> None:
        dialog.accept()

    page.once("dialog", on_dialog)


def test_a_manual_assignment_is_in_the_history_and_undone_there(phone: Page) -> None:
    log_in(phone, 2)
    phone.goto("/affectations")
    boxes = phone.locator("input[name=account_ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    phone.select_option("select[name=rep_id]", label="Julien Bernard")
    phone.click("#assign-selected")
    phone.wait_for_url("**/affectations?done=*")
    assert phone.locator("[role=status]").inner_text() == "2 comptes attribués."
    first = phone.locator("#run-list li").first
    assert "Attribution manuelle" in first.inner_text()
    assert "par Karim Benali · 2 comptes" in first.inner_text()
    _shot(phone, "dispatch_manual_run")
    _accept(phone)
    first.locator("button[type=submit]").click()
    phone.wait_for_url("**/affectations/operations/*")
    assert "2 comptes sont revenus" in phone.locator("#run-summary").inner_text()
    assert phone.locator("#all-restored").count() == 1


def test_the_preview_says_why_the_queue_stays(phone: Page, e2e_sql: Callable[[str], None]) -> None:
    e2e_sql(
        "UPDATE accounts SET geocode_status = 'to_review' WHERE id IN (SELECT account_id FROM"
        " account_assignments WHERE owner_id IS NOT NULL ORDER BY account_id LIMIT 3)"
    )
    e2e_sql(
        "UPDATE account_assignments SET owner_id = NULL WHERE account_id IN (SELECT id FROM"
        " accounts WHERE geocode_status = 'to_review')"
    )
    log_in(phone, 2)
    phone.goto("/affectations?preview=1#auto")
    total = phone.locator("#queue-blockers-total").inner_text()
    assert total.endswith("comptes de la file restent en attente :")
    unconfirmed = phone.locator("#queue-blockers li[data-reason=unconfirmed]").inner_text()
    assert "lieu non confirmé (à vérifier dans Géocodage)" in unconfirmed
    _shot(phone, "dispatch_preview_blockers")


def test_territories_flag_overloads_and_stack_the_proposal(phone: Page) -> None:
    log_in(phone, 1)
    phone.goto("/territoires?metric=potential_eur_month")
    assert "Charge au-delà du temps de terrain" in phone.locator("#overloaded").inner_text()
    rows = phone.locator("#moves tbody tr")
    assert rows.count() > 0
    # a card per move on a phone: no cell squeezed into a column of broken words
    assert rows.first.evaluate("tr => getComputedStyle(tr).display") == "block"
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    _shot(phone, "territories_proposal")


def test_an_import_report_names_the_accounts_it_changed(
    phone: Page, e2e_url: str, tmp_path: Path
) -> None:
    csv = tmp_path / "comptes.csv"
    csv.write_text(
        "raison sociale;adresse;code postal;ville;code client\n"
        "Essai import;1 rue Neuve;98000;Monaco;OPS-1\n",
        encoding="utf-8",
    )
    log_in(phone, 2)
    for name in ("Essai import", "Essai renommé"):
        csv.write_text(csv.read_text(encoding="utf-8").replace("Essai import", name))
        phone.goto("/import")
        phone.select_option("select[name=kind]", "accounts")
        phone.set_input_files("input[name=file]", str(csv))
        phone.click("form[action='/import'] button[type=submit]")
        phone.wait_for_url("**/taches/*")
        run_worker_once(e2e_url, tmp_path / "roads")
        phone.reload()
        phone.wait_for_selector("#import-report")
    item = phone.locator("#changed-accounts li").first
    assert "Ligne 2 : Essai import → Essai renommé" in item.inner_text()
    assert "Modifié : raison sociale" in item.inner_text()
    _shot(phone, "import_changed_accounts")


def test_costs_say_a_trip_crossing_months_counts_in_its_start_month(
    phone: Page, e2e_sql: Callable[[str], None]
) -> None:
    e2e_sql(
        "INSERT INTO trips (rep_id, kind, start_day, end_day, km, visits, hotel_nights, meals)"
        " VALUES (6, 'actual', '2026-03-28', '2026-04-02', 900, 12, 5, 11)"
    )
    try:
        log_in(phone, 1)
        phone.goto("/frais?month=2026-03")
        note = phone.locator("#counted-at-start").inner_text()
        assert "Sophie Durand, du 28/03 au 02/04 (5 nuits)" in note
        _shot(phone, "costs_counted_at_start")
        phone.locator("#counted-at-start").screenshot(
            path=str(SHOTS / "costs_counted_at_start_note.png")
        )
    finally:
        e2e_sql("DELETE FROM trips WHERE rep_id = 6 AND start_day = '2026-03-28'")
