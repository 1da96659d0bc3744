"""Working days: weekends and French public holidays are off unless allowed.

Examples
--------
>>> import datetime as dt
>>> [d.isoformat() for d in working_days(dt.date(2026, 4, 3), dt.date(2026, 4, 7))]
['2026-04-03', '2026-04-07']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def french_holidays(year: int) -> frozenset[dt.date]:
    """The eleven public holidays of metropolitan France in ``year``."""
    sunday = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [sunday + dt.timedelta(days=n) for n in (1, 39, 50)]  # Monday, Ascension, Whit Monday
    return frozenset([dt.date(year, m, d) for m, d in fixed] + moving)


def is_working_day(day: dt.date, *, weekends: bool = False, holidays: bool = False) -> bool:
    """Whether ``day`` is worked: not a weekend nor a public holiday unless allowed."""
    if day.weekday() >= 5 and not weekends:
        return False
    return holidays or day not in french_holidays(day.year)


def working_days(
    first: dt.date,
    last: dt.date,
    *,
    weekends: bool = False,
    holidays: bool = False,
    always: frozenset[dt.date] = frozenset(),
) -> list[dt.date]:
    """The worked days of ``first .. last``; ``always``: days worked anyway (an appointment)."""
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    return [
        d for d in days if d in always or is_working_day(d, weekends=weekends, holidays=holidays)
    ]


@dataclass(frozen=True)
class Stretch:
    """A day stretched by a night away: the trip's first and last days, and the days it
    needs that are not worked (``off``: none when the trip can be planned)."""

    first: dt.date
    last: dt.date
    off: tuple[dt.date, ...] = ()


def stretch(
    day: dt.date,
    *,
    before: bool,
    after: bool,
    weekends: bool = False,
    holidays: bool = False,
    always: frozenset[dt.date] = frozenset(),
) -> Stretch:
    """``day`` with the calendar day before it (``before``) and the one after it (``after``):
    a night away joins only consecutive days, so each must be worked (``always``: days worked
    anyway, a day holding an appointment).

    >>> stretch(dt.date(2026, 4, 22), before=True, after=False)
    Stretch(first=datetime.date(2026, 4, 21), last=datetime.date(2026, 4, 22), off=())
    >>> stretch(dt.date(2026, 4, 27), before=True, after=False).off  # a Monday: Sunday is off
    (datetime.date(2026, 4, 26),)
    """
    first = day - dt.timedelta(days=1) if before else day
    last = day + dt.timedelta(days=1) if after else day
    needed = [d for d in (first, last) if d != day]
    worked = working_days(first, last, weekends=weekends, holidays=holidays, always=always | {day})
    return Stretch(first, last, tuple(d for d in needed if d not in worked))
