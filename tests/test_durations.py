"""Durations in French: one formatter for the agenda's clash messages and the cost report's
legs to check (:mod:`fieldcrm.durations`)."""

from __future__ import annotations

import pytest

from fieldcrm.durations import duration_text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 min"),
        (-5, "0 min"),  # a negative room left in a day reads as none
        (29, "0 min"),
        (31, "1 min"),
        (15 * 60, "15 min"),
        (45 * 60, "45 min"),
        (59 * 60 + 29, "59 min"),
        (59 * 60 + 31, "1 h"),  # rounded to the minute first
        (3600, "1 h"),
        (2 * 3600 + 5 * 60, "2 h 05"),
        (4 * 3600 + 300, "4 h 05"),
        (8 * 3600 + 20, "8 h"),
        (13 * 3600, "13 h"),  # a whole number of hours, not the clock's "13 h 00"
        (6 * 3600 + 26 * 60, "6 h 26"),
    ],
)
def test_duration_text(seconds: float, text: str) -> None:
    assert duration_text(seconds) == text
