"""What a rule checks, as one sentence in its reader's language (the rules list and the
editor): French templates worded by the reader's catalogue, numbers, amounts, percentages and
months written that language's way, values the manager typed kept as typed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fieldcrm.catalogue import translations
from fieldcrm.config import PACKAGE_DATA
from fieldcrm.errors import InvalidInput
from fieldcrm.scoring.condition_text import conditions_text
from fieldcrm.scoring.formats import number, percent
from fieldcrm.scoring.rules import parse_rule, parse_rules

ENGLISH = translations("en").gettext
FRENCH_WORDS = re.compile(
    r"\bCA\b|baisse|hausse|potentiel|jours|depuis|mois|plus de|au moins|au plus|moins de|"
    r"type de compte|champs|renseign|sauf|parmi|l’une|toutes|secteur|\d,\d{1,2}(?!\d)| \d{3}\b|\d %"
)
ENGLISH_WORDS = re.compile(r"revenue|more than|less than|at least|days|since|month|field|\d%")


def _when(when: dict[str, Any]) -> Any:
    return parse_rule({"key": "k", "when": when, "then": [{"priority": {"add": 1}}]}).when


def _both(when: dict[str, Any]) -> tuple[str, str]:
    cond = _when(when)
    return conditions_text(cond), conditions_text(cond, lang="en", gettext=ENGLISH)


def test_the_shipped_rules_conditions_read_in_each_language() -> None:
    rules = {
        r.key: r
        for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml"))
        for r in parse_rules(path.read_text(encoding="utf-8"))
    }
    declining = rules["declining-key-account"].when
    assert conditions_text(declining) == (
        "CA du mois précédent en baisse de plus de 10 % sur un an · potentiel en €/mois : plus "
        "de 30 000 · jours depuis la dernière visite : plus de 183"
    )
    assert conditions_text(declining, lang="en", gettext=ENGLISH) == (
        "previous month’s revenue down more than 10% year on year · potential in €/month: more "
        "than 30,000 · days since the last visit: more than 183"
    )
    prospect = rules["stale-prospect"].when
    assert conditions_text(prospect) == (
        "type de compte : prospect · jours depuis la création : plus de 61 · champs non "
        "renseignés : qualification, potentiel"
    )
    english = conditions_text(prospect, lang="en", gettext=ENGLISH)
    assert english == (
        "account type: prospect · days since creation: more than 61 · fields left empty: "
        "qualification, potential"
    )


@pytest.mark.parametrize(
    ("when", "french", "english"),
    [
        (
            {"revenue_vs_last_year": {"month": "2026-03", "above_pct": 12.5}},
            "CA de mars 2026 en hausse de plus de 12,5 % sur un an",
            "revenue for March 2026 up more than 12.5% year on year",
        ),
        (
            {"revenue_12m": {"between": [1500, 250000]}},
            "CA des 12 derniers mois : au moins 1 500 € et au plus 250 000 €",
            "revenue of the last 12 months: at least €1,500 and at most €250,000",
        ),
        (
            {"days_since_last_visit": {"lt": 30, "eq": 7}},
            "jours depuis la dernière visite : moins de 30 et égal à 7",
            "days since the last visit: less than 30 and equal to 7",
        ),
        (
            {"missing": {"any": ["phone", "email", "siret"]}},
            "au moins un champ non renseigné parmi : téléphone, e-mail, SIRET",
            "at least one field left empty among: phone, email, SIRET",
        ),
        (
            {"kind": {"not_in": ["client"]}},
            "type de compte : tout sauf client",
            "account type: anything but client",
        ),
    ],
)
def test_each_condition_is_worded_in_each_language(
    when: dict[str, Any], french: str, english: str
) -> None:
    assert _both(when) == (french, english)
    assert not FRENCH_WORDS.search(english), english
    assert not ENGLISH_WORDS.search(french), french


def test_nested_conditions_and_typed_values() -> None:
    french, english = _both(
        {
            "any": [{"sector": ["Hôtellerie", "Café-bar"]}, {"potential": {"gte": 1000.5}}],
            "not": {"territory": "Nice Est"},
        }
    )
    assert french == (
        "l’une de ces conditions : (secteur : Hôtellerie, Café-bar ; potentiel en €/mois : au "
        "moins 1 000,5) · sauf (territoire : Nice Est)"
    )
    assert english == (
        "any one of these conditions: (sector: Hôtellerie, Café-bar; potential in €/month: at "
        "least 1,000.5) · except (territory: Nice Est)"
    ), "the sectors and the territory as the manager typed them"


def test_thresholds_are_written_as_the_reader_writes_numbers() -> None:
    assert [number(30000), number(30000, "en")] == ["30 000", "30,000"]
    assert [number(10.5), number(10.5, "en"), number(183.0), number(-0.0)] == [
        "10,5",
        "10.5",
        "183",
        "0",
    ]
    assert [percent(10), percent(12.5, "en")] == ["10 %", "12.5%"]


def test_a_description_may_be_given_per_language_and_stays_as_typed() -> None:
    base = {"key": "k", "when": {"potential": {"gt": 1}}, "then": [{"priority": {"add": 1}}]}
    plain = parse_rule({**base, "description": "Texte libre du directeur"})
    assert (plain.description, plain.description_in) == ("Texte libre du directeur", ())
    both = parse_rule({**base, "description": {"fr": "Compte clé", "en": "Key account"}})
    assert (both.description, both.description_in) == ("Compte clé", (("en", "Key account"),))
    assert parse_rule({**base, "description": ""}).description == ""
    with pytest.raises(InvalidInput) as caught:
        parse_rule({**base, "description": {"en": "Key account only"}})
    assert [p.field for p in caught.value.problems] == ["description.fr"]
    with pytest.raises(InvalidInput) as caught:
        parse_rule({**base, "description": 12})
    assert [p.field for p in caught.value.problems] == ["description"]
