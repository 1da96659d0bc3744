"""QA: a check-in at LAMBDA SARL (Monaco) from Nice, on « Ma journée », said only « Pointage
enregistré. » (the day page had no far message; visit.js gave up without one). The phone now
shows the server's warning with the distance, and the account's history says it in the same
words."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ARTIFACTS, log_in

TUESDAY = "2026-04-21"  # Camille's 10:00 appointment at LAMBDA SARL


def _lambda(url: str) -> tuple[int, float, float]:
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, ST_X(geom), ST_Y(geom) FROM accounts WHERE name = 'LAMBDA SARL'")
        ).one()
    engine.dispose()
    return int(row[0]), float(row[1]), float(row[2])


def test_a_far_check_in_on_the_day_page_is_warned_with_its_distance(
    phone: Page, e2e_url: str
) -> None:
    account, lon, lat = _lambda(e2e_url)
    log_in(phone, 4)
    phone.context.set_geolocation({"latitude": lat, "longitude": lon - 0.14})  # Nice, ~11 km
    phone.goto(f"/journee?date={TUESDAY}")
    if phone.locator("#stops").count() == 0:
        phone.click("#plan-day", timeout=120_000)
        phone.wait_for_selector("#stops", timeout=120_000)
    stop = phone.locator(f".stop.appointment[data-account='{account}']")
    stop.locator("summary").click()
    stop.locator("button.checkin").click()
    status = stop.locator(".visit-status.warning")
    status.wait_for(timeout=15_000)
    said = status.inner_text()
    assert said.startswith("Pointage à distance (11,"), said
    assert "km du compte) : il ne compte comme visite qu’avec son compte rendu." in said
    phone.wait_for_timeout(300)  # the outbox's own « Pointage enregistré. » does not cover it
    assert stop.locator(".visit-status").inner_text() == said
    (ARTIFACTS / "txt").mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "txt" / "day_far_checkin.png"), full_page=True)
    # the visit is dated now (the phone's clock), not Tuesday: the account's history keeps it
    phone.goto(f"/comptes/{account}")
    assert phone.locator("#activities .far-checkin").first.inner_text() == said  # same words
