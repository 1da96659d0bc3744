"""The one rule for a territory's priority: a whole number from 0 to 1000."""

from __future__ import annotations

import pytest

from fieldcrm.territories.priority import HIGHEST, LOWEST, RANGE_MESSAGE, priority_problem


@pytest.mark.parametrize("value", [LOWEST, 1, 500, HIGHEST, 7.0])
def test_whole_numbers_in_range_are_priorities(value: object) -> None:
    assert priority_problem(value) is None


@pytest.mark.parametrize("value", [-3, 1001, 2.5, 99999999999, "5", True, None, float("nan")])
def test_anything_else_names_the_field_the_value_and_the_range(value: object) -> None:
    problem = priority_problem(value, field="features[0]")
    assert problem is not None
    assert (problem.field, problem.message) == ("features[0]", RANGE_MESSAGE)
    assert problem.value is value
    assert RANGE_MESSAGE == "must be a whole number from 0 to 1000"
