"""Camille on a phone plans Tuesday, then the account of one of its proposals is booked on
Wednesday: Tuesday's card reads « Déjà réservé le 22/04/2026 à 17:00 », with no time, slot,
button nor navigation, and the proposal before it may now start later. Screenshots in
``tests/artifacts/booked_elsewhere`` (and ``FIELDCRM_SHOTS_DIR`` when set)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.services.test_slots_after_booking import _pair

TUESDAY, WEDNESDAY = "2026-04-21", "2026-04-22"
TITLE = "Visite QA mercredi"


def _shot(page: Page, name: str, *, full_page: bool = True) -> None:
    folders = [ARTIFACTS / "booked_elsewhere"]
    if os.environ.get("FIELDCRM_SHOTS_DIR"):
        folders.append(Path(os.environ["FIELDCRM_SHOTS_DIR"]))
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def _slot(stop: Locator) -> tuple[str, str]:
    heure = stop.locator("input[name=heure]")
    return heure.get_attribute("min") or "", heure.get_attribute("max") or ""


def _latest_plan(url: str) -> plans.PlanRow:
    engine = create_engine(url)
    with Session(engine) as session:
        plan_id = session.execute(text("SELECT max(id) FROM plans WHERE rep_id = 4")).scalar_one()
        found = plans.get_plan(session, plan_id)
    engine.dispose()
    return found


def test_a_card_booked_on_another_day_reads_already_booked_and_frees_its_time(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None]
) -> None:
    log_in(phone, 4)
    phone.goto(f"/journee?date={TUESDAY}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    a, x, _stored_slot = _pair(_latest_plan(e2e_url))  # A's latest start bound by X's
    card_a = phone.locator(f".stop.candidate[data-proposal='{a.id}']")
    card_x = phone.locator(f".stop.candidate[data-proposal='{x.id}']")
    assert card_x.locator("button.accept").count() == 1
    before = _slot(card_a)
    _shot(phone, "tuesday_planned")
    card_a.scroll_into_view_if_needed()
    _shot(phone, "tuesday_planned_phone", full_page=False)
    e2e_sql(
        f"""INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at, status, geom)
            SELECT 4, a.id, '{TITLE}', TIMESTAMPTZ '{WEDNESDAY} 17:00 Europe/Paris',
                   TIMESTAMPTZ '{WEDNESDAY} 17:30 Europe/Paris', 'confirmed', a.geom
            FROM accounts a WHERE a.id = {x.account_id}"""
    )
    try:
        phone.goto(f"/journee?date={TUESDAY}")
        said = card_x.locator(".booked-near").inner_text()
        assert said == "Déjà réservé le 22/04/2026 à 17:00 : la visite n’est plus proposée."
        assert "released" in (card_x.get_attribute("class") or "")
        for gone in (".time", "button.accept", "input[name=heure]", ".actions.nav", ".checkin"):
            assert card_x.locator(gone).count() == 0, gone
        assert card_x.get_by_role("button", name="Refuser").count() == 0
        after = _slot(card_a)
        assert after[0] <= before[0] and after[1] > before[1], (before, after)
        assert f"à réserver {after[0]}–{after[1]}" in card_a.locator(".proposal").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(phone, "tuesday_x_booked_wednesday")
        card_a.scroll_into_view_if_needed()
        _shot(phone, "tuesday_x_booked_wednesday_phone", full_page=False)
    finally:
        e2e_sql(f"DELETE FROM appointments WHERE title = '{TITLE}'")
