"""A rule's texts per language (``{fr: …, en: …}``, a plain string is French) and its
values written for the reader by one formatter: amounts, months, « jamais »/"never",
« n.d. »/"n/a", the per-month suffix."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldcrm.catalogue import translations
from fieldcrm.config import PACKAGE_DATA
from fieldcrm.errors import InvalidInput
from fieldcrm.scoring.evaluate import render, template_context, template_data
from fieldcrm.scoring.facts import AccountFacts
from fieldcrm.scoring.formats import euros, month_name, signed_percent, template_values
from fieldcrm.scoring.rules import Alert, Task, parse_rule, parse_rules
from fieldcrm.scoring.wording import mail_words, other_languages, rule_texts, worded

AS_OF = dt.date(2026, 4, 15)
DECLINING = parse_rules((PACKAGE_DATA / "rules" / "declining_key_account.yaml").read_text())[0]
FRENCH_WORDS = ("CA ", "par rapport", "potentiel", "dernière", "Planifier", "Visiter", "mois",
                "jamais", "n.d.", "mars", "avril", "en baisse")  # fmt: skip


def _catalogue(lang: str):  # type: ignore[no-untyped-def]
    return translations(lang).gettext


def _facts(**changes: object) -> AccountFacts:
    base: dict[str, object] = {
        "account_id": 3,
        "name": "LAMBDA SARL",
        "kind": "client",
        "potential": 40000.0,
        "revenue_3m": 61234.5,
        "revenue_12m": 250000.0,
        "days_since_last_visit": None,
        "days_since_creation": 800,
        "months": {"2026-03": 8800.0, "2025-03": 12000.0},
    }
    base.update(changes)
    return AccountFacts(**base)  # type: ignore[arg-type]


def _wording(facts: AccountFacts) -> dict[str, object]:
    return {"texts": rule_texts(DECLINING), "values": template_data(DECLINING, facts, as_of=AS_OF)}


def test_a_text_may_be_given_per_language_and_a_string_is_french() -> None:
    rule = parse_rule(
        {
            "key": "k",
            "name": {"fr": "Nom", "en": "Name"},
            "when": {"potential": {"gt": 1}},
            "then": [
                {"alert": {"subject": {"fr": "Sujet {account}", "en": "Subject {account}"}}},
                {"task": {"title": "Voir {account}"}},
            ],
        }
    )
    alert, task = rule.then
    assert isinstance(alert, Alert) and isinstance(task, Task)
    assert (rule.name, rule.name_in) == ("Nom", (("en", "Name"),))
    assert (alert.subject, alert.subject_in) == ("Sujet {account}", (("en", "Subject {account}"),))
    assert (task.title, task.title_in) == ("Voir {account}", ())
    assert other_languages(rule) == ("en",)
    assert rule_texts(rule)["en"] == {
        "name": "Name",
        "subjects": ["Subject {account}"],
        "messages": ["{rule_name} — {account}"],  # the default message, in every language
        "titles": [None],  # no English: read in French
    }
    assert other_languages(parse_rule({"key": "k", "when": {"potential": {"gt": 1}},
                                       "then": [{"priority": {"add": 1}}]})) == ()  # fmt: skip


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ({"en": "Only English"}, "then[0].alert.subject.fr"),  # French is required
        ({"fr": "Sujet", "de": "Betreff"}, "then[0].alert.subject.de"),  # no such language
        ({"fr": "Sujet", "en": "{nope}"}, "then[0].alert.subject.en"),  # placeholders checked
        ({"fr": "Sujet", "en": ""}, "then[0].alert.subject.en"),
    ],
)
def test_a_bad_text_in_a_language_is_named_by_its_path(text: object, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_rule({"key": "k", "when": {"potential": {"gt": 1}},
                    "then": [{"alert": {"subject": text}}]})  # fmt: skip
    assert field in [p.field for p in refused.value.problems]


def test_the_formatter_writes_values_for_each_language() -> None:
    assert (euros(1234567.5), euros(1234567.5, "en")) == ("1 234 568 €", "€1,234,568")
    assert (signed_percent(-11.45), signed_percent(-11.45, "en")) == ("−11,5 %", "−11.5%")
    assert (signed_percent(3), signed_percent(3, "en")) == ("+3,0 %", "+3.0%")
    assert (month_name("2026-08"), month_name("2026-08", "en")) == ("août 2026", "August 2026")
    data = {"potential": 40000.0, "days_since_last_visit": None, "change_pct": None}
    english = template_values(data, lang="en", gettext=_catalogue("en"))
    assert english == {
        "potential": "€40,000/month",
        "days_since_last_visit": "never",
        "change_pct": "n/a",
    }
    assert template_values(data) == {
        "potential": "40 000 €/mois",
        "days_since_last_visit": "jamais",
        "change_pct": "n.d.",
    }


def test_the_french_context_is_the_french_formatter_of_the_data() -> None:
    facts = _facts()
    context = template_context(DECLINING, facts, as_of=AS_OF)
    assert context["month"] == "mars 2026" and context["revenue_month"] == "8 800 €"
    assert context["change_pct"] == "−26,7 %" and context["potential"] == "40 000 €/mois"
    assert context["days_since_last_visit"] == "jamais"


def test_a_rule_with_english_texts_reads_all_english() -> None:
    wording = _wording(_facts())
    kw = {"catalogue": _catalogue}
    message = worded(wording, "messages", "en", index=0, **kw)
    assert message == (
        "LAMBDA SARL: revenue for March 2026 at €8,800 (−26.7% on March 2025, €12,000), "
        "potential €40,000/month, days since the last visit: never. Plan a visit."
    )
    subject = worded(wording, "subjects", "en", index=0, **kw)
    assert subject == "[fieldcrm] LAMBDA SARL: revenue March 2026 −26.7% on March 2025"
    assert worded(wording, "titles", "en", index=0, **kw) == "Visit LAMBDA SARL (falling revenue)"
    for said in (message, subject):
        assert not [w for w in FRENCH_WORDS if w in said], said
    # French as the run stores it (the SQL renders the same, tests/store/test_facts.py)
    french = render(DECLINING.then[0].message, template_context(DECLINING, _facts(), as_of=AS_OF))
    assert worded(wording, "messages", "fr", index=0, **kw) == french
    assert "potentiel 40 000 €/mois, dernière visite il y a jamais jours" in french


def test_a_stored_text_finds_its_place_in_the_rule_in_any_language() -> None:
    wording = _wording(_facts(days_since_last_visit=200, potential=None))
    kw = {"catalogue": _catalogue}
    french = worded(wording, "titles", "fr", index=0, **kw)
    english = worded(wording, "titles", "en", index=0, **kw)
    assert worded(wording, "titles", "en", stored=french, **kw) == english
    assert worded(wording, "titles", "fr", stored=english, **kw) == french
    assert worded(wording, "titles", "en", stored="Autre chose", **kw) is None
    body = worded(wording, "messages", "en", index=0, **kw)
    assert body is not None and "potential n/a" in body and "visit: 200." in body


def test_a_text_without_english_reads_in_french() -> None:
    rule = parse_rule({"key": "k", "name": {"fr": "Nom", "en": "Name"},
                       "when": {"potential": {"gt": 1}},
                       "then": [{"alert": {"message": "Potentiel de {account} : {potential}",
                                           "subject": {"fr": "Sujet", "en": "Subject"}}}]})  # fmt: skip
    data = template_data(rule, _facts(), as_of=AS_OF)
    wording = {"texts": rule_texts(rule), "values": data}
    message = worded(wording, "messages", "en", index=0, catalogue=_catalogue)
    assert message == "Potentiel de LAMBDA SARL : 40 000 €/mois"  # all French, as stored
    mail = mail_words(wording, "en", gettext=_catalogue("en"))
    assert mail == {"subjects": ["Subject"], "bodies": [None]}  # None: the French body


def test_malformed_data_says_nothing() -> None:
    assert worded({"texts": {}}, "messages", "en", index=0) is None
    assert worded({"values": {}}, "messages", "en", stored="x") is None
