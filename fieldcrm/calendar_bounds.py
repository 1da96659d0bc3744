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
import re

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


_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*")
NOT_A_DATE = "invalid date"
"""What a text not written as a date (AAAA-MM-JJ, month 1 to 12) is told."""
NO_SUCH_DATE = "no such date"
"""What a date written right that no calendar has (2026-02-30, 2027-02-29) is told."""


def date_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a date written AAAA-MM-JJ: :data:`NOT_A_DATE`, or
    :data:`NO_SUCH_DATE` for a day past the end of its month; ``None`` for a date. The one
    rule for a date typed in a form or a link (:func:`parse_date`, and the French of the
    framework's refusal of a date parameter, :mod:`fieldcrm.http.error_text`)."""
    found = _ISO_DAY.fullmatch(text)
    if found is None or not 1 <= int(found[2]) <= 12 or int(found[3]) < 1:
        return NOT_A_DATE
    try:
        dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return NO_SUCH_DATE
    return None


def parse_date(text: str, *, field: str) -> dt.date:
    """The date written ``text`` (AAAA-MM-JJ) if it exists and lies in range
    (:func:`check_date`); else :class:`InvalidInput` naming ``field`` and what is wrong
    (:func:`date_problem`)."""
    problem = date_problem(text)
    if problem is not None:
        raise InvalidInput(field, problem, value=text, allowed="AAAA-MM-JJ")
    return check_date(dt.date.fromisoformat(text.strip()), field=field)
