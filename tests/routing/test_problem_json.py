"""The JSON problem format of ``fieldcrm plan solve``: examples solve, faults name their path."""

from __future__ import annotations

import json

import pytest

from fieldcrm.config import PROJECT_DIR
from fieldcrm.errors import InvalidInput
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem_json import plan_to_json, problem_from_json

EXAMPLES = PROJECT_DIR / "docs" / "examples"


def test_the_documented_day_example_plans_around_its_appointment() -> None:
    doc = json.loads((EXAMPLES / "day.json").read_text())
    out = plan_to_json(plan(problem_from_json(doc), budget=Budget(patience=500)))
    (day,) = out["days"]
    (rdv,) = [s for s in day["stops"] if s["kind"] == "appointment"]
    assert rdv["start"] == "10:00" and rdv["slot"] == ["10:00", "10:00"]
    keys = {s["key"] for s in day["stops"]}
    assert "acc-57" in keys, "the required account is visited"
    omitted = {o["key"]: o["reason"] for o in out["omissions"]}
    assert omitted.get("acc-44") == "closed", "the bakery opens on Mondays only"

    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:])

    for s in day["stops"]:
        # the slot is in whole bookable minutes; the planned start (to the second, shown
        # truncated) lies less than a minute before its rounded-up start
        first, start, last = minutes(s["slot"][0]), minutes(s["start"]), minutes(s["slot"][1])
        assert first - 1 <= start <= last


def test_the_documented_trip_example_sleeps_away_and_says_why() -> None:
    doc = json.loads((EXAMPLES / "trip.json").read_text())
    out = plan_to_json(plan(problem_from_json(doc), budget=Budget(patience=500)))
    assert [n["hotel"] for n in out["nights"]] == ["hotel-paris", "hotel-lyon"]
    assert out["all_home"] is None and "Clinique Riviera EURL" in out["all_home_error"]
    assert out["figures"]["hotel_eur"] == 195.0 and out["figures"]["meal_eur"] == 40.0


def test_every_fault_is_named_by_its_path() -> None:
    doc = {
        "places": [[7.0, 43.0], [7.1, 43.1]],
        "days": [{"depart": "8h", "return": "18:00"}],
        "candidates": [{"key": "a", "place": 5, "value_eur": "cher"}],
        "hotels": [{"place": -1, "price_eur": 10}],
    }
    with pytest.raises(InvalidInput) as err:
        problem_from_json(doc)
    fields = {p.field for p in err.value.problems}
    assert fields == {
        "days[0].depart",
        "candidates[0].place",
        "candidates[0].value_eur",
        "hotels[0].place",
    }
