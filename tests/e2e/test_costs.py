"""The "Frais" page on a phone: the wide tables become cards, nothing scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS, PHONE, log_in


def test_a_manager_reads_the_month_costs_on_a_phone_without_scrolling_sideways(
    phone: Page,
) -> None:
    log_in(phone, 1)  # Claire manages the team: three reps' trips in March 2026
    phone.goto("/frais?month=2026-03")
    phone.wait_for_selector("#costs-table")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # one card per row, each value beside its label, no header row to line them up with
    header = phone.locator("#costs-table thead").bounding_box()
    assert header is not None and header["height"] <= 1  # kept for screen readers only
    card = phone.locator("#costs-table tbody tr.total")
    km = card.locator("td[data-label=km]")
    label = km.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"km"'
    box, km_box = card.bounding_box(), km.bounding_box()
    assert box is not None and km_box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert km_box["width"] > box["width"] * 0.8  # the value's line spans the card
    assert "," in km.inner_text()  # French decimal comma: 1 234,5
    trip = phone.locator("#trips tbody tr").first.bounding_box()
    assert trip is not None and trip["x"] + trip["width"] <= PHONE["width"]
    chart = phone.locator("#costs-chart").bounding_box()
    assert chart is not None and chart["x"] + chart["width"] <= PHONE["width"]


def test_a_refused_tolls_amount_keeps_the_field_and_its_button_on_one_line(phone: Page) -> None:
    """The tolls of a trip on a phone, refused: the field and « Enregistrer » side by side
    (the button's word never broken letter by letter), the error on its own line under them."""
    log_in(phone, 4)
    phone.goto("/frais?month=2026-03")
    form = phone.locator("form[action$='/peages']").first
    form.locator("input[name=tolls_eur]").fill("douze")
    form.locator("button[type=submit]").click()
    phone.wait_for_selector("input[aria-invalid=true]")
    form = phone.locator("form[action$='/peages']:has(input[aria-invalid=true])")
    field = form.locator("input[name=tolls_eur]").bounding_box()
    button = form.locator("button[type=submit]").bounding_box()
    error = form.locator(".field-error").bounding_box()
    assert field is not None and button is not None and error is not None
    assert button["height"] < 60, button  # one line of text, not « En / re / gi / st / re / r »
    assert abs(button["y"] - field["y"]) < 8 and button["x"] >= field["x"] + field["width"]
    assert error["y"] >= field["y"] + field["height"]  # under both, not squeezed between
    assert button["x"] + button["width"] <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_exponent_typed_as_tolls_is_refused_beside_the_field(phone: Page) -> None:
    """QA 23: « 1e5 » was stored as 100 000 € of tolls; it is refused on the phone, said in
    French beside the field, what was typed kept (shot: the field and its error in view)."""
    log_in(phone, 4)
    phone.goto("/frais?month=2026-03")
    form = phone.locator("form[action$='/peages']").first
    form.locator("input[name=tolls_eur]").fill("1e5")
    form.locator("button[type=submit]").click()
    phone.wait_for_selector("input[aria-invalid=true]")
    field = phone.locator("input[name=tolls_eur][aria-invalid=true]")
    assert field.input_value() == "1e5"
    error = phone.locator("form[action$='/peages'] .field-error")
    assert error.inner_text().replace("\u00a0", " ") == (
        "péages : indiquez un montant en euros, par exemple 12,50 (reçu : « 1e5 »)"
    )
    alert = phone.locator("#costs-error").inner_text().replace("\u00a0", " ")
    assert alert.startswith("péages : indiquez un montant en euros")
    field.scroll_into_view_if_needed()
    phone.evaluate("window.scrollBy(0, -200)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "costs-tolls-1e5-refused.png"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
