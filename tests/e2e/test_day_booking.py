"""Camille on a phone: the time a proposal shows is the time booked (or the minute she picks),
a refused accept comes back to her day with the reason, a plan whose accounts were booked
since says so, and "Trouver un jour" ranks by the cost it shows. Screenshots in
``tests/artifacts/day``."""

from __future__ import annotations

import re

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ARTIFACTS, log_in

SHOTS = ARTIFACTS / "day"
TUESDAY, THURSDAY = "2026-04-21", "2026-04-23"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _query(url: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params).all()]
    engine.dispose()
    return rows


def _plan(phone: Page, day: str) -> None:
    phone.goto(f"/journee?date={day}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")


def test_the_time_shown_is_booked_and_a_refusal_keeps_the_day(
    phone: Page, e2e_url: str, e2e_sql
) -> None:  # type: ignore[no-untyped-def]
    log_in(phone, 4)
    _plan(phone, TUESDAY)
    _shot(phone, "day_planned")
    stops = phone.locator(".stop.candidate").filter(has=phone.locator("button.accept"))
    assert stops.count() >= 2
    # the first: an appointment is put at its time first: accepting it is refused
    first = stops.nth(0)
    shown = first.locator(".time").inner_text()
    heure = first.locator("input[name=heure]")
    assert heure.get_attribute("value") == shown
    assert heure.get_attribute("min") <= shown <= heure.get_attribute("max")  # type: ignore[operator]
    proposal = int(first.get_attribute("data-proposal") or 0)
    e2e_sql(
        f"""INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
            VALUES (4, 'Bloqué QA', TIMESTAMPTZ '{TUESDAY} {shown} Europe/Paris',
                    TIMESTAMPTZ '{TUESDAY} {shown} Europe/Paris' + interval '5 minutes',
                    'confirmed')"""
    )
    try:
        first.locator("button.accept").click()
        phone.wait_for_selector("#day-refusal")
        assert phone.url.endswith(f"/journee?date={TUESDAY}&rep=4")
        alert = phone.locator("#day-refusal")
        assert alert.get_attribute("role") == "alert"
        # its slot is that of the day as it is now, the blocking appointment in it: the
        # minute shown is outside it, or the visit no longer fits before it
        said = alert.inner_text()
        assert (
            "hors du créneau à réserver" in said
            or "ne tient plus depuis la réservation de «\u00a0Bloqué QA\u00a0»" in said
        ), said
        assert phone.locator("#stops").count() == 1, "the day is still there"
        _shot(phone, "day_refused")
        assert _query(e2e_url, "SELECT status FROM plan_proposals WHERE id = :p", p=proposal) == [
            ("proposed",)
        ]
    finally:
        e2e_sql("DELETE FROM appointments WHERE title = 'Bloqué QA'")

    # the second, at a minute picked in its slot
    second = phone.locator(".stop.candidate").filter(has=phone.locator("button.accept")).nth(1)
    proposal = int(second.get_attribute("data-proposal") or 0)
    heure = second.locator("input[name=heure]")
    low, high = heure.get_attribute("min") or "", heure.get_attribute("max") or ""
    picked = high if heure.get_attribute("value") != high else low
    heure.fill(picked)
    second.locator("button.accept").click()
    phone.wait_for_load_state("load")
    done = phone.locator(f".stop.candidate[data-proposal='{proposal}']")
    assert done.locator(".time").inner_text() == picked
    assert re.fullmatch(
        rf"Acceptée : rendez-vous réservé {picked}–\d\d:\d\d", done.locator(".status").inner_text()
    )
    assert picked in phone.locator("#day-appointments").inner_text()
    booked = _query(
        e2e_url,
        "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') FROM appointments"
        " WHERE proposal_id = :p",
        p=proposal,
    )
    assert booked == [(picked,)]
    _shot(phone, "day_accepted")


def test_a_plan_whose_accounts_were_booked_since_says_so(
    phone: Page, e2e_url: str, e2e_sql
) -> None:  # type: ignore[no-untyped-def]
    log_in(phone, 4)
    _plan(phone, THURSDAY)
    proposed = phone.locator(".stop.candidate").filter(has=phone.locator("button.accept"))
    assert proposed.count() >= 1
    account = int(proposed.first.get_attribute("data-account") or 0)
    e2e_sql(
        f"""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at, status, geom)
            SELECT 4, a.id, 'Visite ' || a.name, TIMESTAMPTZ '{TUESDAY} 17:00 Europe/Paris',
                   TIMESTAMPTZ '{TUESDAY} 17:30 Europe/Paris', 'confirmed', a.geom
            FROM accounts a WHERE a.id = {account}"""
    )
    try:
        phone.goto(f"/journee?date={THURSDAY}")
        banner = phone.locator("#plan-booked")
        assert "Plan à recalculer : 1 compte proposé a été réservé depuis." in banner.inner_text()
        stop = phone.locator(f".stop.candidate[data-account='{account}']")
        assert stop.locator("button.accept").count() == 0
        near = stop.locator(".booked-near").inner_text()
        assert "Déjà réservé le 21/04/2026 à 17:00" in near, near
        _shot(phone, "day_stale")
        phone.goto(f"/comptes/{account}")
        assert "Visite proposée le" not in phone.locator("#next-visit").inner_text()
        _shot(phone, "account_booked")
        phone.goto(f"/comptes/{account}/trouver-un-jour")
        costs = [
            float(t.replace("\u202f", "").replace(",", ".").split("\u00a0")[0].lstrip("+"))
            for t in phone.locator("#days strong.cost").all_inner_texts()
        ]
        assert costs and costs == sorted(costs), "cheapest first, by the cost shown"
        _shot(phone, "find_day")
        # every cost box is on one line: the euro sign never wraps alone
        for box in phone.locator("#days strong.cost").all():
            rects = box.evaluate("e => e.getClientRects().length")
            assert rects == 1
    finally:
        e2e_sql(
            f"DELETE FROM appointments WHERE account_id = {account} AND starts_at::date = '{TUESDAY}' AND proposal_id IS NULL"
        )
