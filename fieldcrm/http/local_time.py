"""Dates and times as the reader writes them, in the company's time zone: the one home of the
rule for pages (their ``hm`` filter) and error texts (a value « reçu : 03/02/2027 11:00 »)."""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

from fieldcrm.costs.report import local_day


def local_hm(value: dt.datetime | str, zone: ZoneInfo) -> str:
    """``HH:MM`` of an aware datetime (or ISO string with its offset) in the company's time
    zone (never the UTC wall clock)."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(zone).strftime("%H:%M")


def local_moment(value: dt.datetime, lang: str, zone: ZoneInfo) -> str:
    """A date and time as the reader writes it (``03/02/2027 11:00`` in French): an aware
    one in ``zone``, a naive one (its zone unknown) as it was written, and so is one before
    1900 (local mean time then: Paris was +00:09:21)."""
    if value.tzinfo is not None and value.year >= 1900:
        # year 9999 pushed out of range by the change of zone: as written
        with contextlib.suppress(OverflowError, ValueError):
            value = value.astimezone(zone)
    return f"{local_day(value.date(), lang)} {value:%H:%M}"
