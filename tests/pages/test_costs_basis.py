"""The « Frais » page and its API say which check-ins were left out of the visits and why,
and state the barème basis of the mileage (scale, vehicle, band and yearly km), consistent
with the rate every trip is costed at."""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.costs.scale import annual_allowance, load_scale
from fieldcrm.store import costs as cost_store
from tests.services.test_costs_far_checkin import DAY, _day_with_a_far_check_in
from tests.web import ClientFactory


def test_the_api_says_which_check_ins_were_left_out(
    api_as: ClientFactory, demo_db: Session
) -> None:
    lam, *_ = _day_with_a_far_check_in(demo_db)
    doc = api_as(4).get("/api/costs/report", params={"start": DAY, "end": DAY}).json()
    assert doc["total"]["actual"]["visits"] == 1
    assert doc["total"]["actual"]["not_counted_checkins"] == 1
    (trip,) = [t for t in doc["trips"] if t["kind"] == "actual"]
    assert [(n["day"], n["account_id"], n["account"]) for n in trip["not_counted"]] == [
        (DAY.isoformat(), lam, "LAMBDA SARL")
    ]


def _text(html: str, element_id: str) -> str:
    """The text of the element ``element_id`` (a p, div or section holding no element of its
    own kind), tags dropped, spaces collapsed."""
    tag = re.search(rf'<(\w+)[^>]*\bid="{element_id}"', html)
    assert tag, f"no #{element_id}"
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</{tag.group(1)}>', html, re.S)
    assert found, f"no #{element_id}"
    return re.sub(
        r"[ \t\n]+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", found.group(1)))
    ).strip()


def test_the_page_says_how_many_check_ins_are_no_visits_and_why(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _day_with_a_far_check_in(demo_db)
    html = api_as(4).get("/frais", params={"month": "2026-03"}).text
    assert _text(html, "not-counted-summary").startswith(
        "1 pointage à distance sans compte rendu ne compte pas comme visite (ni dans le coût "
        "par visite)\u00a0: fait à plus de 500 m du compte, un pointage ne compte qu’avec son "
        "compte rendu"
    )
    listed = _text(html, "not-counted")
    assert "10/03/2026 · Camille Martin · LAMBDA SARL — pointé à 11," in listed
    english = api_as(4).get("/frais", params={"month": "2026-03", "lang": "en"}).text
    assert "1 far check-in without a report does not count as a visit" in english
    assert "Far check-ins without a report" in english


def test_the_page_states_the_bareme_basis_of_the_mileage(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Camille declares 25 000 km a year (5 CV): the last band, 0,427 €/km. Without a
    declared distance, the scale is read at her actual km of 2026 so far, and the rate the
    page states is the one each trip is costed at."""
    camille = api_as(4)
    html = camille.get("/frais", params={"month": "2026-03"}).text
    basis = _text(html, "mileage-basis")
    assert (
        "Camille Martin\u00a0: Barème 2025, automobile 5 CV, plus de 20\u202f000 km\u00a0: d × 0,427\u00a0; "
        "d = 25\u202f000 km déclarés par an → 10\u202f675\u00a0€ par an, soit 0,4270 €/km"
    ) in basis
    doc = camille.get("/api/costs/report", params={"month": "2026-03"}).json()
    (b,) = doc["mileage_bases"]
    assert (b["km_source"], b["annual_km"], b["rate_per_km_eur"]) == ("declared", 25000, 0.427)
    assert {t["rate_per_km_eur"] for t in doc["trips"]} == {0.427}

    demo_db.execute(text("UPDATE users SET annual_km_estimate = NULL WHERE id = 4"))
    actual_km, _ = cost_store.year_km(demo_db, 4, 2026)
    allowance = annual_allowance(load_scale(2025), actual_km, fiscal_hp=5)
    rate = (allowance / Decimal(str(actual_km))).quantize(Decimal("0.0001"))
    doc = camille.get("/api/costs/report", params={"month": "2026-03"}).json()
    (b,) = doc["mileage_bases"]
    assert b["km_source"] == "actual" and b["annual_km"] == pytest.approx(actual_km, abs=0.05)
    assert {Decimal(str(t["rate_per_km_eur"])) for t in doc["trips"]} == {rate}
    basis = _text(camille.get("/frais", params={"month": "2026-03"}).text, "mileage-basis")
    assert 0 < actual_km <= 5000  # the demo's actual km of 2026 are in the first band
    km = f"{round(actual_km):,}".replace(",", "\u202f")
    euros = f"{allowance:,}".replace(",", "\u202f").replace(".", ",")
    french_rate = f"{rate}".replace(".", ",")
    assert basis.endswith(
        "Camille Martin\u00a0: Barème 2025, automobile 5 CV, jusqu’à 5\u202f000 km\u00a0: d × 0,636\u00a0; "
        f"d = {km} km réels en 2026 à ce jour → {euros}\u00a0€ par an, soit {french_rate} €/km"
    )
