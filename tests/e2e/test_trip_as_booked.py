"""Camille on a phone: after she accepts a proposal 40 minutes after its planned time and
refuses another on her day page, the Tournée page shows that day as the day page does —
the accepted visit at its booked time, the refused one without a slot, the same minutes —
and the day's figures say they are the plan's. Her planned day is stored as a one-day trip
(a real trip takes a minute of search). Screenshots in ``tests/artifacts/tripui``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.db]
SHOTS = ARTIFACTS / "tripui"
DAY = "2026-04-29"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _later(hhmm: str, minutes: int) -> str:
    t = dt.datetime.combine(dt.date(2026, 4, 29), dt.time.fromisoformat(hhmm))
    return (t + dt.timedelta(minutes=minutes)).strftime("%H:%M")


def _times(page: Page) -> list[str]:
    return page.locator(".stop .time").all_inner_texts()


def test_the_trip_page_shows_the_day_as_booked_now(
    phone: Page, e2e_sql: Callable[[str], None]
) -> None:
    log_in(phone, 4)
    phone.goto(f"/journee?date={DAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    plan = phone.locator("input[name=heure]").count()
    assert plan >= 2, "the day has proposals to decide"
    stops = phone.locator(".stop.candidate")
    one = None
    for k in range(stops.count()):
        stop = stops.nth(k)
        if stop.locator("button.accept").count():
            heure = stop.locator("input[name=heure]")
            value = heure.get_attribute("value") or ""
            if _later(value, 40) <= (heure.get_attribute("max") or ""):
                one = (stop.get_attribute("data-proposal"), value)
                break
    assert one is not None, "a proposal with 40 minutes after its planned time"
    accepted, value = one
    e2e_sql(
        f"""UPDATE plans SET kind = 'trip', end_day = day WHERE id = (
              SELECT plan_id FROM plan_proposals WHERE id = {accepted})"""
    )
    try:
        picked = _later(value, 40)
        card = phone.locator(f".stop.candidate[data-proposal='{accepted}']")
        card.locator("input[name=heure]").fill(picked)
        card.locator("button.accept").click()
        phone.wait_for_load_state("load")
        other = phone.locator(".stop.candidate:has(button.accept)").first
        refused = other.get_attribute("data-proposal")
        other.get_by_role("button", name="Refuser").click()
        phone.wait_for_load_state("load")
        day_times = _times(phone)
        figures = phone.locator("#day-figures").inner_text()
        assert figures.startswith("Départ "), figures
        assert figures.endswith("recalculé avec les rendez-vous de la journée"), figures
        _shot(phone, "day_after_decisions")

        phone.goto("/journee?date=" + DAY)
        plan_id = phone.evaluate(
            "fetch('/api/planning/day/" + DAY + "').then(r => r.json()).then(p => p.id)"
        )
        phone.goto(f"/tournee?plan={plan_id}")
        phone.wait_for_selector(".card.day")
        assert _times(phone) == day_times
        done = phone.locator(f".stop[data-proposal='{accepted}']")
        assert done.locator(".time").inner_text() == picked
        assert (
            done.locator(".status")
            .inner_text()
            .startswith(f"Acceptée : rendez-vous réservé {picked}–")
        )
        no = phone.locator(f".stop[data-proposal='{refused}']")
        assert no.locator(".status").inner_text() == "Refusée"
        assert no.locator(".proposal").count() == 0
        heading = phone.locator(".card.day h2").first.inner_text()
        assert "recalculé avec les rendez-vous de la journée" in heading
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.locator(".card.day").first.screenshot(path=str(SHOTS / "trip_day.png"))
        _shot(phone, "trip_after_decisions")
    finally:
        e2e_sql(
            f"""UPDATE plans SET kind = 'day', end_day = NULL WHERE id = (
                  SELECT plan_id FROM plan_proposals WHERE id = {accepted})"""
        )
