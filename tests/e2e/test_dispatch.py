"""A dispatcher assigns an account from the queue, on a phone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from tests.e2e.conftest import draw_rectangle, log_in


def test_dispatcher_assigns_an_account_from_the_queue(phone: Page) -> None:
    log_in(phone, 2)
    phone.goto("/affectations")
    first = phone.locator("input[name=account_ids]").first
    name = first.get_attribute("aria-label")
    first.check()
    assert phone.locator("#selected-count").inner_text() == "1"
    phone.select_option("select[name=rep_id]", label="Julien Bernard")
    phone.click("#assign-selected")
    phone.wait_for_url("**/affectations?done=*")
    assert phone.locator("[role=status]").inner_text() == "1 compte attribué."
    assert phone.locator(f"input[aria-label='{name}']").count() == 0  # left the queue


def test_lasso_ticks_the_accounts_it_surrounds(phone: Page, e2e_sql: Callable[[str], None]) -> None:
    e2e_sql(
        "UPDATE account_assignments SET owner_id = NULL, locked = false WHERE account_id IN "
        "(SELECT id FROM accounts JOIN account_assignments ON account_id = id"
        " WHERE geom IS NOT NULL AND owner_id IS NOT NULL ORDER BY id LIMIT 5)"
    )
    log_in(phone, 2)
    phone.goto("/affectations")
    draw_rectangle(phone, "#dispatch-map")
    assert int(phone.locator("#selected-count").inner_text()) > 0


def test_nothing_ticked_is_said_on_screen_beside_the_button(phone: Page) -> None:
    """On a phone the form's message appeared below the map, off the screen: it shows
    beside the button pressed, in view, without sending the form."""
    log_in(phone, 2)
    phone.goto("/affectations")
    phone.click("#assign-selected")
    error = phone.locator("#assign-error")
    error.wait_for()
    assert error.inner_text() == "Cochez au moins un compte."
    assert phone.url.endswith("/affectations")  # not sent: no round trip
    box = error.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844
    assert phone.evaluate("document.activeElement.id") == "assign-selected"
