"""The "Frais" page on a phone: the wide tables become cards, nothing scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import PHONE, log_in


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
