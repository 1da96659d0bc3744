"""Camille on a phone: she accepts a proposal 40 minutes after its planned time, the next
proposal's slot moves to what can be booked now; once something is booked over it, it says
it no longer fits and can only be refused. Screenshots in ``tests/artifacts/slots``."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Locator, Page

from tests.e2e.conftest import ARTIFACTS, log_in

SHOTS = ARTIFACTS / "slots"
WEDNESDAY = "2026-04-22"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _later(hhmm: str, minutes: int) -> str:
    t = dt.datetime.combine(dt.date(2026, 4, 22), dt.time.fromisoformat(hhmm))
    return (t + dt.timedelta(minutes=minutes)).strftime("%H:%M")


def _slot(stop: Locator) -> tuple[str, str]:
    heure = stop.locator("input[name=heure]")
    return heure.get_attribute("min") or "", heure.get_attribute("max") or ""


def test_the_next_slot_moves_with_a_booking_and_says_when_it_no_longer_fits(
    phone: Page, e2e_sql
) -> None:  # type: ignore[no-untyped-def]
    log_in(phone, 4)
    phone.goto(f"/journee?date={WEDNESDAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    stops = phone.locator(".stop.candidate")
    # two proposals one after the other, the first with 40 minutes after its planned time
    pair = None
    for k in range(stops.count() - 1):
        one, two = stops.nth(k), stops.nth(k + 1)
        if one.locator("button.accept").count() and two.locator("button.accept").count():
            value = one.locator("input[name=heure]").get_attribute("value") or ""
            if _later(value, 40) <= _slot(one)[1]:
                pair = (one, two, value)
                break
    assert pair is not None, "the demo Wednesday has two such proposals"
    one, two, value = pair
    a = one.get_attribute("data-proposal")
    b = two.get_attribute("data-proposal")
    before = _slot(two)
    _shot(phone, "planned")
    picked = _later(value, 40)
    one.locator("input[name=heure]").fill(picked)
    one.locator("button.accept").click()
    phone.wait_for_load_state("load")
    done = phone.locator(f".stop.candidate[data-proposal='{a}']")
    assert done.locator(".time").inner_text() == picked
    after = phone.locator(f".stop.candidate[data-proposal='{b}']")
    now = _slot(after)
    assert now[0] >= before[0] and now[0] <= now[1]
    assert f"à réserver {now[0]}–{now[1]}" in after.locator(".proposal").inner_text()
    _shot(phone, "after_accept")
    # something booked from the end of A to 17:30: B no longer fits
    ends = done.locator(".status").inner_text().rsplit("–", 1)[1]
    e2e_sql(
        f"""INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
            VALUES (4, 'Bloqué QA', TIMESTAMPTZ '{WEDNESDAY} {ends} Europe/Paris',
                    TIMESTAMPTZ '{WEDNESDAY} 17:30 Europe/Paris', 'confirmed')"""
    )
    try:
        phone.goto(f"/journee?date={WEDNESDAY}")
        late = phone.locator(f".stop.candidate[data-proposal='{b}']")
        said = late.locator(".no-longer-fits").inner_text()
        assert said.startswith(
            f"Ne tient plus depuis la réservation de «\u00a0Bloqué QA\u00a0» à {ends}"
        )
        assert late.locator("button.accept").count() == 0
        _shot(phone, "no_longer_fits")
        late.get_by_role("button", name="Refuser").click()
        phone.wait_for_load_state("load")
        refused = phone.locator(f".stop.candidate[data-proposal='{b}']")
        assert refused.locator(".status").inner_text() == "Refusée"
        # the page fits the phone: no sideways scroll
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(phone, "refused")
    finally:
        e2e_sql("DELETE FROM appointments WHERE title = 'Bloqué QA'")
