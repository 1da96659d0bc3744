"""A rep on a phone cancels in the agenda a fixed appointment of the day's plan: back on
"Ma journée", the stop reads « Annulé », with no navigation and no check-in."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ARTIFACTS, log_in

DAY = "2026-05-12"  # a Tuesday no other browser test plans
LAMBDA = 1  # LAMBDA SARL, Camille's client
SHOTS = ARTIFACTS / "cancel"


def _book(url: str) -> int:
    """A 10:00 appointment of Camille at LAMBDA SARL on :data:`DAY` (committed)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        found = conn.execute(
            text(
                """INSERT INTO appointments
                          (rep_id, account_id, title, starts_at, ends_at, status, address, geom)
                   SELECT 4, id, 'Rendez-vous LAMBDA SARL',
                          TIMESTAMPTZ '2026-05-12 10:00 Europe/Paris',
                          TIMESTAMPTZ '2026-05-12 11:00 Europe/Paris', 'confirmed',
                          address_line1, geom
                   FROM accounts WHERE id = :a
                   RETURNING id"""
            ),
            {"a": LAMBDA},
        ).scalar_one()
    engine.dispose()
    return int(found)


def test_a_cancelled_fixed_appointment_reads_cancelled_on_the_day(
    phone: Page, e2e_url: str
) -> None:
    booked = _book(e2e_url)
    log_in(phone, 4)
    phone.goto(f"/journee?date={DAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    fixed = phone.locator(f".stop.appointment[data-account='{LAMBDA}']")
    assert fixed.locator(".badge.high").inner_text() == "RDV fixe"
    assert fixed.locator("button.checkin").count() == 1

    phone.goto(f"/agenda?date={DAY}&vue=jour")
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.locator(f"li.appointment[data-id='{booked}'] button.cancel").click()
    phone.wait_for_selector(f"li.appointment.cancelled[data-id='{booked}']")

    phone.goto(f"/journee?date={DAY}")
    phone.wait_for_selector("#stops")
    stop = phone.locator(f".stop.appointment[data-account='{LAMBDA}']")
    assert "cancelled" in (stop.get_attribute("class") or "").split()
    assert stop.locator(".stop-cancelled").inner_text() == "Annulé"
    assert stop.locator(".badge.high").count() == 0
    assert stop.locator("button.checkin, details.visit, .actions.nav a").count() == 0
    assert phone.locator("#plan-stale").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    stop.scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "day_cancelled_390x844.png"))
    phone.screenshot(path=str(SHOTS / "day_cancelled_full.png"), full_page=True)
