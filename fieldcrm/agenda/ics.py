"""A small iCalendar (RFC 5545) writer for a rep's read-only calendar feed.

Only what a feed of appointments needs: a ``VCALENDAR`` of ``VEVENT`` with times in UTC,
text values escaped (``\\``, ``;``, ``,`` and line breaks) and content lines folded at 75
octets (never inside a UTF-8 character), CRLF line ends.

Examples
--------
>>> escape_text("Café; salle 2, étage\\n3")
'Café\\\\; salle 2\\\\, étage\\\\n3'
>>> fold("DESCRIPTION:" + "x" * 70).split("\\r\\n")[1]
' xxxxxxx'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from fieldcrm.geo import GeoPoint

LINE_OCTETS = 75
"""The longest content line, in octets, without its CRLF (RFC 5545 §3.1)."""
CRLF = "\r\n"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters a TEXT value may not hold (line breaks are escaped before)."""


@dataclass(frozen=True)
class Event:
    """One appointment as a calendar event.

    Parameters
    ----------
    uid
        Stable identifier: the same appointment keeps it across moves.
    starts_at, ends_at
        Aware instants (written in UTC).
    summary, location, description
        Title, address and note (``None``: the property is left out).
    sequence
        Revision number, raised by every change.
    last_modified
        Aware instant of the last change.
    geo
        The place, if located.
    """

    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    location: str | None
    description: str | None
    sequence: int
    last_modified: dt.datetime
    geo: GeoPoint | None = None


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped; controls dropped."""
    out = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    out = out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROL.sub("", out)


def utc_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form, ``20260329T070000Z``; the instant must be aware."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """``line`` folded into content lines of at most 75 octets joined by CRLF + space."""
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += octets
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def _line(name: str, value: str) -> str:
    return fold(f"{name}:{value}") + CRLF


def event_lines(event: Event, *, stamp: dt.datetime) -> str:
    """The ``VEVENT`` of ``event``; ``stamp`` is its DTSTAMP (when the feed was made)."""
    text = _line("BEGIN", "VEVENT")
    text += _line("UID", escape_text(event.uid))
    text += _line("DTSTAMP", utc_stamp(stamp))
    text += _line("DTSTART", utc_stamp(event.starts_at))
    text += _line("DTEND", utc_stamp(event.ends_at))
    text += _line("SUMMARY", escape_text(event.summary))
    if event.location:
        text += _line("LOCATION", escape_text(event.location))
    if event.geo is not None:
        text += _line("GEO", f"{event.geo.lat:.6f};{event.geo.lon:.6f}")
    if event.description:
        text += _line("DESCRIPTION", escape_text(event.description))
    text += _line("STATUS", "CONFIRMED")
    text += _line("SEQUENCE", str(max(0, event.sequence)))
    text += _line("LAST-MODIFIED", utc_stamp(event.last_modified))
    return text + _line("END", "VEVENT")


def calendar(
    events: Iterable[Event],
    *,
    name: str,
    stamp: dt.datetime,
    timezone: str | None = None,
    product: str = "-//fieldcrm//Agenda//FR",
) -> str:
    """A whole ``VCALENDAR`` feed of ``events``.

    Parameters
    ----------
    events
        The events, in the order to write them.
    name
        The calendar's display name (``X-WR-CALNAME``).
    stamp
        When the feed is made (every event's DTSTAMP).
    timezone
        The company's time zone, as a hint for clients (``X-WR-TIMEZONE``).
    product
        The PRODID.

    Returns
    -------
    str
        The iCalendar text, CRLF line ends.
    """
    text = _line("BEGIN", "VCALENDAR")
    text += _line("VERSION", "2.0")
    text += _line("PRODID", product)
    text += _line("CALSCALE", "GREGORIAN")
    text += _line("METHOD", "PUBLISH")
    text += _line("X-WR-CALNAME", escape_text(name))
    if timezone:
        text += _line("X-WR-TIMEZONE", escape_text(timezone))
    text += _line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
    text += _line("X-PUBLISHED-TTL", "PT1H")
    for event in events:
        text += event_lines(event, stamp=stamp)
    return text + _line("END", "VCALENDAR")
