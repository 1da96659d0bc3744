"""The agenda on the rep's phone (QA 23): an appointment outside the rep's working hours (an
appointment at 03:00) is booked as typed and said, with the rep's real hours, at the top of
the agenda it lands on and on the appointment itself; a refused booking for another day
keeps the agenda on that day, with the form and its error (it used to jump back to today)."""

from __future__ import annotations

import html
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

THURSDAY = "2026-06-11"
BOOKING = {
    "date": THURSDAY,
    "time": "09:00",
    "duration": "60",
    "vue": "jour",
    "title": "Casino",
    "lon": "7.4246",
    "lat": "43.7384",
}
LATE_FR = "Ce rendez-vous est hors de vos horaires de travail (8 h 30 – 18 h 30)."


def _hours(db: Session, start: str, end: str) -> None:
    """Camille's working day, as her profile (and so her plans) has it."""
    db.execute(
        text("UPDATE users SET work_start = :s, work_end = :e WHERE id = 4"), {"s": start, "e": end}
    )


def _plain(page: str) -> str:
    return html.unescape(page).replace("\u00a0", " ").replace("\u202f", " ")


def _item(page: str, title: str) -> str:
    found = re.search(
        rf'<li class="appointment [^"]*" data-id="\d+">((?:(?!</li>).)*?{title}.*?)</li>',
        page,
        re.S,
    )
    assert found, title
    return _plain(found.group(1))


