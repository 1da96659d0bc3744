"""QA at 390×844 on 06/12/2026: Camille opens « Ma journée » for 01/12/2026: no button to
plan it, the page says the day is past; a request to plan it anyway is refused naming
« jour »; no plan is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from fieldcrm.services import plan_dates
from fieldcrm.store.plans import PARIS
from tests.e2e.conftest import ARTIFACTS, log_in

SHOTS = ARTIFACTS / "past-day"


def test_planning_a_past_day_says_why(
    phone: Page, e2e_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_dates, "now", lambda: dt.datetime(2026, 12, 6, 9, 30, tzinfo=PARIS))
    log_in(phone, 4)
    phone.goto("/journee?date=2026-12-01")
    assert phone.locator("#plan-day").count() == 0
    assert phone.inner_text("#past-day") == "Jour passé : il ne se planifie plus."
    # the form of the next day, sent for the past one (an old tab): refused, in French
    phone.goto("/journee?date=2026-12-07")
    phone.evaluate(
        "document.querySelector('form[action=\"/journee/planifier\"] input[name=date]')"
        ".value = '2026-12-01'"
    )
    phone.click("#plan-day")
    phone.wait_for_selector("#day-refusal")
    said = phone.inner_text("#day-refusal")
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "day-2026-12-01-refused.png"), full_page=False)
    assert said.startswith("jour : le 01/12/2026 est passé"), said
    assert phone.locator(".stop.candidate").count() == 0
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM plans WHERE rep_id = 4 AND day = '2026-12-01'")
        ).scalar_one()
    engine.dispose()
    assert stored == 0
