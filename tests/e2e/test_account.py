"""A rep drags an account's pin to the right place; the point is saved and locked."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from tests.e2e.conftest import log_in


def test_rep_moves_the_pin_of_an_own_account(phone: Page, e2e_url: str) -> None:
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        account, lon = conn.execute(
            text(
                "SELECT id, ST_X(geom) FROM accounts LEFT JOIN account_assignments ON account_id = id"
                " WHERE owner_id = 4 AND geom IS NOT NULL ORDER BY id LIMIT 1"
            )
        ).one()
    log_in(phone, 4)
    phone.goto(f"/comptes/{account}")
    pin = phone.locator(".leaflet-marker-draggable").first
    box = pin.bounding_box()
    assert box is not None
    phone.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
    phone.mouse.down()
    phone.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] - 4, steps=10)
    phone.mouse.up()
    phone.click("#save-pin")
    phone.wait_for_selector("#pin-status.ok")
    with engine.connect() as conn:
        new_lon, locked = conn.execute(
            text("SELECT ST_X(geom), location_locked FROM accounts WHERE id = :a"), {"a": account}
        ).one()
    engine.dispose()
    assert locked is True
    assert new_lon > lon  # moved east