def test_an_appointment_at_three_is_booked_and_said_outside_the_hours(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _hours(demo_db, "08:30", "18:30")
    camille = api_as(4)
    booked = camille.post(
        "/agenda/rendez-vous", data=BOOKING | {"time": "03:00"}, follow_redirects=False
    )
    assert booked.status_code == 303, "kept: a rep may really meet a client early"
    assert re.fullmatch(
        rf"/agenda\?date={THURSDAY}&vue=jour&rep=4&rdv=\d+", booked.headers["location"]
    )
    page = camille.get(booked.headers["location"]).text
    notice = re.search(r'<p class="warn" role="status" id="out-of-hours-notice">(.*?)</p>', page)
    assert notice, "said at the top of the agenda the booking lands on"
    assert _plain(notice.group(1)) == (
        f"Rendez-vous enregistré : « Casino », jeudi 11 juin 2026 à 03:00. {LATE_FR}"
    )
    assert LATE_FR in _item(page, "Casino")
    # the agenda read later still says it, beside the appointment (not at the top)
    later = camille.get(f"/agenda?date={THURSDAY}&vue=semaine").text
    assert LATE_FR in _item(later, "Casino") and "out-of-hours-notice" not in later


def test_within_the_hours_nothing_is_said_and_the_bounds_are_inside(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _hours(demo_db, "08:30", "18:30")
    camille = api_as(4)
    for title, time, minutes in (("Matin", "08:30", "60"), ("Soir", "17:30", "60")):
        done = camille.post(
            "/agenda/rendez-vous",
            data=BOOKING | {"title": title, "time": time, "duration": minutes},
            follow_redirects=True,
        )
        assert done.status_code == 200
    page = camille.get(f"/agenda?date={THURSDAY}&vue=jour").text
    assert "horaires de travail" not in _plain(page)
    # one minute past the return is outside
    late = camille.post(
        "/agenda/rendez-vous",
        data=BOOKING | {"title": "Apéritif", "time": "18:30", "duration": "5"},
        follow_redirects=True,
    )
    assert LATE_FR in _item(late.text, "Apéritif")
    assert "horaires" not in _item(late.text, "Soir")


def test_the_hours_are_the_reps_own_in_english_too(api_as: ClientFactory, demo_db: Session) -> None:
    _hours(demo_db, "07:00", "19:00")
    camille = api_as(4)
    camille.post("/agenda/rendez-vous", data=BOOKING | {"time": "06:00"})
    french = _item(camille.get(f"/agenda?date={THURSDAY}&vue=jour").text, "Casino")
    assert "Ce rendez-vous est hors de vos horaires de travail (7 h – 19 h)." in french
    english = _item(camille.get(f"/agenda?date={THURSDAY}&vue=jour&lang=en").text, "Casino")
    assert "This appointment is outside your working hours (07:00–19:00)." in english
    # a manager opening Camille's agenda reads whose hours they are
    claire = _item(api_as(1).get(f"/agenda?date={THURSDAY}&vue=jour&rep=4").text, "Casino")
    assert "Ce rendez-vous est hors des horaires de travail du commercial (7 h – 19 h)." in claire


def test_a_cancelled_appointment_is_not_said_outside_the_hours(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    done = camille.post(
        "/agenda/rendez-vous", data=BOOKING | {"time": "05:00"}, follow_redirects=True
    )
    appointment = re.search(r'action="/agenda/rendez-vous/(\d+)/annulation"', done.text)
    assert appointment and "horaires de travail" in _item(done.text, "Casino")
    camille.post(f"/agenda/rendez-vous/{appointment.group(1)}/annulation", data={"vue": "jour"})
    page = camille.get(f"/agenda?date={THURSDAY}&vue=jour").text
    assert "Annulé" in _item(page, "Casino") and "horaires de travail" not in _plain(page)


def _shown_day(page: str) -> tuple[str, str]:
    """The agenda's heading and the new-appointment form's date."""
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    form = re.search(r'id="new-appointment".*?name="date" required value="([^"]*)"', page, re.S)
    assert heading and form
    return _plain(heading.group(1)), form.group(1)


def test_a_refused_booking_for_another_day_stays_on_that_day(api_as: ClientFactory) -> None:
    camille = api_as(4)
    camille.post("/agenda/rendez-vous", data=BOOKING)
    # the service refuses: an overlap on Thursday
    overlap = camille.post("/agenda/rendez-vous", data=BOOKING | {"title": "Port", "time": "09:30"})
    assert overlap.status_code == 409
    assert _shown_day(overlap.text) == ("Agenda — jeudi 11 juin 2026", THURSDAY)
    assert 'id="new-time-error"' in overlap.text and 'value="Port"' in overlap.text
    # the form refuses: a time left empty, for Thursday — day view and week view
    for view, heading in (("jour", "jeudi 11 juin 2026"), ("semaine", "semaine du 08/06/2026")):
        empty = camille.post(
            "/agenda/rendez-vous", data=BOOKING | {"title": "Port", "time": "", "vue": view}
        )
        assert empty.status_code == 422
        assert _shown_day(empty.text) == (f"Agenda — {heading}", THURSDAY)
        assert 'id="new-time-error"' in empty.text and 'value="Port"' in empty.text
    # a date that is none: today, the form keeping what was typed
    bad = camille.post("/agenda/rendez-vous", data=BOOKING | {"date": "2026-02-30"})
    assert bad.status_code == 422 and 'id="new-date-error"' in bad.text
    assert _shown_day(bad.text)[1] == "2026-02-30"


def test_a_refused_move_to_another_day_stays_on_that_day_with_its_form(
    api_as: ClientFactory,
) -> None:
    camille = api_as(4)
    camille.post("/agenda/rendez-vous", data=BOOKING)  # Thursday 09:00
    wednesday = camille.post(
        "/agenda/rendez-vous",
        data=BOOKING | {"date": "2026-06-10", "title": "Port"},
        follow_redirects=True,
    )
    port = re.search(r'action="/agenda/rendez-vous/(\d+)"', wednesday.text)
    assert port
    move = {"date": THURSDAY, "time": "09:30", "duration": "60", "vue": "jour", "note": "Quai"}
    refused = camille.post(f"/agenda/rendez-vous/{port.group(1)}", data=move)
    assert refused.status_code == 409
    assert _shown_day(refused.text)[0] == "Agenda — jeudi 11 juin 2026", "the day it was going to"
    assert "Casino" in _item(refused.text, "Casino"), "what it overlaps is in view"
    moving = re.search(
        r'<section class="card" id="moving" data-id="(\d+)">(.*?)</section>', refused.text, re.S
    )
    assert moving and moving.group(1) == port.group(1)
    said = _plain(moving.group(2))
    assert "Déplacer « Port » (mercredi 10 juin 2026 à 09:00)" in said
    assert '<details class="move" open>' in said and f'value="{THURSDAY}"' in said
    assert 'value="09:30"' in said and ">Quai</textarea>" in said
    assert f'id="move-{port.group(1)}-time-error"' in said and "chevauche" in said
    # in a week that shows its day, its form stays in its place: no second copy
    week = camille.post(f"/agenda/rendez-vous/{port.group(1)}", data=move | {"vue": "semaine"})
    assert week.status_code == 409 and 'id="moving"' not in week.text
    assert week.text.count(f'action="/agenda/rendez-vous/{port.group(1)}"') == 1
