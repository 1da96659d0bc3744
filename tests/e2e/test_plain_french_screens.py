"""The screens of the QA walk's text faults, on a 390 px phone: a far check-in warned by the
page's script, alerts without the e-mail prefix and with 44 px filter/page links, a YAML error
with line and column, the priority named by rule titles, geocoding without a CLI hint, and the
dispatcher's "Verrouiller" label as a 44 px target. Screenshots go to tests/artifacts/txt/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.services import scoring
from tests.conftest import DEMO_TODAY
from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.db]
SHOTS = ARTIFACTS / "txt"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _one(e2e_url: str, sql: str) -> tuple:  # type: ignore[type-arg]
    engine = create_engine(e2e_url)
    with engine.begin() as conn:
        row = conn.execute(text(sql)).one()
    engine.dispose()
    return tuple(row)


def _heights(page: Page, selector: str) -> list[float]:
    return [box["height"] for e in page.locator(selector).all() if (box := e.bounding_box())]


def test_a_far_check_in_is_warned_with_its_distance(phone: Page, e2e_url: str) -> None:
    account, lon, lat = _one(
        e2e_url,
        """SELECT a.id, ST_X(a.geom), ST_Y(a.geom) FROM accounts a
           JOIN account_assignments aa ON aa.account_id = a.id
           WHERE aa.owner_id = 4 AND a.geom IS NOT NULL ORDER BY a.id DESC LIMIT 1""",
    )
    log_in(phone, 4)
    phone.context.set_geolocation({"latitude": lat, "longitude": lon + 0.0297})  # ~2.4 km east
    phone.goto(f"/comptes/{account}")
    phone.click("button.checkin")
    status = phone.locator(".visit-status.warning")
    status.wait_for(timeout=15_000)
    said = status.inner_text()
    assert said.startswith("Pointage à distance (2,4 km du compte)"), said
    assert said.endswith("Vérifiez l’adresse ou le lieu du compte.")
    phone.wait_for_timeout(300)  # the outbox's own "Pointage enregistré." does not cover it
    assert phone.locator(".visit-status").inner_text() == said
    status.scroll_into_view_if_needed()
    _shot(phone, "account_far_checkin")
    phone.reload()
    assert "2,4 km du compte" in phone.locator("#activities").inner_text()  # the page says it too


def _run_the_shipped_rules(e2e_url: str) -> None:
    """The demo's rules run once (alerts for Camille and Claire), as the nightly job does."""
    engine = create_engine(e2e_url)
    with Session(engine) as session:
        if not session.execute(text("SELECT count(*) FROM alerts")).scalar_one():
            for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
                scoring.import_rules(session, path.read_text(encoding="utf-8"))
            scoring.run_rules(session, as_of=DEMO_TODAY)
            session.commit()
    engine.dispose()


def test_alerts_read_without_prefix_and_their_links_are_44_px(phone: Page, e2e_url: str) -> None:
    _run_the_shipped_rules(e2e_url)
    log_in(phone, 1)
    phone.goto("/alertes")
    listed = phone.locator("#alerts").inner_text()
    assert phone.locator("#alerts li[data-alert]").count() > 0
    assert "[fieldcrm]" not in listed
    badges = set(phone.locator("#alerts .badge").all_inner_texts())
    assert badges and badges <= {"importante", "moyenne", "faible"}, badges
    filters = _heights(phone, "main > p.actions a")
    assert len(filters) == 2 and min(filters) >= 44, filters
    _shot(phone, "alerts")
    if phone.locator("#alerts-pages a").count():
        pages = _heights(phone, "#alerts-pages a")
        assert min(pages) >= 44, pages


def test_a_yaml_error_reads_in_french_with_line_and_column(phone: Page) -> None:
    log_in(phone, 1)
    phone.goto("/regles")
    phone.fill("textarea[name=document]", "key: x\nwhen: [potential, 2\nthen: []\n")
    phone.click("button[name=action][value=validate]")
    problems = phone.locator("#problems").inner_text()
    assert "YAML invalide à la ligne 3, colonne 5" in problems, problems
    assert "while parsing" not in problems
    phone.locator("#problems").scroll_into_view_if_needed()
    _shot(phone, "rules_yaml_error")


def test_geocoding_has_no_cli_hint_and_dispatch_lock_is_a_44_px_target(phone: Page) -> None:
    log_in(phone, 2)
    phone.goto("/geocodage")
    assert "fieldcrm geocode" not in phone.locator("main").inner_text()
    assert phone.locator("#geocode-hint").is_visible()
    _shot(phone, "geocoding")
    phone.goto("/affectations")
    lock = phone.locator("label", has=phone.locator("input[name=lock]"))
    box = lock.bounding_box()
    assert box is not None and box["height"] >= 44, box
    _shot(phone, "dispatch")


def test_the_overdue_pages_links_are_44_px(phone: Page) -> None:
    log_in(phone, 1)
    phone.goto("/en-retard")
    links = _heights(phone, "main p.actions a")
    assert links and min(links) >= 44, links
    _shot(phone, "overdue")


def test_the_walk_catches_small_filter_and_page_links(phone: Page) -> None:
    """The walk's check counts the links of a ``.actions`` row: without the stylesheet's
    44 px rule, the overdue pages' "Suivants →" and the alert filters are reported."""
    from tests.e2e.test_walk_every_screen import CHECK

    log_in(phone, 1)
    for address, name in (("/en-retard", "Suivants"), ("/alertes", "Non lues")):
        phone.goto(address)
        assert not [s for s in phone.evaluate(CHECK)["small"] if name in s[1]]
        phone.add_style_tag(
            content=".actions > a:not(.button), .actions > span { min-height: 0; padding: 0; }"
        )
        small = phone.evaluate(CHECK)["small"]
        assert any(name in label and " a " in sig for sig, label in small), small
