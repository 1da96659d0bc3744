"""Errors on French screens name fields and choices as the screens do (QA walk 20): the
rebalancing criterion and the costs' grouping by the labels of their lists, the territory
builder's units by their French names; never the names in the code."""

from __future__ import annotations

import html
import re

from fieldcrm.errors import Problem
from fieldcrm.http.error_text import describe_validation, problem_text
from tests.web import ClientFactory


def _alert(page: str) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    assert found, page[:2000]
    return html.unescape(found.group(1)).replace("\u00a0", " ")


def test_an_unknown_criterion_lists_the_criteria_by_their_labels(api_as: ClientFactory) -> None:
    page = api_as(1).get("/territoires?metric=nope")
    assert page.status_code == 422
    assert _alert(page.text) == (
        "critère : mesure inconnue (reçu : « nope ») ; attendu : potentiel €/mois,"
        " charge h/mois, comptes"
    )


def test_an_unknown_grouping_of_the_costs_is_named_regrouper_par(api_as: ClientFactory) -> None:
    page = api_as(1).get("/frais?group_by=zz")
    assert page.status_code == 422
    said = _alert(page.text)
    assert said.startswith("regrouper par : valeur non prévue ; attendu : commercial, équipe")
    assert "group by" not in said and "'rep'" not in said


def test_the_builders_units_are_named_in_french() -> None:
    # the code itself is the value said: « codes postaux : … (reçu : « 99999 ») »
    for field, label in (("postcodes[0]", "codes postaux"), ("departements[1]", "départements")):
        said = problem_text(Problem(field, "unknown postcode", "99999"))
        assert said.startswith(f"{label} : "), said
        assert "postcodes" not in said and "departements" not in said
    said = describe_validation(
        [
            {
                "loc": ("query", "metric"),
                "type": "literal_error",
                "ctx": {"expected": "'accounts' or 'workload_hours_month'"},
            }
        ]
    )
    assert said == "critère : valeur non prévue ; attendu : comptes, charge h/mois"


def test_a_date_that_does_not_exist_is_said_so_on_the_agenda(api_as: ClientFactory) -> None:
    """2026-02-30 is written right: it is no « date attendue (AAAA-MM-JJ) » but a date that
    does not exist; a date written wrong still says how to write it."""
    manager = api_as(1)
    page = manager.get("/agenda?date=2026-02-30")
    assert page.status_code == 422
    assert _alert(page.text) == "date : date inexistante (reçu : « 2026-02-30 »)"
    wrong = manager.get("/agenda?date=30-02-2026")
    assert _alert(wrong.text) == "date : date attendue (AAAA-MM-JJ)"


def test_the_rules_dry_run_date_follows_the_same_rule(api_as: ClientFactory) -> None:
    page = api_as(1).post(
        "/regles", data={"document": "key: x", "action": "dry_run", "as_of": "2027-02-29"}
    )
    assert page.status_code == 422
    said = html.unescape(page.text).replace("\u00a0", " ")
    assert "date de référence : date inexistante (reçu : « 2027-02-29 »)" in said
