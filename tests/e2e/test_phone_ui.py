"""On a 390 px phone: a menu button opens every screen, taps are at least 44 px, no favicon
404, the map's filters and legend work, and the wide lists read as cards without sideways scroll."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from fieldcrm.pages.templating import NAVIGATION
from tests.e2e.conftest import PHONE, log_in

MAP = "() => window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)]"


@pytest.fixture
def e2e_count(e2e_url: str) -> Iterator[object]:
    """Run a count query on the browser tests' database."""
    engine = create_engine(e2e_url)

    def count(sql: str, **params: object) -> int:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())

    yield count
    engine.dispose()


def test_the_menu_button_opens_every_entry_by_mouse_and_keyboard(phone: Page) -> None:
    log_in(phone, 1)  # Claire, a manager: the longest menu of the field roles
    phone.goto("/")
    menu, toggle = phone.locator("#main-menu"), phone.locator("#menu-toggle")
    assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    links = menu.locator("a")
    expected = [
        path for path, _label, roles in NAVIGATION if any(r.value == "manager" for r in roles)
    ]
    assert links.evaluate_all("ls => ls.map(l => l.getAttribute('href'))") == expected
    for link in links.all():  # every entry on screen, none off to the side
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["height"] >= 44, (link.inner_text(), box)
    phone.keyboard.press("Escape")
    assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert phone.evaluate("document.activeElement.id") == "menu-toggle"
    phone.keyboard.press("Enter")  # keyboard only: open, first entry focused, follow it
    assert menu.is_visible()
    assert phone.evaluate("document.activeElement.getAttribute('href')") == "/mes-taches"
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/mes-taches")


def test_top_bar_and_nearby_links_are_44_px_tap_targets(phone: Page) -> None:
    log_in(phone, 4)
    phone.goto("/autour?lon=7.4236&lat=43.7425&rayon=1000")
    phone.wait_for_selector("#nearby a[href^='/comptes/']")
    heights = phone.evaluate(
        """() => Array.from(document.querySelectorAll(
                 '.topbar a, .topbar button, #nearby a, #nearby .button, #locate-form select, #locate'))
               .filter(e => e.offsetParent !== null)
               .map(e => [e.textContent.trim(), e.getBoundingClientRect().height])"""
    )
    assert len(heights) > 10
    small = [(label, h) for label, h in heights if h < 44]
    assert not small, small


def test_no_page_asks_for_a_missing_file_not_even_a_favicon(phone: Page) -> None:
    missing: list[str] = []
    phone.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    log_in(phone, 4)
    for path in ("/", "/comptes", "/mes-taches", "/en-retard"):
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
    phone.goto("/comptes")
    own = phone.locator("a[href^='/comptes/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href')).filter(h => /^\\/comptes\\/\\d+$/.test(h))"
    )
    assert own, "the rep's accounts list links no account"
    phone.goto(own[0])  # one of her own accounts, whatever earlier tests reassigned
    phone.wait_for_load_state("networkidle")
    icon = phone.locator("link[rel=icon]").get_attribute("href")
    assert icon and phone.request.get(icon).status == 200
    manifest = phone.request.get("/static/manifest.webmanifest").json()
    for entry in manifest["icons"]:
        assert phone.request.get(entry["src"]).status == 200
    assert missing == []


def test_a_map_filter_keeps_exactly_the_accounts_the_database_has(phone: Page, e2e_count) -> None:  # type: ignore[no-untyped-def]
    log_in(phone, 3)  # the admin sees every account
    phone.goto("/comptes")

    def monaco() -> dict[str, float]:
        """Monaco in view, once the map is drawn; the viewport's bounds."""
        phone.wait_for_load_state("networkidle")
        phone.wait_for_function(
            "() => document.querySelector('#accounts-map .folium-map, #accounts-map div[id^=map_]')"
        )
        phone.evaluate(f"() => ({MAP})().setView([43.7384, 7.4246], 16, {{animate: false}})")
        phone.wait_for_function(
            "() => !document.querySelector('[data-loading]') && document.querySelector('[data-points]')"
        )
        bounds = phone.evaluate(
            f"() => {{ const b = ({MAP})().getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }}"
        )
        return dict(zip(("x0", "y0", "x1", "y1"), bounds, strict=True))

    env = monaco()
    inside = "FROM accounts a WHERE a.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)"
    everything = e2e_count(f"SELECT count(*) {inside}", **env)
    expected = e2e_count(f"SELECT count(*) {inside} AND a.kind = 'client'", **env)
    assert 0 < expected < everything
    container = phone.locator("div.folium-map, div[id^=map_]").first
    assert int(container.get_attribute("data-accounts") or -1) == everything
    phone.click("#map-filters-box summary")
    with phone.expect_navigation():  # a filter reloads the page: the list and the map follow it
        phone.select_option("#map-filters select[name=kind]", "client")
    assert "kind=client" in phone.url  # kept in the address
    env = monaco()
    expected = e2e_count(f"SELECT count(*) {inside} AND a.kind = 'client'", **env)
    phone.wait_for_function(
        f"() => document.querySelector('[data-accounts]').dataset.accounts === '{expected}'"
    )
    drawn = phone.evaluate(
        f"""() => Object.values(({MAP})()._layers).filter(
                 l => l instanceof L.CircleMarker && /fc-account/.test(l.options.className || "")).length"""
    )
    assert drawn == expected  # one marker drawn per account (a canvas map: counted in Leaflet)
    legend = phone.locator("#map-legend")
    assert legend.is_visible()
    assert legend.locator("li").count() == 5  # four bands and "not computed"
    with phone.expect_navigation():
        phone.click("#clear-filters")
    env = monaco()
    everything = e2e_count(f"SELECT count(*) {inside}", **env)
    phone.wait_for_function(
        f"() => document.querySelector('[data-accounts]').dataset.accounts === '{everything}'"
    )


@pytest.mark.parametrize("path", ["/mes-taches", "/en-retard", "/comptes"])
def test_wide_lists_read_as_cards_without_sideways_scroll(phone: Page, path: str) -> None:
    log_in(phone, 4)
    phone.goto(path)
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = phone.locator("table.cards").first
    assert table.locator("thead").bounding_box()["height"] <= 1  # type: ignore[index]
    first = table.locator("tbody tr").first.bounding_box()
    assert first is not None and first["x"] + first["width"] <= PHONE["width"]
