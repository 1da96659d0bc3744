"""Pure evaluation of the two rules of the brief with frozen dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.scoring.evaluate import evaluate, holds, period_key, render
from fieldcrm.scoring.facts import AccountFacts, AccountRecord, facts_from_history
from fieldcrm.scoring.rules import parse_rule, parse_rules

AS_OF = date(2026, 4, 2)
RULE1 = parse_rules((PACKAGE_DATA / "rules" / "declining_key_account.yaml").read_text())
RULE2 = parse_rules((PACKAGE_DATA / "rules" / "stale_prospect.yaml").read_text())


def lambda_sarl(**changes: object) -> AccountFacts:
    """The LAMBDA SARL story: March 11.5 % below last March, last visit 25 September."""
    record = AccountRecord(
        1,
        "client",
        date(2019, 1, 10),
        name="LAMBDA SARL",
        potential=40_000.0,
        qualification="A",
        sector="BTP",
    )
    sales = {"2025-03": 20_000.0, "2026-03": 17_700.0, "2026-02": 15_000.0}
    base = facts_from_history(
        record,
        sales,
        [date(2025, 9, 25), date(2024, 5, 1)],
        as_of=AS_OF,
        months=["2026-03", "2025-03"],
    )
    return AccountFacts(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})


def test_lambda_sarl_fires_rule_1_with_the_story_in_the_message() -> None:
    facts = lambda_sarl()
    assert facts.days_since_last_visit == 189
    (firing,) = evaluate(RULE1, [facts], as_of=AS_OF)
    assert (firing.rule_key, firing.account_id, firing.period) == (
        "declining-key-account",
        1,
        "2026-04",
    )
    assert firing.context["change_pct"] == "−11,5 %"
    alert = firing.actions[0]
    text = render(alert.message, firing.context)  # type: ignore[union-attr]
    assert "LAMBDA SARL" in text and "−11,5 %" in text and "189 jours" in text
    assert "CA de mars 2026" in text and "par rapport à mars 2025" in text
    subject = render(alert.subject, firing.context)  # type: ignore[union-attr]
    assert subject == "[fieldcrm] LAMBDA SARL : CA mars 2026 −11,5 % par rapport à mars 2025"


@pytest.mark.parametrize(
    ("change", "fires"),
    [
        ({"potential": 30_000.0}, False),  # not above 30 000
        ({"potential": None}, False),  # unknown potential
        ({"days_since_last_visit": 183}, False),  # visited 6 months ago
        ({"days_since_last_visit": None}, True),  # never visited
        ({"months": {"2026-03": 18_000.0, "2025-03": 20_000.0}}, False),  # exactly -10 %
        ({"months": {"2026-03": 17_999.0, "2025-03": 20_000.0}}, True),
        ({"months": {"2026-03": 5_000.0}}, False),  # no revenue last year: no comparison
    ],
)
def test_rule_1_boundaries(change: dict[str, object], fires: bool) -> None:
    assert bool(evaluate(RULE1, [lambda_sarl(**change)], as_of=AS_OF)) is fires


def prospect(created: date, **fields: object) -> AccountFacts:
    record = AccountRecord(7, "prospect", created, name="Nouvelle SAS", **fields)  # type: ignore[arg-type]
    return facts_from_history(record, {}, [], as_of=AS_OF)


def test_rule_2_stale_prospect() -> None:
    enabled = [r for r in RULE2 if r.enabled]
    assert [f.rule_key for f in evaluate(RULE2, [prospect(date(2026, 1, 15))], as_of=AS_OF)] == [
        "stale-prospect"
    ]
    assert evaluate(enabled, [prospect(date(2026, 2, 15))], as_of=AS_OF) == []  # 46 days
    assert evaluate(enabled, [prospect(date(2026, 1, 15), potential=5000.0)], as_of=AS_OF) == []
    assert evaluate(enabled, [prospect(date(2026, 1, 15), qualification="B")], as_of=AS_OF) == []
    client = AccountFacts(
        8, "client", days_since_creation=400, missing=frozenset({"qualification", "potential"})
    )
    assert evaluate(enabled, [client], as_of=AS_OF) == []


def test_period_keys_make_one_alert_per_period() -> None:
    day = date(2026, 4, 2)
    assert [period_key(p, day) for p in ("day", "week", "month", "quarter", "year", "once")] == [
        "2026-04-02",
        "2026-W14",
        "2026-04",
        "2026-Q2",
        "2026",
        "once",
    ]
    assert period_key("month", date(2026, 4, 30)) == period_key("month", day)


def test_labels_with_unknown_values_and_negation() -> None:
    rule = parse_rule(
        {"key": "x", "when": {"sector": {"not_in": ["BTP"]}}, "then": [{"priority": {"add": 1}}]}
    )
    assert holds(rule.when, AccountFacts(1, "client", sector=None), as_of=AS_OF)
    assert not holds(rule.when, AccountFacts(1, "client", sector="BTP"), as_of=AS_OF)


@given(
    this=st.floats(0, 1e6, allow_nan=False),
    last=st.floats(0.01, 1e6, allow_nan=False),
    pct=st.floats(0, 100, allow_nan=False),
)
def test_below_pct_matches_the_percentage_definition(this: float, last: float, pct: float) -> None:
    rule = parse_rule(
        {
            "key": "x",
            "when": {"revenue_vs_last_year": {"month": "2026-03", "below_pct": pct}},
            "then": [{"priority": {"add": 1}}],
        }
    )
    facts = AccountFacts(1, "client", months={"2026-03": this, "2025-03": last})
    change = (this - last) / last * 100
    fired = holds(rule.when, facts, as_of=AS_OF)
    if abs(change + pct) > 1e-6:
        assert fired is (change < -pct)
