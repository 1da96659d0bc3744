"""Names that try to run script (``${…}``, backticks, ``</script>``, handlers) are shown as text
on every map page, to every role, and nothing runs (stored XSS from a rep to a manager)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import log_in, run_worker_once

TUESDAY = "2026-04-21"
PAYLOAD = (
    " ${window.__pwned='template'}`;window.__pwned='backtick';`"
    "</script><script>window.__pwned='script'</script><img src=x onerror=\"window.__pwned='img'\">"
)
CAMILLE = 4


@pytest.fixture
def planted(e2e_sql: Callable[[str], None]) -> Iterator[None]:
    """Every account of Camille's, and one territory, renamed with the payload; restored after."""
    quoted = PAYLOAD.replace("'", "''")
    e2e_sql(
        f"UPDATE accounts SET name = name || '{quoted}' WHERE id IN "
        f"(SELECT account_id FROM account_assignments WHERE owner_id = {CAMILLE})"
    )
    e2e_sql(f"UPDATE territories SET name = name || '{quoted}' WHERE rep_id = {CAMILLE}")
    yield
    e2e_sql(f"UPDATE accounts SET name = replace(name, '{quoted}', '')")
    e2e_sql(f"UPDATE territories SET name = replace(name, '{quoted}', '')")


def _tooltips(page: Page) -> list[str]:
    """Texts of every tooltip bound on the page's map layers."""
    return page.evaluate(
        """() => {
             const texts = [];
             const walk = (layer) => {
               if (layer.getTooltip && layer.getTooltip()) {
                 const c = layer.getTooltip().getContent();
                 texts.push(typeof c === 'string' ? c : c.textContent);
               }
               if (layer.eachLayer) { layer.eachLayer(walk); }
             };
             for (const key of Object.keys(window)) {
               if (key.startsWith('map_') && window[key] && window[key].eachLayer) { window[key].eachLayer(walk); }
             }
             return texts;
           }"""
    )


def _tooltips_once_bound(page: Page, timeout_s: float = 15) -> list[str]:
    """:func:`_tooltips` once the page's maps have bound one holding the payload, or after
    ``timeout_s`` (whatever they hold then)."""
    deadline = time.monotonic() + timeout_s
    while True:
        texts = _tooltips(page)
        if any(PAYLOAD in t for t in texts) or time.monotonic() > deadline:
            return texts
        page.wait_for_timeout(250)


def test_planted_names_never_run_on_any_map_page(
    phone: Page, planted: None, e2e_url: str, tmp_path: Path
) -> None:
    log_in(phone, CAMILLE)
    phone.goto(f"/journee?date={TUESDAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    phone.goto("/tournee")
    phone.fill("input[name=start]", TUESDAY)
    phone.fill("input[name=end]", "2026-04-22")
    phone.click("#plan-trip")
    phone.wait_for_url("**/taches/*")
    run_worker_once(e2e_url, tmp_path / "roads")  # the trip is planned by a worker
    rep_pages = [
        f"/journee?date={TUESDAY}",
        f"/tournee?start={TUESDAY}",
        "/autour?lon=7.4246&lat=43.7384&rayon=5000",
        "/comptes",
    ]
    shown = 0
    for path in rep_pages:
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
        assert phone.evaluate("window.__pwned") is None, path
        shown += sum(PAYLOAD in t for t in _tooltips(phone))
    assert shown > 0, "the planted names are on the rep's maps, as text"

    phone.goto("/logout")
    log_in(phone, 1)  # the sales director opens the rep's plans and the office maps
    manager_pages = [
        f"/journee?date={TUESDAY}&rep={CAMILLE}",
        f"/tournee?start={TUESDAY}&rep={CAMILLE}",
        "/territoires",
    ]
    for path in [*manager_pages, "/affectations", "/comptes"]:
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
        assert phone.evaluate("window.__pwned") is None, path
        if path in manager_pages:
            # the map's layers are bound by its script after the load: wait for them (a
            # loaded machine is slow), then check what they show
            texts = _tooltips_once_bound(phone)
            assert any(PAYLOAD in t for t in texts), (
                f"{path}: the planted name is shown as text ({len(texts)} tooltips: "
                f"{[t[:40] for t in texts[:5]]}; page: {phone.inner_text('main')[:600]!r})"
            )
