"""On a phone, Tournée says its left-out accounts as of its plan (« au moment du calcul, le …
à … ») and, on a day whose bookings leave no room for lunch, says so under the day's figures
as Ma journée does."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.pages.test_trip_allowances import D15, D16, TOULON, _stop, _trip
from tests.pages.test_trip_explained import _omission, _replace

pytestmark = [pytest.mark.e2e, pytest.mark.db]
SHOTS = ARTIFACTS / "trip_as_of_plan"


def test_camilles_trip_says_its_reasons_as_of_the_plan_and_the_day_without_lunch(
    phone: Page, e2e_url: str
) -> None:
    engine = create_engine(e2e_url)
    with Session(engine) as db:
        plan_id = _trip(db, [(d, [_stop(d, 10, TOULON, None)], False) for d in (D15, D16)])
        doc = plans.get_plan(db, plan_id).result
        doc["days"][1]["flags"] = ["lunch_skipped"]
        label = "n’entre pas entre les rendez-vous fixes"
        doc["omissions"] = [
            _omission(None, "Café du Port", label, []),
            _omission(None, "Boulangerie Mistral", label, ["2026-12-15"]),
        ]
        _replace(db, plan_id, doc)
        computed = dt.datetime(2026, 12, 7, 14, 5, tzinfo=PARIS)
        db.execute(
            text("UPDATE plans SET created_at = :at WHERE id = :id"),
            {"at": computed, "id": plan_id},
        )
        db.commit()
    try:
        log_in(phone, 4)
        phone.goto(f"/tournee?plan={plan_id}")
        said = phone.inner_text("#omitted-as-of")
        assert said == (
            "2 comptes écartés sur l’ensemble de la tournée, chacun avec sa raison, au moment"
            " du calcul, le 07/12/2026 à 14:05\u00a0:"
        )
        second = phone.locator('.card.day[data-day="2026-12-16"]')
        assert second.locator(".no-lunch").inner_text() == (
            "Pas de pause déjeuner possible : les rendez-vous de la journée ne laissent pas de"
            " pause entre 12:00 et 14:00."
        )
        assert phone.locator('.card.day[data-day="2026-12-15"] .no-lunch').count() == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        second.screenshot(path=str(SHOTS / "day_no_lunch.png"))
        phone.locator("#omitted").screenshot(path=str(SHOTS / "omitted_as_of.png"))
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM plans WHERE id = :id"), {"id": plan_id})
        engine.dispose()
