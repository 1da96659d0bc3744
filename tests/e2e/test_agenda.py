"""A rep on a phone books an appointment on the agenda, moves it, and finds it on "Ma journée"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import log_in

WEDNESDAY = "2026-05-06"  # no demo appointment, no other browser test's plan that week
TITLE = "Dégustation au Casino"


@pytest.fixture
def clean(e2e_sql: Callable[[str], None]) -> Iterator[None]:
    """The browser tests share one database: leave no appointment behind for the others."""
    forget = (
        f"DELETE FROM plans WHERE rep_id = 4 AND day = '{WEDNESDAY}'",
        f"DELETE FROM appointments WHERE rep_id = 4 AND title = '{TITLE}'",
    )
    for statement in forget:
        e2e_sql(statement)
    yield
    for statement in forget:
        e2e_sql(statement)


def _stored(url: str) -> list[tuple[dt.datetime, dt.datetime, int]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT starts_at, ends_at, sequence FROM appointments WHERE rep_id = 4 AND title = :t"
            ),
            {"t": TITLE},
        ).all()
    engine.dispose()
    return [(r[0], r[1], r[2]) for r in rows]


def test_rep_books_moves_and_sees_the_appointment_on_her_day(
    phone: Page, e2e_url: str, clean: None
) -> None:
    log_in(phone, 4)
    phone.goto(f"/agenda?date={WEDNESDAY}&vue=jour")
    form = phone.locator("#new-appointment form")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=time]").fill("09:00")
    form.locator("input[name=duration]").fill("60")
    phone.click("#use-position")  # the phone is in Beausoleil
    phone.wait_for_selector("#position-status.ok")
    form.locator("#book").click()
    phone.wait_for_load_state("load")
    item = phone.locator(".appointment", has_text=TITLE)
    assert item.locator(".time").inner_text() == "09:00–10:00"
    assert _stored(e2e_url) == [
        (dt.datetime(2026, 5, 6, 7, tzinfo=dt.UTC), dt.datetime(2026, 5, 6, 8, tzinfo=dt.UTC), 0)
    ]

    item.locator("summary").click()
    item.locator("input[name=time]").fill("10:30")
    item.locator("button.save").click()
    phone.wait_for_load_state("load")
    moved = phone.locator(".appointment", has_text=TITLE)
    assert moved.locator(".time").inner_text() == "10:30–11:30"
    assert _stored(e2e_url) == [
        (
            dt.datetime(2026, 5, 6, 8, 30, tzinfo=dt.UTC),
            dt.datetime(2026, 5, 6, 9, 30, tzinfo=dt.UTC),
            1,
        )
    ]

    phone.goto(f"/journee?date={WEDNESDAY}")
    listed = phone.locator("#day-appointments li", has_text=TITLE)
    assert listed.locator(".ap-time").inner_text() == "10:30–11:30"
    phone.click("#plan-day")
    phone.wait_for_selector("#stops")
    stop = phone.locator(".stop.appointment", has_text=TITLE)
    assert stop.locator(".time").inner_text() == "10:30"
