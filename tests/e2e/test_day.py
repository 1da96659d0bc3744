"""A rep on a phone: open "Ma journée", accept a proposal, check in (also without signal)."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import log_in

TUESDAY = "2026-04-21"


def _activities(url: str, account_id: int) -> list[tuple[float | None, str | None]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT ST_Y(checkin), report FROM activities WHERE account_id = :a AND client_key IS NOT NULL"
            ),
            {"a": account_id},
        ).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


def test_rep_plans_accepts_and_checks_in(phone: Page, e2e_url: str) -> None:
    log_in(phone, 4)
    phone.goto(f"/journee?date={TUESDAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    assert phone.locator(".stop.appointment .time").first.inner_text() == "10:00"
    proposal = phone.locator(".stop.candidate").filter(has=phone.locator("button.accept")).first
    account = int(proposal.get_attribute("data-account") or 0)
    proposal.locator("button.accept").click()
    phone.wait_for_load_state("load")
    accepted = phone.locator(f".stop.candidate[data-account='{account}'] .status")
    assert accepted.inner_text().startswith("Acceptée : rendez-vous réservé ")

    stop = phone.locator(f".stop.candidate[data-account='{account}']")
    # at the account (Beausoleil, the phone's default place, is a far check-in for most)
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        lon, lat = conn.execute(
            text("SELECT ST_X(geom), ST_Y(geom) FROM accounts WHERE id = :a"), {"a": account}
        ).one()
    engine.dispose()
    phone.context.set_geolocation({"latitude": lat, "longitude": lon})
    stop.locator("summary").click()
    stop.locator("button.checkin").click()
    phone.wait_for_function(
        f"() => document.querySelector(\".stop.candidate[data-account='{account}'] .visit-status\").textContent.length > 0"
    )
    assert stop.locator(".visit-status").inner_text() == "Pointage enregistré."
    stop.locator("textarea[name=report]").fill("Intéressé par la nouvelle machine à grains.")
    stop.locator("button.send-report").click()
    phone.wait_for_function(
        f"() => document.querySelector(\".stop.candidate[data-account='{account}'] .visit-status\").textContent === 'Envoyé.'"
    )
    rows = _activities(e2e_url, account)
    assert len(rows) == 1, "check-in and report are one visit"
    assert abs((rows[0][0] or 0) - lat) < 1e-6
    assert rows[0][1] == "Intéressé par la nouvelle machine à grains."


def test_a_check_in_without_signal_is_sent_once_when_it_returns(phone: Page, e2e_url: str) -> None:
    log_in(phone, 4)
    phone.goto(f"/journee?date={TUESDAY}")
    if phone.locator("#stops").count() == 0:
        phone.click("#plan-day")
        phone.wait_for_selector("#stops")
    stop = phone.locator(".stop.appointment").first
    account = int(stop.get_attribute("data-account") or 0)
    before = len(_activities(e2e_url, account))
    phone.context.set_offline(True)
    stop.locator("summary").click()
    stop.locator("button.checkin").click()
    phone.wait_for_function("() => window.fieldcrm.pending() === 1")
    assert "Enregistré sur le téléphone" in stop.locator(".visit-status").inner_text()
    assert len(_activities(e2e_url, account)) == before
    phone.context.set_offline(False)
    phone.evaluate("window.fieldcrm.flush()")
    phone.wait_for_function("() => window.fieldcrm.pending() === 0")
    phone.evaluate("window.fieldcrm.flush()")  # a second flush sends nothing more
    assert len(_activities(e2e_url, account)) == before + 1
