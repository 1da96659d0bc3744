"""One rule for a date typed in a form or a link: written AAAA-MM-JJ, and a day that exists."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldcrm.calendar_bounds import NO_SUCH_DATE, NOT_A_DATE, date_problem, parse_date
from fieldcrm.errors import InvalidInput


@pytest.mark.parametrize("text", ["2026-02-30", "2027-02-29", "2026-04-31", " 2026-06-31 "])
def test_a_day_past_the_end_of_its_month_does_not_exist(text: str) -> None:
    assert date_problem(text) == NO_SUCH_DATE


@pytest.mark.parametrize("text", ["30/02/2026", "2026-2-3", "2026-13-01", "2026-01-00", "", "x"])
def test_anything_not_written_as_a_date_is_not_a_date(text: str) -> None:
    assert date_problem(text) == NOT_A_DATE


def test_a_date_is_parsed_and_checked_against_the_range() -> None:
    assert date_problem("2028-02-29") is None
    assert parse_date(" 2028-02-29 ", field="day") == dt.date(2028, 2, 29)
    with pytest.raises(InvalidInput) as caught:
        parse_date("2026-02-30", field="as_of")
    assert caught.value.problems[0].message == NO_SUCH_DATE
    assert caught.value.field == "as_of"
    with pytest.raises(InvalidInput, match="hors de la plage"):
        parse_date("1999-12-31", field="day")
