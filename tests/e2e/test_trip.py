"""A rep plans a trip far from home on a phone: nights, euros, and the all-home comparison."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import log_in


def test_sophie_plans_paris_and_lyon_and_reads_where_she_sleeps(phone: Page) -> None:
    log_in(phone, 6)  # Sophie lives in Antibes: Paris on Wednesday 10:00, Lyon on Thursday 15:00
    phone.goto("/tournee")
    phone.fill("input[name=start]", "2026-04-21")
    phone.fill("input[name=end]", "2026-04-24")
    phone.click("#plan-trip")
    phone.wait_for_selector("#overnight")
    title = phone.locator("#overnight h2").inner_text()
    assert title == "Recommandation : dormir sur place"
    nights = phone.locator("#nights li").all_inner_texts()
    assert len(nights) == 3 and all("hôtel" in n or "maison" in n for n in nights)
    assert any("hôtel" in n for n in nights)
    impossible = phone.locator("#overnight p.muted").first.inner_text()
    assert "Retour chaque soir impossible" in impossible and "Clinique Riviera EURL" in impossible
    assert phone.locator(".card.day").count() == 4
