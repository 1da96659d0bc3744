"""A moved appointment (QA at 390×844: nothing told it from one booked at that time) reads
« Déplacé » with the time it was booked at, on the agenda and on « Ma journée » (its list and
its fixed stop), as a cancelled one reads « Annulé »; a note edited, a move back to the
booked time, a cancellation do not read « Déplacé »."""

from __future__ import annotations

import html
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.rows import row
from tests.web import ClientFactory

DAY = "2026-06-10"
BOOKING = {
    "date": DAY,
    "time": "09:00",
    "duration": "60",
    "vue": "jour",
    "title": "Dégustation au port",
    "lon": "7.4246",
    "lat": "43.7384",
}
TUESDAY = "2026-04-21"  # Camille's 10:00 appointment at LAMBDA SARL


def _item(page: str, appointment: int) -> str:
    found = re.search(
        rf'<li class="appointment \w+" data-id="{appointment}">(.*?)</li>', page, re.S
    )
    assert found is not None, appointment
    return html.unescape(found.group(1))


def _moved(chunk: str) -> str | None:
    found = re.search(
        r'<span class="badge medium moved">Déplacé</span> <span class="muted moved-from">(.*?)</span>',
        chunk,
    )
    return found.group(1) if found else None


def _move(client, appointment: int, **changes: str) -> None:  # type: ignore[no-untyped-def]
    form = {"date": DAY, "time": "09:00", "duration": "60", "vue": "jour", "note": ""} | changes
    done = client.post(f"/agenda/rendez-vous/{appointment}", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text


def test_a_moved_appointment_reads_moved_with_its_booked_time(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    camille.post("/agenda/rendez-vous", data=BOOKING)
    (appointment,) = row(
        demo_db, "SELECT id FROM appointments WHERE rep_id = 4 AND title = :t", t=BOOKING["title"]
    )
    agenda = f"/agenda?date={DAY}&vue=jour"
    assert _moved(_item(camille.get(agenda).text, appointment)) is None

    _move(camille, appointment, note="Code portail 1234")  # a note, not a move
    assert _moved(_item(camille.get(agenda).text, appointment)) is None

    _move(camille, appointment, time="11:00")
    item = _item(camille.get(agenda).text, appointment)
    assert '<span class="time">11:00–12:00</span>' in item
    assert _moved(item) == "(initialement prévu à 09:00)"
    day = camille.get(f"/journee?date={DAY}").text
    listed = re.search(rf'<li data-id="{appointment}">(.*?)</li>', day, re.S)
    assert (
        listed is not None
        and _moved(html.unescape(listed.group(1))) == "(initialement prévu à 09:00)"
    )

    _move(camille, appointment, date="2026-06-11", time="14:00")  # another day: it says which
    item = _item(camille.get("/agenda?date=2026-06-11&vue=jour").text, appointment)
    assert _moved(item) == "(initialement prévu le 10/06/2026 à 09:00)"

    _move(camille, appointment, time="09:00")  # back at its booked time: not moved
    assert _moved(_item(camille.get(agenda).text, appointment)) is None

    _move(camille, appointment, time="15:00")
    camille.post(f"/agenda/rendez-vous/{appointment}/annulation", data={"vue": "jour"})
    item = _item(camille.get(agenda).text, appointment)
    assert "Annulé" in item and _moved(item) is None


def test_a_fixed_stop_moved_since_the_plan_shows_its_new_time_and_says_moved(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    camille.post("/journee/planifier", data={"date": TUESDAY})
    (appointment,) = row(
        demo_db,
        """SELECT id FROM appointments WHERE rep_id = 4 AND title = 'Rendez-vous LAMBDA SARL'
           AND starts_at::date = :d""",
        d=TUESDAY,
    )
    _move(camille, appointment, date=TUESDAY, time="10:30")
    page = camille.get(f"/journee?date={TUESDAY}").text
    stop = re.search(r'<li class="stop appointment"[^>]*>\s*<div>(.*?)</div>', page, re.S)
    assert stop is not None
    said = html.unescape(stop.group(1))
    assert said.startswith('<span class="time">10:30</span> Rendez-vous LAMBDA SARL'), said
    assert _moved(said) == "(initialement prévu à 10:00)"
    english = camille.get(f"/journee?date={TUESDAY}&lang=en").text
    assert ">Moved</span>" in english and "(originally at 10:00)</span>" in english
    logged = demo_db.execute(
        text(
            "SELECT count(*) FROM audit_log WHERE entity = 'appointment' AND action = 'move'"
            " AND entity_id = :i"
        ),
        {"i": str(appointment)},
    ).scalar_one()
    assert logged == 1
