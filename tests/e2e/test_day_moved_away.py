"""Camille on a phone plans Tuesday and accepts a card; then her 10:00 appointment at LAMBDA
SARL and the visit she booked are both moved to Wednesday. Tuesday's plan reads « Déplacé
au 22/04/2026 à 08:30 » on the LAMBDA stop (not « RDV fixe » at 10:00) and « Rendez-vous
déplacé au 22/04/2026 à 17:30 » on the card, with no time nor navigation, both off the
whole-route link; the same on Tournée; Wednesday lists LAMBDA « Déplacé (initialement prévu
le 21/04/2026 à 10:00) », and once planned has it as a fixed stop at 08:30 saying so.
Screenshots in ``tests/artifacts/moved_away`` (and
``FIELDCRM_SHOTS_DIR`` when set)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.db]
TUESDAY, WEDNESDAY = "2026-04-21", "2026-04-22"


def _shot(page: Page, name: str, *, full_page: bool = True) -> None:
    folders = [ARTIFACTS / "moved_away"]
    if os.environ.get("FIELDCRM_SHOTS_DIR"):
        folders.append(Path(os.environ["FIELDCRM_SHOTS_DIR"]))
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def _query(url: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params).all()]
    engine.dispose()
    return rows


def _move(page: Page, appointment_id: int, day: str, at: str) -> None:
    """Move the appointment through the API, as the agenda does (same-origin fetch)."""
    status = page.evaluate(
        """([id, day, at]) => fetch('/api/appointments/' + id, {method: 'PATCH',
             headers: {'Content-Type': 'application/json'},
             body: JSON.stringify({date: day, time: at})}).then(r => r.status)""",
        [appointment_id, day, at],
    )
    assert status == 200, status


def _whole_route(route: Locator) -> str:
    return route.locator("a.button").get_attribute("href") or ""


def test_a_stop_moved_to_another_day_reads_where_it_went(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None]
) -> None:
    log_in(phone, 4)
    phone.goto(f"/journee?date={TUESDAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    card = phone.locator(".stop.candidate:has(button.accept)").first
    proposal = card.get_attribute("data-proposal")
    card.locator("button.accept").click()
    phone.wait_for_load_state("load")
    ((plan_id, lam, lam_start, lam_end, lon, lat),) = _query(
        e2e_url,
        """SELECT p.plan_id, ap.id, ap.starts_at, ap.ends_at, ST_X(ap.geom), ST_Y(ap.geom)
           FROM plan_proposals p, appointments ap JOIN accounts a ON a.id = ap.account_id
           WHERE p.id = :p AND a.name = 'LAMBDA SARL' AND ap.rep_id = 4
             AND ap.status <> 'cancelled'
             AND (ap.starts_at AT TIME ZONE 'Europe/Paris')::date = DATE '2026-04-21'""",
        p=int(proposal or 0),
    )
    ((visit,),) = _query(
        e2e_url, "SELECT id FROM appointments WHERE proposal_id = :p", p=int(proposal or 0)
    )
    lambda_stop = phone.locator(".stop.appointment", has_text="LAMBDA SARL")
    assert lambda_stop.locator(".badge.high").inner_text() == "RDV fixe"
    assert lambda_stop.locator(".time").inner_text() == "10:00"
    assert f"{lat},{lon}" in _whole_route(phone.locator("#whole-route"))
    try:
        _move(phone, int(str(lam)), WEDNESDAY, "08:30")
        _move(phone, int(str(visit)), WEDNESDAY, "17:30")
        phone.goto(f"/journee?date={TUESDAY}")
        assert "moved-away" in (lambda_stop.get_attribute("class") or "")
        assert lambda_stop.locator(".moved-away").inner_text() == "Déplacé au 22/04/2026 à 08:30"
        for gone in (".time", ".badge.high", ".actions.nav", ".checkin"):
            assert lambda_stop.locator(gone).count() == 0, gone
        moved_card = phone.locator(f".stop.candidate[data-proposal='{proposal}']")
        said = moved_card.locator(".status").inner_text()
        assert said == "Rendez-vous déplacé au 22/04/2026 à 17:30"
        for gone in (".time", ".actions.nav", ".checkin"):
            assert moved_card.locator(gone).count() == 0, gone
        route = _whole_route(phone.locator("#whole-route"))
        assert f"{lat},{lon}" not in route
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(phone, "tuesday_moved_away")
        lambda_stop.scroll_into_view_if_needed()
        _shot(phone, "tuesday_lambda_moved_phone", full_page=False)
        moved_card.scroll_into_view_if_needed()
        _shot(phone, "tuesday_visit_moved_phone", full_page=False)

        phone.goto(f"/journee?date={WEDNESDAY}")
        listed = phone.locator(f"#day-appointments li[data-id='{lam}']")
        assert re.sub(r"\s+", " ", listed.inner_text()) == (
            "08:30–09:30 Rendez-vous LAMBDA SARL Déplacé (initialement prévu le 21/04/2026 à 10:00)"
        )
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(phone, "wednesday_moved_in", full_page=False)
        # planned now, Wednesday has it as a fixed stop at its new time, « Déplacé »
        phone.click("#plan-day")
        phone.wait_for_selector("#stops")
        fixed = phone.locator(".stop.appointment", has_text="LAMBDA SARL")
        assert fixed.locator(".time").inner_text() == "08:30"
        assert fixed.locator(".badge.high").inner_text() == "RDV fixe"
        assert (
            fixed.locator(".moved-from").inner_text()
            == "(initialement prévu le 21/04/2026 à 10:00)"
        )
        assert fixed.locator(".actions.nav").count() == 1
        fixed.scroll_into_view_if_needed()
        _shot(phone, "wednesday_planned_fixed_phone", full_page=False)

        e2e_sql(f"UPDATE plans SET kind = 'trip', end_day = day WHERE id = {plan_id}")
        phone.goto(f"/tournee?plan={plan_id}")
        phone.wait_for_selector(".card.day")
        on_trip = phone.locator(".card.day .stop.appointment", has_text="LAMBDA SARL")
        assert on_trip.locator(".moved-away").inner_text() == "Déplacé au 22/04/2026 à 08:30"
        assert on_trip.locator(".time").count() == 0
        trip_card = phone.locator(f".card.day .stop[data-proposal='{proposal}']")
        assert trip_card.locator(".status").inner_text() == said
        assert _whole_route(phone.locator(".card.day .whole-route")) == route
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(phone, "trip_moved_away")
        phone.locator("#trip-map").scroll_into_view_if_needed()
        _shot(phone, "trip_map_phone", full_page=False)
        on_trip.scroll_into_view_if_needed()
        _shot(phone, "trip_lambda_moved_phone", full_page=False)
    finally:
        e2e_sql(f"DELETE FROM appointments WHERE id = {visit}")
        e2e_sql(
            f"DELETE FROM plans WHERE id = {plan_id} OR (rep_id = 4 AND id > {plan_id}"
            f" AND day = DATE '{WEDNESDAY}')"
        )
        e2e_sql(
            f"""UPDATE appointments SET starts_at = '{lam_start}', ends_at = '{lam_end}'
                WHERE id = {lam}"""
        )
        e2e_sql(
            f"DELETE FROM audit_log WHERE entity = 'appointment' AND entity_id = '{lam}'"
            " AND action = 'move'"
        )
