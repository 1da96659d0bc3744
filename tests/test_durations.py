"""Durations in French and in English: one formatter for the agenda's clash messages, the cost
report's legs to check and the far appointments' refusals (:mod:`fieldcrm.durations`), and
its French read back (a reason stored as French text, worded for an English reader)."""

from __future__ import annotations

import pytest

from fieldcrm.durations import duration_seconds, duration_text


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


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 min"),
        (15 * 60, "15 min"),
        (3600, "1 h"),
        (2 * 3600 + 5 * 60, "2 h 5 min"),
        (13 * 3600 + 2 * 60, "13 h 2 min"),  # never the French « 13 h 02 »
        (13 * 3600, "13 h"),
        (6 * 3600 + 26 * 60, "6 h 26 min"),
    ],
)
def test_duration_text_in_english(seconds: float, text: str) -> None:
    assert duration_text(seconds, "en") == text


@pytest.mark.parametrize("minutes", [0, 1, 9, 59, 60, 61, 125, 782, 1440])
def test_a_french_duration_reads_back_to_its_minutes(minutes: int) -> None:
    said = duration_text(minutes * 60)
    assert duration_seconds(said) == minutes * 60
    assert duration_text(duration_seconds(said), "en") == duration_text(minutes * 60, "en")


@pytest.mark.parametrize("text", ["13:02", "13 h 2", "2 heures", ""])
def test_anything_else_is_no_duration(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        duration_seconds(text)
