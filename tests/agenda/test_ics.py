"""The iCalendar writer: folding at 75 octets, escaping, and what a real parser reads back."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.agenda import ics
from fieldcrm.geo import GeoPoint

PARIS = ZoneInfo("Europe/Paris")
STAMP = dt.datetime(2026, 4, 15, 8, 0, tzinfo=dt.UTC)


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 100 + "x" * 50
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 2
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert _unfold(folded) == line  # each part decodes alone: no character was cut


def test_text_escapes_commas_semicolons_backslashes_and_line_breaks() -> None:
    assert ics.escape_text("a,b;c\\d\r\ne\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert ics.escape_text("bell\x07") == "bell"


def test_times_are_written_in_utc() -> None:
    nine = dt.datetime(2026, 3, 29, 9, 0, tzinfo=PARIS)
    assert ics.utc_stamp(nine) == "20260329T070000Z"
    assert ics.utc_stamp(dt.datetime(2026, 10, 25, 9, 0, tzinfo=PARIS)) == "20261025T080000Z"


NASTY = "Café « Le Zinc », salle 2; étage\\3\nDemander M. Dupont\r\nCode 1234"


def test_a_parser_reads_back_every_field() -> None:
    start = dt.datetime(2026, 3, 29, 9, 0, tzinfo=PARIS)
    event = ics.Event(
        uid="fieldcrm-appointment-7",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        summary="Rendez-vous LAMBDA SARL, Nice; 2e étage " + "x" * 80,
        location="12 boulevard de la République, 06240 Beausoleil",
        description=NASTY,
        sequence=3,
        last_modified=dt.datetime(2026, 3, 20, 10, 11, 12, tzinfo=dt.UTC),
        geo=GeoPoint(7.42553, 43.74291),
    )
    text = ics.calendar(
        [event], name="fieldcrm — Camille Martin", stamp=STAMP, timezone="Europe/Paris"
    )
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["X-WR-CALNAME"]) == "fieldcrm — Camille Martin"
    (parsed,) = cal.walk("VEVENT")
    assert str(parsed["UID"]) == "fieldcrm-appointment-7"
    assert parsed.decoded("DTSTART") == start
    assert parsed.decoded("DTEND") == start + dt.timedelta(minutes=45)
    assert str(parsed["SUMMARY"]) == event.summary
    assert str(parsed["LOCATION"]) == event.location
    assert str(parsed["DESCRIPTION"]) == NASTY.replace("\r\n", "\n")
    assert int(parsed["SEQUENCE"]) == 3
    assert parsed.decoded("LAST-MODIFIED") == event.last_modified
    assert parsed.decoded("DTSTAMP") == STAMP
    geo = parsed["GEO"]
    assert (round(geo.latitude, 5), round(geo.longitude, 5)) == (43.74291, 7.42553)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_survives_the_round_trip(value: str) -> None:
    start = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    event = ics.Event(
        "u-1", start, start + dt.timedelta(hours=1), value or "x", value, value, 0, start
    )
    text = ics.calendar([event], name="n", stamp=start)
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    (parsed,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    expected = value.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(c for c in expected if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))
    assert str(parsed["SUMMARY"]) == (expected if value else "x")
    if expected:
        assert str(parsed["DESCRIPTION"]) == expected
