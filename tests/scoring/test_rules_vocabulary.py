"""The rule format's French words: what the editor's help offers is exactly what the
validator accepts (its error texts: tests/pages/test_rules_editor_french.py)."""

from __future__ import annotations

import pytest

from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.scoring.rules import (
    ACTION_FIELDS,
    Alert,
    Priority,
    Reassign,
    Recipient,
    Task,
    editor_help,
    parse_rule,
)

BASE = {"key": "essai", "name": "Essai", "when": {"potential": {"gt": 1}}}


def _problems(rule: dict[str, object]) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        parse_rule(rule)
    return caught.value.problems


def _unknown_condition_allowed() -> set[str]:
    """The conditions the validator itself says it accepts (its refusal of an unknown one)."""
    (problem,) = _problems({**BASE, "when": {"nope": 1}, "then": [{"priority": {"add": 1}}]})
    assert problem.message == "unknown condition" and problem.allowed
    return set(problem.allowed.split(", "))


def test_every_condition_in_the_help_is_accepted_and_every_accepted_one_is_in_the_help() -> None:
    documented = {key for key, _meaning in editor_help().conditions}
    assert documented == _unknown_condition_allowed()
    assert "revenue_last_months" not in documented
    for key in documented:
        # whatever the shape of its value, a documented condition is never "unknown"
        for value in ({}, 1, "x", [1]):
            try:
                parse_rule({**BASE, "when": {key: value}, "then": [{"priority": {"add": 1}}]})
            except InvalidInput as exc:
                assert all(p.message != "unknown condition" for p in exc.problems), key


def test_every_action_and_action_key_in_the_help_is_accepted() -> None:
    documented = {kind: keys for kind, _meaning, keys in editor_help().actions}
    (problem,) = _problems({**BASE, "then": [{"nope": {}}]})
    assert set(documented) == set((problem.allowed or "").split(", ")) == set(ACTION_FIELDS)
    for kind, keys in documented.items():
        (unknown,) = [
            p
            for p in _problems({**BASE, "then": [{kind: {"nope": 1}}]})
            if p.message == "unknown key"
        ]
        assert set((unknown.allowed or "").split(", ")) == set(keys), kind


def test_the_french_names_the_editor_offers_are_accepted() -> None:
    shown = editor_help()
    assert shown.periods == ("jour", "semaine", "mois", "trimestre", "année", "une fois")
    for french, code in zip(
        shown.periods, ("day", "week", "month", "quarter", "year", "once"), strict=True
    ):
        rule = parse_rule({**BASE, "period": french, "then": [{"priority": {"add": 1}}]})
        assert rule.period == code
    for french, code in zip(shown.severities, ("high", "medium", "low"), strict=True):
        rule = parse_rule({**BASE, "severity": french, "then": [{"priority": {"add": 1}}]})
        assert rule.severity == code
    rule = parse_rule(
        {
            **BASE,
            "then": [
                {"alert": {"to": "commercial", "cc": ["directeur_commercial", "répartiteur"]}},
                {"alert": {"to": "utilisateur:camille@x.fr", "channels": ["application", "SMS"]}},
                {"priority": {"band": "urgente"}},
                {"task": {"title": "Appeler", "assignee": "administrateur", "closed_by": "visite"}},
                {"reassign": {"to": "répartiteur"}},
            ],
        }
    )
    assert rule.then == (
        Alert(Recipient("owner"), (Recipient("role", "manager"), Recipient("role", "dispatcher"))),
        Alert(Recipient("user", "camille@x.fr"), channels=("in_app", "sms")),
        Priority(0, "urgent"),
        Task("Appeler", 7, Recipient("role", "admin"), closed_by_visit=True),
        Reassign(Recipient("role", "dispatcher")),
    )
    assert set(shown.recipients) == {
        "commercial",
        "directeur_commercial",
        "administrateur",
        "répartiteur",
        "utilisateur:<e-mail>",
    }


def test_the_editor_and_the_alert_badges_say_a_severity_with_the_same_word() -> None:
    """A manager who types the badge's word (« importante ») is understood: one table."""
    from fieldcrm.pages.templating import ALERT_SEVERITIES, alert_severity

    assert editor_help().severities == ("importante", "moyenne", "faible")
    for code in ("high", "medium", "low"):
        rule = parse_rule(
            {**BASE, "severity": alert_severity(code, "fr"), "then": [{"priority": {"add": 1}}]}
        )
        assert rule.severity == code and ALERT_SEVERITIES[code] == alert_severity(code, "fr")
