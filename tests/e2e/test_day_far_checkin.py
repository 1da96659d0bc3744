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


def test_a_far_check_in_then_its_report_make_one_visit_that_counts(
    phone: Page, e2e_url: str
) -> None:
    """QA: checked in far from an account, then the report written on the page (the phone had
    lost the check-in's key: another browser, storage cleared) made a second visit; the far
    check-in never counted. The report now completes the check-in: one visit, which counts."""
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        account, lon, lat = conn.execute(
            text(
                "SELECT a.id, ST_X(a.geom), ST_Y(a.geom) FROM accounts a"
                " JOIN account_assignments s ON s.account_id = a.id"
                " WHERE s.owner_id = 4 AND a.geom IS NOT NULL AND a.name <> 'LAMBDA SARL'"
                " AND a.geocode_status IN ('matched', 'manual') ORDER BY a.id LIMIT 1"
            )
        ).one()
    log_in(phone, 4)
    phone.context.set_geolocation({"latitude": lat, "longitude": lon - 0.14})  # ~11 km away
    phone.goto(f"/comptes/{account}")
    form = phone.locator(f"li[data-account='{account}']")
    form.locator("button.checkin").click()
    form.locator(".visit-status.warning").wait_for(timeout=15_000)  # sent: far, not counted
    # the check-in's key is lost (another browser, storage cleared), the page reopened
    phone.evaluate(
        "Object.keys(localStorage).filter(function (k) { return k.indexOf('fieldcrm.visit.') === 0; })"
        ".forEach(function (k) { localStorage.removeItem(k); })"
    )
    phone.reload()
    form = phone.locator(f"li[data-account='{account}']")
    form.locator("input[name=outcome]").fill("suivi")
    form.locator("textarea[name=report]").fill("Essai prolongé de la machine à grain.")
    with phone.expect_response(
        lambda r: r.url.endswith("/api/visits") and r.request.method == "POST", timeout=15_000
    ) as sent:
        form.locator("button.send-report").click()
    assert sent.value.status == 200  # completed the check-in (201: a second visit)
    phone.goto(f"/comptes/{account}")
    reported = phone.locator("#activities li", has_text="Essai prolongé de la machine à grain.")
    assert reported.count() == 1
    assert reported.locator(".far-checkin").count() == 1  # the report completed the check-in
    assert "qu’avec son compte rendu" not in reported.inner_text()  # and it counts
    with engine.connect() as conn:
        visits = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE checkin IS NULL), count(*) FROM activities"
                " WHERE account_id = :a AND rep_id = 4 AND kind = 'visit'"
                " AND occurred_at > now() - interval '1 hour'"
            ),
            {"a": account},
        ).one()
    engine.dispose()
    assert tuple(visits) == (0, 1)
