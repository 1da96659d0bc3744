"""QA walk at 390×844, French: the agenda's forms, a moved appointment, a refused proposal and
the offline outbox's refusals.

- A booking or a move the app refuses comes back as the same form, what was typed kept, the
  French error next to the field (named by its French label), the field focused and on
  screen — never a bare « Erreur 422 » page.
- A moved appointment reads « Déplacé » with the time it was booked at, on the agenda and on
  « Ma journée ».
- A refused proposal's card reads « Refusée »: no time, no slot, no buttons to book or drive.
- A visit the server refuses from the outbox shows the French message only, not the field's
  name in the code in brackets (« date et heure (at) »).

Screenshots in ``tests/artifacts/phone-qa``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ARTIFACTS, PHONE, log_in
from tests.e2e.test_offline_outbox import _camilles_account

SHOTS = ARTIFACTS / "phone-qa"
DAY = "2026-05-13"  # a Wednesday no other browser test books or plans
PLANNED = "2026-04-30"  # a Thursday no other browser test plans
TITLE = "Essai QA formulaire"


def _shot(page: Page, name: str, *, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


@pytest.fixture
def clean(e2e_sql: Callable[[str], None]) -> Iterator[None]:
    """The browser tests share one database: leave nothing of ours behind."""
    forget = (
        f"DELETE FROM appointments WHERE rep_id = 4 AND title = '{TITLE}'",
        f"DELETE FROM plans WHERE rep_id = 4 AND day IN ('{DAY}', '{PLANNED}')",
    )
    for statement in forget:
        e2e_sql(statement)
    yield
    for statement in forget:
        e2e_sql(statement)


def _stored(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI')"
                " FROM appointments WHERE rep_id = 4 AND title = :t"
            ),
            {"t": TITLE},
        ).scalars()
        out = list(rows)
    engine.dispose()
    return out


def _on_screen(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_a_refused_booking_or_move_comes_back_as_its_form_with_the_error_by_the_field(
    phone: Page, e2e_url: str, clean: None
) -> None:
    log_in(phone, 4)
    phone.goto(f"/agenda?date={DAY}&vue=jour")
    form = phone.locator("#new-appointment form")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=time]").fill("09:00")
    form.locator("#book").click()  # no address, no position: nowhere to go
    phone.wait_for_load_state("load")
    assert "Erreur 422" not in phone.content()
    said = phone.inner_text("#new-address-error")
    assert said == "adresse : indiquez un compte, une adresse ou un point"
    assert form.locator("input[name=title]").input_value() == TITLE, "what was typed stays"
    assert phone.evaluate("document.activeElement.name") == "address"
    assert _on_screen(phone, "input[name=address]"), "the field to fix is on screen"
    assert _on_screen(phone, "#new-address-error")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(phone, "agenda-no-place")

    # a phone whose browser lets an empty time through
    phone.evaluate("document.querySelector('#new-appointment form').noValidate = true")
    form.locator("input[name=address]").fill("2 quai Antoine Ier, 98000 Monaco")
    form.locator("input[name=time]").fill("")
    form.locator("#book").click()
    phone.wait_for_load_state("load")
    assert "Erreur 422" not in phone.content()
    assert phone.inner_text("#new-time-error") == "heure : champ obligatoire"
    assert form.locator("input[name=address]").input_value() == "2 quai Antoine Ier, 98000 Monaco"
    assert phone.evaluate("document.activeElement.name") == "time"
    assert _on_screen(phone, "#new-time-error")
    _shot(phone, "agenda-empty-time")
    assert _stored(e2e_url) == [], "nothing stored"

    form.locator("input[name=time]").fill("09:00")
    form.locator("#book").click()
    phone.wait_for_load_state("load")
    assert _stored(e2e_url) == [f"{DAY} 09:00"]

    # the move form, same rule; then a real move reads « Déplacé »
    item = phone.locator(".appointment", has_text=TITLE)
    item.locator("summary").click()
    phone.evaluate("document.querySelector('details.move form').noValidate = true")
    item.locator("input[name=time]").fill("")
    item.locator("button.save").click()
    phone.wait_for_load_state("load")
    item = phone.locator(".appointment", has_text=TITLE)
    assert "Erreur 422" not in phone.content()
    assert item.locator("details.move").get_attribute("open") is not None
    assert item.locator(".field-error").inner_text() == "heure : champ obligatoire"
    assert phone.evaluate("document.activeElement.name") == "time"
    _shot(phone, "agenda-move-empty-time")
    assert _stored(e2e_url) == [f"{DAY} 09:00"]

    item.locator("input[name=time]").fill("11:00")
    item.locator("button.save").click()
    phone.wait_for_load_state("load")
    item = phone.locator(".appointment", has_text=TITLE)
    assert item.locator(".time").inner_text() == "11:00–12:00"
    assert item.locator(".moved").inner_text() == "Déplacé"
    assert item.locator(".moved-from").inner_text() == "(initialement prévu à 09:00)"
    _shot(phone, "agenda-moved")
    phone.goto(f"/journee?date={DAY}")
    listed = phone.locator("#day-appointments li", has_text=TITLE)
    assert listed.locator(".moved").inner_text() == "Déplacé"
    assert listed.locator(".moved-from").inner_text() == "(initialement prévu à 09:00)"
    _shot(phone, "day-moved")


def test_a_refused_proposal_reads_refused_with_nothing_to_book_or_drive_to(
    phone: Page, clean: None
) -> None:
    log_in(phone, 4)
    phone.goto(f"/journee?date={PLANNED}")
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    open_ = phone.locator(".stop.candidate:has(button.accept)")
    assert open_.count() >= 1, "the plan proposes visits to book"
    card = open_.first
    proposal = card.get_attribute("data-proposal")
    assert card.locator(".time").count() == 1 and card.locator(".nav a").count() == 3
    card.get_by_role("button", name="Refuser").click()
    phone.wait_for_load_state("load")
    refused = phone.locator(f".stop.candidate[data-proposal='{proposal}']")
    assert refused.locator(".status").inner_text() == "Refusée"
    assert refused.locator(".time").count() == 0, "no time held for it"
    assert refused.locator(".proposal").count() == 0, "no slot to book"
    assert refused.locator("button, input[name=heure]").count() == 0
    assert refused.locator(".nav a, a[href*='maps'], a[href^='geo:']").count() == 0
    assert refused.locator("details.visit").count() == 0
    refused.scroll_into_view_if_needed()
    _shot(phone, "day-refused")
    refused.screenshot(path=str(SHOTS / "card-refused.png"))


def test_a_visit_refused_from_the_outbox_reads_french_only(phone: Page, e2e_url: str) -> None:
    account = _camilles_account(e2e_url)
    # the phone's clock is two days ahead: its check-in is refused (« dans le futur »)
    phone.clock.set_fixed_time(dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    log_in(phone, 4)
    phone.goto(f"/comptes/{account}")
    phone.click("button.checkin")
    status = phone.locator(f"li[data-account='{account}'] .visit-status")
    phone.wait_for_function(
        "() => /dans le futur/.test(document.querySelector('.visit-status').textContent)"
    )
    said = status.inner_text()
    assert said.startswith("date et heure : ne doit pas être dans le futur (reçu : "), said
    assert "(at)" not in said and " at " not in said
    assert phone.evaluate("window.fieldcrm.pending()") == 0
    status.scroll_into_view_if_needed()
    _shot(phone, "outbox-refused")
