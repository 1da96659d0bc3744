"""A manager draws a territory on the map and saves it, on a phone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import draw_rectangle, log_in


def test_manager_draws_and_saves_a_territory(phone: Page, e2e_url: str) -> None:
    log_in(phone, 1)
    phone.goto("/territoires")
    # the map shows every territory (France here); the manager zooms on the Riviera to draw
    phone.evaluate(
        """() => { const k = Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map);
                   window[k].setView([43.72, 7.25], 11, {animate: false}); }"""
    )
    draw_rectangle(phone, "#territory-map", margin=80, size=(120, 140))
    phone.fill("#t-name", "Secteur dessiné")
    phone.select_option("#t-rep", label="Camille Martin")
    phone.click("#t-save")
    phone.wait_for_selector("#t-status.ok")
    assert phone.locator("#t-status").inner_text() == "Territoire enregistré."
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT rep_id, GeometryType(geom) AS kind, ST_Area(geom::geography) AS m2 FROM territories WHERE name = 'Secteur dessiné'"
            )
        ).one()
    engine.dispose()
    assert row.rep_id == 4
    assert row.kind == "MULTIPOLYGON"
    assert row.m2 > 0
    phone.wait_for_load_state("load")
    phone.goto("/territoires")
    assert phone.locator("#balance").get_by_text("Secteur dessiné").count() == 1
    # every territory is drawn, its name shown as text in the tooltip
    drawn = phone.evaluate(
        """() => {
             const key = Object.keys(window).find(k => k.startsWith('area_layer_'));
             return window[key].getLayers().map(l => l.getTooltip().getContent().textContent);
           }"""
    )
    names = phone.locator("#balance tbody th[scope=row]").all_inner_texts()
    assert "Secteur dessiné" in drawn and sorted(drawn) == sorted(n.strip() for n in names)
    # the names are written on the map (a phone has no hover), never one on top of another
    phone.wait_for_timeout(300)
    boxes = phone.evaluate(
        """() => [...document.querySelectorAll('#territory-map .fc-area-label')]
             .filter(e => e.style.visibility !== 'hidden')
             .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
    )
    assert boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]), (a, b)


def test_manager_retouches_a_territory_and_saves_it_unchanged(phone: Page, e2e_url: str) -> None:
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        territory, name, before = conn.execute(
            text("SELECT id, name, ST_AsText(geom) FROM territories ORDER BY id LIMIT 1")
        ).one()
    log_in(phone, 1)
    phone.goto("/territoires")
    phone.click(f".edit-shape[data-id='{territory}']")
    assert phone.input_value("#t-name") == name
    parts = phone.evaluate("() => window.fieldcrmTerritories.drawn.getLayers().length")
    assert parts >= 1
    phone.click("#t-save")
    phone.wait_for_selector("#t-status.ok")
    with engine.connect() as conn:
        moved = conn.execute(
            text(
                "SELECT ST_HausdorffDistance(geom, ST_GeomFromText(:before, 4326)) "
                "FROM territories WHERE id = :id"
            ),
            {"before": before, "id": territory},
        ).scalar_one()
    engine.dispose()
    assert moved < 1e-5  # Leaflet keeps 6 decimals of a degree: at most ~5 cm


def test_the_overlay_box_starts_from_the_territory_and_saves_a_change(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None]
) -> None:
    """The drawing panel's « Territoire superposé » box shows the retouched territory's
    marker; unticked and saved, the marker is off; ticked again, on."""
    e2e_sql("UPDATE territories SET overlay = true WHERE id = 1")
    engine = create_engine(e2e_url)

    def marked() -> bool:
        with engine.connect() as conn:
            return bool(
                conn.execute(text("SELECT overlay FROM territories WHERE id = 1")).scalar_one()
            )

    try:
        log_in(phone, 1)
        for ticked in (True, False):
            phone.goto("/territoires")
            phone.click(".edit-shape[data-id='1']")
            assert phone.is_checked("#t-overlay") is ticked
            phone.set_checked("#t-overlay", not ticked)
            phone.click("#t-save")
            phone.wait_for_selector("#t-status.ok")
            assert marked() is (not ticked)
            phone.wait_for_load_state("load")
    finally:
        e2e_sql("UPDATE territories SET overlay = false WHERE id = 1")
        engine.dispose()


def test_a_refused_retouch_says_the_apis_french_error(phone: Page, e2e_url: str) -> None:
    """A priority out of the form's limits (typed past them) is refused by the server: the
    status line says why in French, never « [object Object] », and nothing is saved."""
    engine = create_engine(e2e_url)

    def priority() -> int:
        with engine.connect() as conn:
            return int(
                conn.execute(text("SELECT priority FROM territories WHERE id = 2")).scalar_one()
            )

    kept = priority()
    try:
        log_in(phone, 1)
        phone.goto("/territoires")
        for typed in ("1001", "2.5", "-3"):
            phone.click(".edit-shape[data-id='2']")
            phone.evaluate(
                "() => { const i = document.querySelector('#t-priority');"
                " i.removeAttribute('min'); i.removeAttribute('max'); i.removeAttribute('step'); }"
            )
            phone.fill("#t-priority", typed)
            phone.click("#t-save")
            phone.wait_for_selector("#t-status.error")
            said = phone.locator("#t-status").inner_text()
            assert said.startswith("priorité : doit être un nombre entier de 0 à 1000"), said
            assert "object" not in said
            phone.evaluate("() => { document.querySelector('#t-status').className = ''; }")
        assert priority() == kept
        # the one reader of an error body: a validation error's list is never shown raw
        said = phone.evaluate(
            """async () => [
                 await window.fieldcrm.problemText(new Response(JSON.stringify(
                   {detail: [{loc: ['body', 'name'], type: 'string_too_long'}],
                    text: 'nom : texte trop long'}), {status: 422})),
                 await window.fieldcrm.problemText(new Response(JSON.stringify(
                   {detail: [{loc: ['body', 'name']}]}), {status: 422, statusText: 'Refusé'})),
                 await window.fieldcrm.problemText(new Response('<html>', {status: 502,
                   statusText: 'Bad Gateway'}))]"""
        )
        assert said == ["nom : texte trop long", "Refusé", "Bad Gateway"]
    finally:
        engine.dispose()
