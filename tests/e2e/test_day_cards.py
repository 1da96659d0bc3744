"""Camille on a phone (390×844): an accepted visit's card shows only its booked appointment, a
refused one shows no slot and is grey, the list stays in time order; cancelling the booked
appointment in the agenda makes the visit bookable again, and the card says so; the map's
controls speak French (English when the page is read in English). Screenshots in
``tests/artifacts/dayui``."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS, log_in

SHOTS = ARTIFACTS / "dayui"
THURSDAY = "2026-04-23"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _times(page: Page) -> list[str]:
    return page.locator("#stops > li .time").all_inner_texts()


def test_decided_cards_cancel_and_french_map(phone: Page) -> None:
    log_in(phone, 4)
    phone.goto(f"/journee?date={THURSDAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    # the map's own words are French
    assert phone.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoomer"
    assert phone.locator(".leaflet-control-zoom-out").get_attribute("title") == "Dézoomer"
    prefix = phone.locator(".leaflet-control-attribution a[href='https://leafletjs.com']")
    assert prefix.get_attribute("title") == "Une bibliothèque JavaScript pour cartes interactives"
    open_ = phone.locator(".stop.candidate:has(button.accept)")
    assert open_.count() >= 2, "the demo Thursday has two proposals to book"
    first, last = open_.first, open_.last
    a, b = first.get_attribute("data-proposal"), last.get_attribute("data-proposal")
    _shot(phone, "planned")

    first.locator("button.accept").click()
    phone.wait_for_load_state("load")
    done = phone.locator(f".stop.candidate[data-proposal='{a}']")
    status = done.locator(".status").inner_text()
    assert status.startswith("Acceptée : rendez-vous réservé ")
    assert done.locator(".time").inner_text() == status.rsplit(" ", 1)[1].split("–")[0]
    assert done.locator(".proposal").count() == 0, "no slot left on an accepted card"

    phone.locator(f".stop.candidate[data-proposal='{b}']").get_by_role(
        "button", name="Refuser"
    ).click()
    phone.wait_for_load_state("load")
    refused = phone.locator(f".stop.candidate[data-proposal='{b}']")
    assert refused.locator(".status").inner_text() == "Refusée"
    assert refused.locator(".proposal").count() == 0, "no slot on a refused card"
    grey = refused.locator(".status").evaluate("e => getComputedStyle(e).color")
    green = done.locator(".status").evaluate("e => getComputedStyle(e).color")
    assert grey != green
    times = _times(phone)
    assert times == sorted(times), times
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "decided")
    done.screenshot(path=str(SHOTS / "card_accepted.png"))
    refused.screenshot(path=str(SHOTS / "card_refused.png"))
    phone.locator("#day-map").screenshot(path=str(SHOTS / "map.png"))

    # cancel the booked appointment in the agenda
    phone.goto(f"/agenda?date={THURSDAY}&vue=jour")
    booked = phone.locator("li.appointment.confirmed", has_text="proposé par le plan")
    assert booked.count() == 1
    booked.locator("button.cancel").click()
    phone.wait_for_load_state("load")
    phone.goto(f"/journee?date={THURSDAY}")
    again = phone.locator(f".stop.candidate[data-proposal='{a}']")
    said = again.locator(".reopened").inner_text()
    assert said.startswith("Rendez-vous de ") and said.endswith(" : à nouveau proposée.")
    assert again.locator("button.accept").count() == 1
    assert again.locator(".status").count() == 0
    _shot(phone, "reopened")
    again.screenshot(path=str(SHOTS / "card_reopened.png"))

    # read in English, the map speaks English
    phone.goto(f"/journee?date={THURSDAY}&lang=en")
    phone.wait_for_selector(".leaflet-control-zoom-in")
    assert phone.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"
