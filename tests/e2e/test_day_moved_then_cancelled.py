"""Camille on a phone plans Tuesday; her 10:00 appointment at LAMBDA SARL is moved to
Wednesday, then cancelled. Tuesday's plan reads « Annulé » on the LAMBDA stop — not
« RDV fixe », no navigation nor check-in — and the stop is off the whole-route link.
Screenshots in ``tests/artifacts/moved_then_cancelled`` (and ``FIELDCRM_SHOTS_DIR`` when
set)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import log_in
from tests.e2e.test_day_moved_away import _move, _query, _whole_route
from tests.e2e.test_day_moved_away import _shot as _moved_shot

pytestmark = [pytest.mark.e2e, pytest.mark.db]
TUESDAY, WEDNESDAY = "2026-04-21", "2026-04-22"


def _cancel(page: Page, appointment_id: int) -> None:
    """Cancel the appointment through the API, as the agenda does (same-origin fetch)."""
    status = page.evaluate(
        "id => fetch('/api/appointments/' + id, {method: 'DELETE'}).then(r => r.status)",
        appointment_id,
    )
    assert status in (200, 204), status


def test_a_stop_moved_away_then_cancelled_reads_cancelled(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None]
) -> None:
    log_in(phone, 4)
    phone.goto(f"/journee?date={TUESDAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    ((plan_id,),) = _query(e2e_url, "SELECT max(id) FROM plans WHERE rep_id = 4")
    ((lam, lam_start, lam_end, lon, lat),) = _query(
        e2e_url,
        """SELECT ap.id, ap.starts_at, ap.ends_at, ST_X(ap.geom), ST_Y(ap.geom)
           FROM appointments ap JOIN accounts a ON a.id = ap.account_id
           WHERE a.name = 'LAMBDA SARL' AND ap.rep_id = 4 AND ap.status <> 'cancelled'
             AND (ap.starts_at AT TIME ZONE 'Europe/Paris')::date = DATE '2026-04-21'""",
    )
    ((audited,),) = _query(e2e_url, "SELECT coalesce(max(id), 0) FROM audit_log")
    lambda_stop = phone.locator(".stop.appointment", has_text="LAMBDA SARL")
    assert lambda_stop.locator(".badge.high").inner_text() == "RDV fixe"
    assert f"{lat},{lon}" in _whole_route(phone.locator("#whole-route"))
    try:
        _move(phone, int(str(lam)), WEDNESDAY, "08:30")
        _cancel(phone, int(str(lam)))
        phone.goto(f"/journee?date={TUESDAY}")
        assert "cancelled" in (lambda_stop.get_attribute("class") or "")
        assert lambda_stop.locator(".stop-cancelled").inner_text() == "Annulé"
        for gone in (".badge.high", ".moved-away", ".actions.nav", ".checkin"):
            assert lambda_stop.locator(gone).count() == 0, gone
        assert f"{lat},{lon}" not in _whole_route(phone.locator("#whole-route"))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        lambda_stop.scroll_into_view_if_needed()
        _moved_shot(phone, "tuesday_moved_then_cancelled_phone", full_page=False)
    finally:
        e2e_sql(f"DELETE FROM plans WHERE id = {plan_id}")
        e2e_sql(
            f"""UPDATE appointments SET starts_at = '{lam_start}', ends_at = '{lam_end}',
                status = 'confirmed' WHERE id = {lam}"""
        )
        e2e_sql(
            f"DELETE FROM audit_log WHERE entity = 'appointment' AND entity_id = '{lam}'"
            f" AND id > {audited}"
        )
