"""The dates fieldcrm works with: a plan, a report or a rule run between 2000 and 2100.

One rule for every entry point (API and page parameters, report periods): a date outside is
refused as invalid input naming its field, instead of overflowing date arithmetic (``9999-12``
plus one month) or reaching the database as year 1.

Examples
--------
>>> import datetime as dt
>>> check_date(dt.date(2026, 4, 21), field="day")
datetime.date(2026, 4, 21)
"""

from __future__ import annotations

import datetime as dt

from fieldcrm.errors import InvalidInput

FIRST = dt.date(2000, 1, 1)
LAST = dt.date(2100, 12, 31)


def check_date(value: dt.date, *, field: str) -> dt.date:
    """``value`` if it lies between :data:`FIRST` and :data:`LAST`; :class:`InvalidInput` else."""
    if not FIRST <= value <= LAST:
        raise InvalidInput(
            field,
            "date hors de la plage acceptée",
            value=value.isoformat(),
            allowed=f"{FIRST.isoformat()} … {LAST.isoformat()}",
        )
    return value


def in_range(value: dt.date) -> dt.date:
    """Pydantic validator form of :func:`check_date` (the field is named by the framework)."""
    if not FIRST <= value <= LAST:
        raise ValueError(f"date hors de la plage acceptée ({FIRST.year}–{LAST.year})")
    return value
