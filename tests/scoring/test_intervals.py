"""Call intervals, pure: due dates in days right across month ends, lateness, its points."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldcrm.errors import InvalidInput
from fieldcrm.scoring.intervals import (
    VisitDue,
    check_interval,
    days_late,
    interval_for,
    next_due,
    overdue,
    overdue_points,
    reference_day,
)
from fieldcrm.scoring.priority import PriorityWeights, priorities, priority_index
from fieldcrm.scoring.rules import parse_rule

D = dt.date
DEFAULTS = {("qualification", "A"): 30, ("qualification", "B"): 60, ("kind", "client"): 60}


def test_due_dates_are_counted_in_days_across_month_ends_and_leap_days() -> None:
    assert next_due(D(2026, 1, 31), 30) == D(2026, 3, 2)  # 2026 is not a leap year
    assert next_due(D(2028, 2, 28), 1) == D(2028, 2, 29)  # 2028 is
    assert next_due(D(2026, 2, 28), 1) == D(2026, 3, 1)
    assert next_due(D(2026, 12, 31), 1) == D(2027, 1, 1)


def test_a_visit_is_late_the_day_after_it_was_due() -> None:
    assert days_late(D(2026, 1, 31), 30, today=D(2026, 3, 2)) == 0  # due today: not late
    assert days_late(D(2026, 1, 31), 30, today=D(2026, 3, 3)) == 1
    assert days_late(D(2028, 2, 28), 1, today=D(2028, 3, 1)) == 1  # due 29/02/2028
    assert days_late(D(2026, 1, 31), None, today=D(2027, 1, 1)) == 0  # no interval


def test_the_accounts_own_interval_wins_then_qualification_then_kind() -> None:
    assert interval_for(own=7, qualification="A", kind="client", defaults=DEFAULTS) == 7
    assert interval_for(own=None, qualification="A", kind="client", defaults=DEFAULTS) == 30
    assert interval_for(own=None, qualification="Z", kind="client", defaults=DEFAULTS) == 60
    assert interval_for(own=None, qualification=None, kind="prospect", defaults=DEFAULTS) is None


def test_the_reference_is_the_later_of_last_visit_and_creation() -> None:
    assert reference_day(None, D(2026, 1, 5)) == D(2026, 1, 5)
    assert reference_day(D(2026, 2, 1), D(2026, 1, 5)) == D(2026, 2, 1)
    assert reference_day(D(2025, 2, 1), D(2026, 1, 5)) == D(2026, 1, 5)  # imported history


def test_overdue_list_is_most_overdue_first_across_month_ends() -> None:
    today = D(2026, 3, 3)
    accounts = [
        VisitDue(1, "Due today", D(2026, 2, 1), 30),  # due 03/03: not late
        VisitDue(2, "One day", D(2026, 1, 31), 30, D(2026, 1, 31)),  # due 02/03
        VisitDue(3, "Thirty-one days", D(2025, 12, 31), 30),  # due 30/01
        VisitDue(4, "No interval", D(2020, 1, 1), None),
        VisitDue(5, "Also one day", D(2026, 2, 1), 29),  # due 02/03
    ]
    found = overdue(accounts, today=today)
    assert [(o.account_id, o.days_late) for o in found] == [(3, 32), (2, 1), (5, 1)]
    assert found[1].due_on == D(2026, 3, 2) and found[1].last_visit == D(2026, 1, 31)


def test_overdue_points_grow_with_lateness_and_are_bounded() -> None:
    assert overdue_points(0, 30, weight=20) == 0.0
    assert overdue_points(15, 30, weight=20) == 10.0
    assert overdue_points(30, 30, weight=20) == 20.0
    assert overdue_points(300, 30, weight=20) == 20.0
    assert overdue_points(5, None, weight=20) == 0.0


def test_lateness_raises_the_priority_with_a_french_reason() -> None:
    on_time = priority_index(1, rule_points=[("r", 10)])
    late = priority_index(1, rule_points=[("r", 10)], overdue_days=12, interval_days=30)
    assert late.index == pytest.approx(on_time.index + 8.0)
    assert "Visite en retard de 12 jours : +8,0 points" in late.explain()
    assert not any("retard" in line for line in on_time.explain())
    many = priorities([], {}, {1: None, 2: None}, overdue={2: (90, 30)}, weights=PriorityWeights())
    assert (many[1].index, many[2].index, many[2].overdue_points) == (0.0, 20.0, 20.0)


def test_interval_validation_names_the_field() -> None:
    assert check_interval(30) == 30 and check_interval(None) is None
    for bad in (0, -3, 4000, 2.5, "30", True):
        with pytest.raises(InvalidInput) as info:
            check_interval(bad)  # type: ignore[arg-type]
        assert info.value.problems[0].field == "visit_interval_days"


def test_rules_have_an_optional_validated_severity() -> None:
    base = {"key": "x", "when": {"potential": {"gt": 1}}, "then": [{"priority": {"add": 1}}]}
    assert parse_rule(base).severity == "medium"
    assert parse_rule({**base, "severity": "high"}).severity == "high"
    with pytest.raises(InvalidInput) as info:
        parse_rule({**base, "severity": "urgent"})
    problem = info.value.problems[0]
    assert problem.field == "severity" and "high" in (problem.allowed or "")
