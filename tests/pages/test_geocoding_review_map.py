"""The review page's map: shown with the doubtful accounts' pins and candidates as data (never
as markup or inline script), absent when nothing is "à vérifier"."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

NASTY = '06000 Nice <img src=x onerror="alert(1)"> (06)'


def test_the_map_gets_its_pins_and_candidates_as_escaped_data(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = demo_db.execute(text("SELECT min(id) FROM accounts")).scalar_one()
    candidates = [{"label": NASTY, "insee": "06088", "lon": 7.26, "lat": 43.7}]
    demo_db.execute(
        text(
            """UPDATE accounts SET geocode_status = 'to_review', location_locked = false,
                 geocode_score = 0, geom = ST_SetSRID(ST_MakePoint(7.42, 43.73), 4326),
                 geocode_candidates = CAST(:c AS jsonb) WHERE id = :id"""
        ),
        {"c": json.dumps(candidates), "id": account},
    )
    page = api_as(2).get("/geocodage")
    assert page.status_code == 200
    assert 'id="review-map"' in page.text and "Confirmer la position" in page.text
    assert '<script src="/static/js/geocode-review.js"></script>' in page.text
    assert "<img" not in page.text  # the label is data, escaped
    button = re.search(rf'<button[^>]*data-review="{account}"[^>]*>', page.text, re.S)
    assert button is not None
    data = re.search(r'data-candidates="([^"]*)"', button.group(0))
    assert data is not None
    assert json.loads(html.unescape(data.group(1))) == candidates
    assert 'data-lon="7.42"' in button.group(0) and 'data-lat="43.73"' in button.group(0)
    # every script is a file or carries the nonce: nothing inline for the map
    for tag in re.findall(r"<script[^>]*>", page.text):
        assert "src=" in tag or "nonce=" in tag


def test_no_map_without_an_account_to_review(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'matched' WHERE geocode_status = 'to_review'")
    )
    page = api_as(2).get("/geocodage")
    assert page.status_code == 200
    assert 'id="review-map"' not in page.text and "geocode-review.js" not in page.text
