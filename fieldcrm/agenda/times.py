"""Wall-clock times of the company's time zone and the aware instants they stand for.

Appointments are typed and shown in the company's time zone and stored as instants
(``timestamptz``). A wall-clock time that does not exist (the hour skipped when clocks go
forward) is refused; one that happens twice (the hour repeated when they go back) is the
first of the two.

Examples
--------
>>> import datetime as dt
>>> from zoneinfo import ZoneInfo
>>> paris = ZoneInfo("Europe/Paris")
>>> local_instant(dt.date(2026, 3, 29), dt.time(9, 0), paris).isoformat()
'2026-03-29T09:00:00+02:00'
>>> local_instant(dt.date(2026, 10, 25), dt.time(9, 0), paris).utcoffset()
datetime.timedelta(seconds=3600)
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fieldcrm.errors import InvalidInput, Problem

ZONE_GIVEN = "heure locale attendue, sans fuseau horaire"
LOCAL_TIME = "HH:MM, heure de %(zone)s"
SKIPPED_TIME = "cette heure n’existe pas le %(day)s (passage à l’heure d’été)"
EXISTING_TIME = "une heure qui existe, heure de %(zone)s"
REFUSALS = (ZONE_GIVEN, LOCAL_TIME, SKIPPED_TIME, EXISTING_TIME)
"""The refusals of a local time: French templates kept with the refusal (``code``,
``allowed_code``; catalogue msgids, English in the catalogue)."""


def local_instant(
    day: dt.date, time: dt.time, zone: ZoneInfo, *, field: str = "time"
) -> dt.datetime:
    """The instant of the wall-clock ``day`` ``time`` in ``zone``.

    Parameters
    ----------
    day, time
        The local date and time (``time`` without a time zone).
    zone
        The company's time zone.
    field
        Name of the input field, for the error.

    Returns
    -------
    datetime.datetime
        Aware, in ``zone``; the earlier of two instants when the wall-clock time is repeated.

    Raises
    ------
    InvalidInput
        When ``time`` carries a time zone, or does not exist on ``day`` in ``zone``.
    """
    if time.tzinfo is not None:
        params: dict[str, object] = {"zone": zone.key}
        raise InvalidInput(
            problems=[
                Problem(
                    field,
                    ZONE_GIVEN,
                    time.isoformat(),
                    LOCAL_TIME % params,
                    ZONE_GIVEN,
                    params,
                    LOCAL_TIME,
                )
            ]
        )
    moment = dt.datetime.combine(day, time.replace(fold=0), tzinfo=zone)
    back = moment.astimezone(dt.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        params = {"day": day, "zone": zone.key}
        raise InvalidInput(
            problems=[
                Problem(
                    field,
                    SKIPPED_TIME % {"day": day.strftime("%d/%m/%Y")},
                    time.strftime("%H:%M"),
                    EXISTING_TIME % params,
                    SKIPPED_TIME,
                    params,
                    EXISTING_TIME,
                )
            ]
        )
    return moment


def day_span(first: dt.date, last: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants from ``first`` 00:00 to the midnight after ``last``, local to ``zone``.

    A day of a clock change lasts 23 or 25 hours; the span follows the calendar, not 24 h.
    """
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def hm(moment: dt.datetime, zone: ZoneInfo) -> str:
    """``HH:MM`` of an aware instant in ``zone`` (never the UTC wall clock)."""
    return moment.astimezone(zone).strftime("%H:%M")
