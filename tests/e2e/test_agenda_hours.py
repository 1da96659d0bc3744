"""A rep on a phone books an appointment at 07:00, before her working day: it is booked as
typed, and the agenda it lands on says at once, with her hours, that it is outside them. A
move to another day that clashes keeps her on that day, the form and its error in view."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS, PHONE, log_in

DAY = "2026-05-20"  # a Wednesday no other browser test books or plans
TITLE = "Livraison avant l’ouverture"
OTHER = "Dégustation de la veille"
NEXT_DAY = "2026-05-21"


@pytest.fixture
def clean(e2e_sql: Callable[[str], None]) -> Iterator[None]:
    """The browser tests share one database: leave no appointment behind for the others."""
    forget = f"DELETE FROM appointments WHERE rep_id = 4 AND title IN ('{TITLE}', '{OTHER}')"
    e2e_sql(forget)
    yield
    e2e_sql(forget)


def test_an_early_appointment_is_booked_and_said_outside_the_hours(
    phone: Page, clean: None
) -> None:
    log_in(phone, 4)  # Camille works 8 h – 18 h 30 (demo profile)
    phone.goto(f"/agenda?date={DAY}&vue=jour")
    form = phone.locator("#new-appointment form")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=time]").fill("07:00")
    form.locator("input[name=duration]").fill("45")
    phone.click("#use-position")
    phone.wait_for_selector("#position-status.ok")
    form.locator("#book").click()
    phone.wait_for_selector("#out-of-hours-notice")
    notice = phone.locator("#out-of-hours-notice").inner_text().replace("\u00a0", " ")
    assert notice == (
        f"Rendez-vous enregistré : « {TITLE} », mercredi 20 mai 2026 à 07:00. "
        "Ce rendez-vous est hors de vos horaires de travail (8 h – 18 h 30)."
    )
    item = phone.locator(".appointment", has_text=TITLE)
    assert item.locator(".time").inner_text() == "07:00–07:45"
    assert "hors de vos horaires de travail" in item.locator(".out-of-hours").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "agenda-out-of-hours.png"))


def _book(phone: Page, day: str, title: str, time: str) -> None:
    phone.goto(f"/agenda?date={day}&vue=jour")
    form = phone.locator("#new-appointment form")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=time]").fill(time)
    form.locator("input[name=duration]").fill("60")
    phone.click("#use-position")
    phone.wait_for_selector("#position-status.ok")
    form.locator("#book").click()
    phone.wait_for_selector(f".appointment:has-text('{title}')")


def test_a_move_refused_on_another_day_stays_on_that_day(phone: Page, clean: None) -> None:
    log_in(phone, 4)
    _book(phone, NEXT_DAY, TITLE, "10:00")
    _book(phone, DAY, OTHER, "10:00")
    item = phone.locator(".appointment", has_text=OTHER)
    item.locator("summary").click()
    item.locator("input[name=date]").fill(NEXT_DAY)
    item.locator("input[name=time]").fill("10:30")
    item.locator("button.save").click()
    phone.wait_for_selector("#moving")
    assert phone.locator("h1").inner_text() == "Agenda — jeudi 21 mai 2026"
    moving = phone.locator("#moving")
    assert moving.locator("input[name=date]").input_value() == NEXT_DAY
    assert moving.locator("input[name=time]").input_value() == "10:30"
    assert "chevauche" in moving.locator(".field-error").first.inner_text()
    assert phone.locator(".appointment", has_text=TITLE).count() == 1  # what it clashes with
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "agenda-move-refused-next-day.png"), full_page=True)
