"""The rule format: the shipped examples parse; every mistake is named by its path."""

from __future__ import annotations

import json

import pytest

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.errors import InvalidInput
from fieldcrm.scoring.rules import (
    Alert,
    AllOf,
    Compare,
    Label,
    Missing,
    Priority,
    Reassign,
    Recipient,
    RevenueVsLastYear,
    Task,
    months_needed,
    parse_rule,
    parse_rules,
)

EXAMPLES = PACKAGE_DATA / "rules"


def test_brief_rule_1_parses_to_the_expected_objects() -> None:
    (rule,) = parse_rules((EXAMPLES / "declining_key_account.yaml").read_text())
    assert rule.key == "declining-key-account"
    assert rule.period == "month"
    assert rule.when == AllOf(
        (
            RevenueVsLastYear("previous", 10.0, None),
            Compare("potential", (("gt", 30000.0),)),
            Compare("days_since_last_visit", (("gt", 183.0),)),
        )
    )
    alert, priority, task = rule.then
    assert isinstance(alert, Alert)
    assert alert.to == Recipient("owner") and alert.cc == (Recipient("role", "manager"),)
    assert alert.channels == ("in_app", "email", "sms")
    assert priority == Priority(30, "high")
    assert isinstance(task, Task) and task.due_in_days == 14


def test_brief_rule_2_and_its_dispatcher_variant() -> None:
    rules = parse_rules((EXAMPLES / "stale_prospect.yaml").read_text())
    assert [r.key for r in rules] == ["stale-prospect", "stale-prospect-to-dispatch"]
    assert rules[0].when == AllOf(
        (
            Label("kind", ("prospect",)),
            Compare("days_since_creation", (("gt", 61.0),)),
            Missing(("qualification", "potential"), "all"),
        )
    )
    assert rules[1].enabled is False
    assert rules[1].then == (Reassign(Recipient("role", "dispatcher")),)


def problems(text: str) -> dict[str, str]:
    with pytest.raises(InvalidInput) as info:
        parse_rules(text)
    return {p.field: p.message for p in info.value.problems}


def test_error_points_at_the_faulty_month_of_the_second_rule() -> None:
    doc = {
        "rules": [
            {"key": "ok", "when": {"potential": {"gt": 1}}, "then": [{"priority": {"add": 1}}]},
            {
                "key": "bad",
                "when": {"revenue_vs_last_year": {"month": "March", "below_pct": 10}},
                "then": [{"priority": {"add": 1}}],
            },
        ]
    }
    found = problems(json.dumps(doc))
    assert list(found) == ["rules[1].when.revenue_vs_last_year.month"]
    assert "YYYY-MM" in found["rules[1].when.revenue_vs_last_year.month"]


def test_all_problems_are_collected_at_once() -> None:
    text = """
rules:
  - key: Not A Slug
    period: fortnight
    when:
      potential: {bigger: 3}
      colour: red
      any: [{kind: supplier}]
      missing: [qualification, shoe_size]
    then:
      - alert: {to: boss, cc: [manager, user:], channels: [pigeon], subject: "{nope}"}
      - priority: {band: extreme}
      - reassign: {to: owner}
      - task: {due_in_days: -1}
      - dance: {}
"""
    found = problems(text)
    for path in (
        "rules[0].key",
        "rules[0].period",
        "rules[0].when.potential.bigger",
        "rules[0].when.colour",
        "rules[0].when.any[0].kind",
        "rules[0].when.missing[1]",
        "rules[0].then[0].alert.to",
        "rules[0].then[0].alert.cc[1]",
        "rules[0].then[0].alert.channels[0]",
        "rules[0].then[0].alert.subject",
        "rules[0].then[1].priority.band",
        "rules[0].then[2].reassign.to",
        "rules[0].then[3].task.title",
        "rules[0].then[3].task.due_in_days",
        "rules[0].then[4]",
    ):
        assert path in found, (path, found)


def test_duplicate_keys_and_missing_parts() -> None:
    doc = {
        "rules": [
            {"key": "a", "when": {"potential": {"gt": 1}}, "then": [{"priority": {"add": 1}}]},
            {"key": "a", "then": []},
        ]
    }
    found = problems(json.dumps(doc))
    assert {"rules[1].key", "rules[1].when", "rules[1].then"} <= set(found)


def test_syntax_error_names_the_line() -> None:
    with pytest.raises(InvalidInput, match="line 3"):
        parse_rules("rules:\n  - key: a\n    when: {potential: : ]\n  - key: b\n")


def test_single_rule_paths_start_at_the_rule() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_rule({"key": "x", "when": {"potential": {"gt": "lots"}}, "then": [{"priority": 3}]})
    assert {p.field for p in info.value.problems} == {"when.potential.gt", "then[0].priority"}


def test_combinators_between_and_labels() -> None:
    rule = parse_rule(
        {
            "key": "combo",
            "when": {
                "any": [{"sector": ["BTP", "Industrie"]}, {"not": {"territory": {"in": "Nord"}}}],
                "revenue_12m": {"between": [1000, 5000]},
                "owner": {"not_in": ["a@x.fr"]},
            },
            "then": [{"reassign": "user:b@x.fr"}],
        }
    )
    assert rule.then == (Reassign(Recipient("user", "b@x.fr")),)
    assert months_needed([rule], "2026-03") == set()
    assert months_needed(
        parse_rules((EXAMPLES / "declining_key_account.yaml").read_text()), "2026-03"
    ) == {"2026-03", "2025-03"}


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{account.__class__}", "unknown placeholder {account.__class__}"),
        ("{account[0]}", "unknown placeholder {account[0]}"),
        ("{potential:>12}", "placeholder {potential} takes no format or conversion"),
        ("{account!r}", "placeholder {account} takes no format or conversion"),
        ("{account", "bad template"),
    ],
)
def test_templates_take_plain_placeholders_only(template: str, message: str) -> None:
    rule = {"key": "r", "when": {"potential": {"gt": 0}}, "then": [{"task": {"title": template}}]}
    with pytest.raises(InvalidInput) as info:
        parse_rule(rule)
    assert [(p.field, message in p.message) for p in info.value.problems] == [
        ("then[0].task.title", True)
    ]


def test_texts_showing_revenue_need_the_month_they_speak_of() -> None:
    shown = {"key": "r", "when": {"potential": {"gt": 0}}}
    quiet = parse_rule({**shown, "then": [{"task": {"title": "Voir {account}"}}]})
    loud = parse_rule({**shown, "then": [{"task": {"title": "{account} {change_pct}"}}]})
    assert months_needed([quiet], "2026-03") == set()
    assert months_needed([loud], "2026-03") == {"2026-03", "2025-03"}


def test_a_user_recipient_must_be_an_e_mail_address() -> None:
    """« utilisateur:pasunmail » names nobody (users log in by e-mail): refused, naming it."""
    text = """
rules:
  - key: x
    when: {potential: {gt: 1}}
    then:
      - alert: {to: "utilisateur:pasunmail", cc: ["user:claire@example.fr"]}
"""
    found = problems(text)
    assert "rules[0].then[0].alert.to" in found
    assert "rules[0].then[0].alert.cc[0]" not in found
