"""A rep looks around a position: every listed account is a marker whose popup links to it."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import log_in

MONACO = "lon=7.4246&lat=43.7384&rayon=2000"


def test_nearby_accounts_are_drawn_with_a_text_popup_linking_the_account(phone: Page) -> None:
    log_in(phone, 4)
    phone.goto(f"/autour?{MONACO}")
    listed = phone.locator("#nearby li a[href^='/comptes/']").count()
    assert listed > 0
    drawn = phone.evaluate(
        """() => Object.keys(window).filter(k => k.startsWith('point_layer_'))
                 .map(k => window[k].getLayers().length)"""
    )
    assert drawn == [listed]
    popup = phone.evaluate(
        """() => {
             const key = Object.keys(window).find(k => k.startsWith('point_layer_'));
             const marker = window[key].getLayers()[0];
             marker.openPopup();
             const link = document.querySelector('.leaflet-popup-content a');
             return [link.getAttribute('href'), link.textContent,
                     marker.getTooltip().getContent().textContent];
           }"""
    )
    href, label, tooltip = popup
    assert href.startswith("/comptes/")
    assert phone.locator(f"#nearby a[href='{href}'] strong").inner_text() == label == tooltip
