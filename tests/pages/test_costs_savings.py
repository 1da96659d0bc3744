"""The « Frais » page and its API keep the money the planner saved apart from the gain it
only expects (QA 17: a proposed trip still to come read « 1 147,14 € économisés »)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fieldcrm.services import costs
from tests.pages.test_costs_basis import _text
from tests.services.test_costs_savings import PARIS, _propose_trip, _sophie, settings
from tests.web import ClientFactory

CLAIRE = 1


def test_a_future_proposed_trip_reads_as_an_expected_gain_not_a_saving(
    api_as: ClientFactory, demo_db: Session
) -> None:
    rep, places = _sophie(demo_db)
    first = dt.datetime.now(PARIS).date() + dt.timedelta(days=9)
    _propose_trip(demo_db, rep, first, places)
    costs.derive_trips(demo_db, settings=settings(), year=first.year, rep_ids=[rep])
    month = {"month": first.strftime("%Y-%m")}
    html = api_as(CLAIRE).get("/frais", params=month).text
    assert _text(html, "saved-realised") == (
        "0,00\u00a0€économisés sur les tournées planifiées réalisées"
    )
    assert _text(html, "saved-expected") == (
        "1\u202f147,14\u00a0€gain prévu des tournées planifiées non encore réalisées"
    )
    assert "une estimation, pas une économie" in _text(html, "savings-note")
    english = api_as(CLAIRE).get("/frais", params={**month, "lang": "en"}).text
    assert "expected gain of planned trips not driven yet" in _text(english, "saved-expected")
    doc = api_as(CLAIRE).get("/api/costs/report", params=month).json()
    planned = doc["total"]["planned"]
    assert (planned["saved_eur"], planned["expected_saved_eur"]) == (0.0, 1147.14)
