"""A rep on a phone accepts one proposal and refuses another, then replans: the accepted
visit is kept as a fixed appointment at the start its slot showed, the refused account does
not come back."""

from __future__ import annotations

import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import draw_rectangle, log_in

DAY = "2026-04-28"
PARIS = ZoneInfo("Europe/Paris")


def test_replanning_keeps_accepted_visits_and_refused_accounts_away(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None]
) -> None:
    log_in(phone, 4)
    try:
        phone.goto(f"/journee?date={DAY}")
        phone.click("#plan-day")
        phone.wait_for_selector("#stops")
        open_ones = phone.locator(".stop.candidate").filter(has=phone.locator("button.accept"))
        assert open_ones.count() >= 2
        keep = open_ones.first
        kept = int(keep.get_attribute("data-account") or 0)
        slot = re.search(r"à réserver (\d\d:\d\d)", keep.locator(".proposal").inner_text())
        assert slot is not None
        shown = keep.locator(".time").inner_text()  # the planned time: what gets booked
        assert keep.locator("input[name=heure]").get_attribute("value") == shown
        assert slot.group(1) <= shown
        keep.locator("button.accept").click()
        phone.wait_for_load_state("load")
        refuse = phone.locator(".stop.candidate").filter(has=phone.locator("button.accept")).first
        refused = int(refuse.get_attribute("data-account") or 0)
        refuse.locator("form:has(input[value=false]) button").click()
        phone.wait_for_load_state("load")
        assert (
            phone.locator(f".stop.candidate[data-account='{refused}'] .status").inner_text()
            == "Refusée"
        )

        engine = create_engine(e2e_url)
        with engine.connect() as conn:
            starts = conn.execute(
                text("""SELECT starts_at FROM appointments WHERE account_id = :a AND rep_id = 4
                        AND status <> 'cancelled' ORDER BY id DESC LIMIT 1"""),
                {"a": kept},
            ).scalar_one()
        engine.dispose()
        assert starts.astimezone(PARIS).strftime("%Y-%m-%d %H:%M") == f"{DAY} {shown}"

        phone.click("#plan-day")  # "Replanifier"
        phone.wait_for_load_state("load")
        phone.wait_for_selector("#stops")
        assert phone.locator(f".stop.appointment[data-account='{kept}']").count() == 1
        assert phone.locator(f".stop.candidate[data-account='{kept}']").count() == 0
        assert phone.locator(f".stop.candidate[data-account='{refused}']").count() == 0
    finally:
        e2e_sql(
            f"""DELETE FROM appointments WHERE rep_id = 4
                AND (starts_at AT TIME ZONE 'Europe/Paris')::date = '{DAY}'"""
        )
        e2e_sql(f"DELETE FROM plans WHERE rep_id = 4 AND day = '{DAY}'")


def test_a_lasso_on_the_accounts_map_picks_accounts_for_a_route(phone: Page) -> None:
    """On a phone, Camille draws a lasso on her accounts map: the accounts it surrounds are
    ticked for "Itinéraire avec les comptes cochés"."""
    log_in(phone, 4)
    phone.goto("/comptes")
    assert phone.locator("input[name=account_ids]:checked").count() == 0
    draw_rectangle(phone, "#accounts-map")
    ticked = phone.locator("input[name=account_ids]:checked").count()
    assert ticked > 0
    assert phone.locator("#route-form button[type=submit]").is_visible()
