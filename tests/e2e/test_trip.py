"""A rep plans a trip far from home on a phone: the form queues the planning, a worker
(``fieldcrm worker --once``, the shipped command) runs it while the job page waits, then the
page opens the plan: nights, euros, and the all-home comparison."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

from tests.e2e.conftest import ARTIFACTS, log_in, run_worker_once

pytestmark = [pytest.mark.e2e, pytest.mark.db]
FIELDCRM = str(Path(sys.executable).with_name("fieldcrm"))


def test_sophie_plans_paris_and_lyon_and_reads_where_she_sleeps(
    phone: Page, e2e_url: str, tmp_path: Path
) -> None:
    log_in(phone, 6)  # Sophie lives in Antibes: Paris on Wednesday 10:00, Lyon on Thursday 11:00
    phone.goto("/tournee")
    sent: list[str] = []

    def no_content(route: Route) -> None:  # the page stays: what a second tap does is seen
        sent.append(route.request.url)
        route.fulfill(status=204)

    phone.route("**/tournee/planifier", no_content)
    phone.click("#plan-trip")
    for _ in range(100):
        if sent:
            break
        phone.wait_for_timeout(50)
    phone.wait_for_timeout(300)  # answered with no content: the page stays as it was
    assert phone.is_disabled("#plan-trip")
    phone.click("#plan-trip", force=True)  # an impatient second tap
    phone.wait_for_timeout(500)
    assert len(sent) == 1  # one trip asked for
    phone.unroute("**/tournee/planifier")

    phone.goto("/tournee")
    phone.fill("input[name=start]", "2026-04-21")
    phone.fill("input[name=end]", "2026-04-24")
    phone.click("#plan-trip")
    phone.wait_for_url("**/taches/*")
    assert "En attente" in phone.inner_text("#job-status")
    assert phone.inner_text("h1") == "Tournée du 21/04/2026 au 24/04/2026 — Sophie Durand"

    run_worker_once(e2e_url, tmp_path / "roads")
    phone.wait_for_url("**/tournee?plan=*", timeout=30_000)  # the job page opens the plan
    phone.wait_for_selector("#overnight")
    title = phone.locator("#overnight h2").inner_text()
    assert title == "Recommandation : dormir sur place"
    nights = phone.locator("#allowances li.hotel, #allowances li.home").all_inner_texts()
    assert len(nights) == 3 and all("hôtel" in n or "maison" in n for n in nights)
    assert any("hôtel" in n for n in nights)
    # every euro listed: the total of the lines is the chosen column's « Hôtel et repas »
    stay = phone.inner_text("#stay-hotel-and-meals")
    assert stay.endswith("€") and phone.inner_text("#allowances-total").endswith(stay)
    assert phone.locator("#home-infeasible").inner_text() == "impossible"
    impossible = phone.locator("#home-reason").inner_text()  # the reason, in French
    assert impossible.startswith("Rentrer chaque soir : impossible — Le rendez-vous « ")
    assert "injoignable" in impossible
    assert "Clinique Riviera EURL" in impossible and "cannot" not in impossible
    assert "—" not in phone.locator("#overnight table").inner_text()
    shots = ARTIFACTS / "txt"
    if shots.parent.is_dir():
        shots.mkdir(exist_ok=True)
        phone.locator("#overnight").screenshot(path=str(shots / "trip_overnight.png"))
    assert phone.locator(".card.day").count() == 4
    assert phone.is_enabled("#plan-trip")  # the form is usable again for the next trip
