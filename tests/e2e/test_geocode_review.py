"""The geocoding review map on a phone: a doubtful account's pin, its candidates, a drag that
is cancelled (nothing stored), a drag that is confirmed (the dropped point stored, the account
confirmed), and a candidate chosen."""

from __future__ import annotations

import json
from collections.abc import Callable

from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from fieldcrm.geocoding.gazetteer import load_gazetteer
from tests.e2e.conftest import ARTIFACTS, log_in

SHOTS = ARTIFACTS / "ban"


def _flag(e2e_sql: Callable[[str], None], account: int, lon: float, lat: float) -> list[dict]:
    """Make ``account`` doubtful at (lon, lat), with Nice and Monaco as candidates."""
    gazetteer = load_gazetteer()
    candidates = []
    for code in ("06088", "99138"):
        commune = gazetteer.commune_of(code)
        assert commune is not None
        candidates.append(
            {
                "label": commune.label,
                "insee": code,
                "lon": commune.point.lon,
                "lat": commune.point.lat,
            }
        )
    e2e_sql(
        f"""UPDATE accounts SET geocode_status = 'to_review', location_locked = false,
              geocode_score = 0.01, geocode_reason = 'code postal 98000 ≠ Nice',
              geom = ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326),
              geocode_candidates = '{json.dumps(candidates)}'::jsonb
            WHERE id = {account}"""
    )
    return candidates


def _stored(e2e_url: str, account: int) -> tuple[float, float, str, bool]:
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                """SELECT ST_X(geom), ST_Y(geom), geocode_status, location_locked
                   FROM accounts WHERE id = :a"""
            ),
            {"a": account},
        ).one()
    engine.dispose()
    return row[0], row[1], row[2], row[3]


def _drag_pin(phone: Page, dx: int, dy: int) -> None:
    pin = phone.locator("#review-map .leaflet-marker-draggable")
    box = pin.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 6
    phone.mouse.move(x, y)
    phone.mouse.down()
    phone.mouse.move(x + dx, y + dy, steps=12)
    phone.mouse.up()


def _accounts(e2e_url: str, n: int) -> list[tuple[int, float, float]]:
    engine = create_engine(e2e_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                """SELECT id, ST_X(geom), ST_Y(geom) FROM accounts WHERE geom IS NOT NULL
                   ORDER BY id DESC LIMIT :n"""
            ),
            {"n": n},
        ).all()
    engine.dispose()
    return [(r[0], r[1], r[2]) for r in rows]


def test_a_pin_is_fixed_only_by_a_drag_and_an_explicit_confirmation(
    phone: Page, e2e_url: str, e2e_sql: Callable[[str], None]
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    (account, lon, lat), (other, other_lon, other_lat) = _accounts(e2e_url, 2)
    candidates = _flag(e2e_sql, account, lon, lat)
    _flag(e2e_sql, other, other_lon, other_lat)
    log_in(phone, 2)
    phone.goto("/geocodage")
    phone.click(f"button.show-on-map[data-review='{account}']")
    phone.wait_for_selector(f"#review-map[data-account='{account}']")
    markers = phone.locator("#review-map .fc-candidate")
    assert markers.count() == 2
    assert markers.all_text_contents() == ["1", "2"]
    assert phone.locator("#candidates li").all_text_contents() == [
        f"{c['label']} Choisir ce candidat" for c in candidates
    ]
    assert phone.locator("#pin-actions").is_hidden()
    phone.screenshot(path=str(SHOTS / "review-map.png"))

    # a tap on the pin saves nothing and asks nothing
    phone.locator("#review-map .leaflet-marker-draggable").tap()
    assert phone.locator("#pin-actions").is_hidden()

    _drag_pin(phone, 70, 40)
    phone.wait_for_selector("#pin-actions:not([hidden])")
    phone.screenshot(path=str(SHOTS / "review-dragged.png"))
    phone.click("#cancel-pin")
    assert phone.locator("#pin-actions").is_hidden()
    assert (
        phone.locator("#review-status").text_content() == "Déplacement annulé : position inchangée."
    )
    stored = _stored(e2e_url, account)
    assert stored[2:] == ("to_review", False)
    assert abs(stored[0] - lon) < 1e-9 and abs(stored[1] - lat) < 1e-9

    _drag_pin(phone, -60, 50)
    phone.wait_for_selector("#pin-actions:not([hidden])")
    dropped = phone.locator("#review-map")
    drop_lon = float(dropped.get_attribute("data-pin-lon") or "nan")
    drop_lat = float(dropped.get_attribute("data-pin-lat") or "nan")
    assert drop_lon < lon and drop_lat < lat  # moved west and south
    phone.click("#confirm-pin")
    phone.wait_for_selector("#review-map[data-saved='true']")
    phone.screenshot(path=str(SHOTS / "review-confirmed.png"))
    new_lon, new_lat, status, locked = _stored(e2e_url, account)
    assert abs(new_lon - drop_lon) < 1e-6 and abs(new_lat - drop_lat) < 1e-6
    assert (status, locked) == ("manual", True)  # confirmed: back in automatic work
    assert phone.locator(f"button.show-on-map[data-review='{account}']").count() == 0

    # the other account: its second candidate chosen (Monaco's centre, no BAN loaded there)
    phone.click(f"button.show-on-map[data-review='{other}']")
    phone.wait_for_selector(f"#review-map[data-account='{other}']")
    phone.locator("#candidates li button").nth(1).click()
    phone.wait_for_selector("#review-map[data-saved='true']")
    chosen_lon, chosen_lat, status, _ = _stored(e2e_url, other)
    assert (round(chosen_lon, 6), round(chosen_lat, 6), status) == (
        round(candidates[1]["lon"], 6),
        round(candidates[1]["lat"], 6),
        "manual",
    )
    phone.screenshot(path=str(SHOTS / "review-candidate-chosen.png"), full_page=True)
