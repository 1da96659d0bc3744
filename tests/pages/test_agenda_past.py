"""An appointment is booked or moved to a time to come: a past day names the date, an hour of
today already gone names the time, through the API and the agenda's forms alike (QA: an
appointment booked on 01/12 while it was 07/12, without a word)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import plan_dates
from tests.web import ClientFactory

PARIS_SUMMER = dt.timezone(dt.timedelta(hours=2))
NOW = dt.datetime(2026, 6, 10, 10, 30, tzinfo=PARIS_SUMMER)
"""Wednesday 10 June 2026, 10:30 in Paris."""
MONACO = {"lon": 7.4246, "lat": 43.7384}


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_dates, "now", lambda: NOW)


def _count(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM appointments WHERE rep_id = 4")).scalar_one())


def _book(client: Any, **fields: Any) -> Any:
    body = {"date": "2026-06-10", "time": "11:00", "duration_minutes": 30, **MONACO} | fields
    return client.post("/api/appointments", json=body)


def test_api_refuses_a_past_day_or_hour_and_books_a_later_one(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    before = _count(demo_db)
    yesterday = _book(camille, date="2026-06-09")
    assert yesterday.status_code == 422 and yesterday.json()["field"] == "date"
    assert "09/06/2026 est passé" in yesterday.json()["detail"]
    earlier = _book(camille, time="10:00")
    assert earlier.status_code == 422 and earlier.json()["field"] == "time"
    assert "déjà passée" in earlier.json()["detail"]
    assert _count(demo_db) == before
    later = _book(camille, time="10:45")
    assert later.status_code == 201, later.text
    assert _count(demo_db) == before + 1


def test_api_refuses_a_move_to_the_past_but_a_past_appointment_keeps_its_notes(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    camille = api_as(4)
    appointment = _book(camille, time="11:00").json()["id"]
    back = camille.patch(f"/api/appointments/{appointment}", json={"time": "09:00"})
    assert back.status_code == 422 and back.json()["field"] == "time"
    back = camille.patch(f"/api/appointments/{appointment}", json={"date": "2026-06-01"})
    assert back.status_code == 422 and back.json()["field"] == "date"
    # the appointment is over: its note (and the same time) may still be written
    monkeypatch.setattr(plan_dates, "now", lambda: NOW + dt.timedelta(hours=3))
    noted = camille.patch(
        f"/api/appointments/{appointment}",
        json={"note": "Commande passée", "date": "2026-06-10", "time": "11:00"},
    )
    assert noted.status_code == 200, noted.text
    assert (noted.json()["time"], noted.json()["note"]) == ("11:00", "Commande passée")


def _field_error(page: str, prefix: str, name: str) -> str:
    found = re.search(
        rf'<span class="error field-error" id="{prefix}-{name}-error">(.*?)</span>', page
    )
    assert found is not None, f"no error next to {name}"
    return html.unescape(found.group(1)).replace("\u00a0", " ")


FORM = {"time": "09:00", "duration": "60", "vue": "jour", "title": "Dégustation", **MONACO}


def test_agenda_form_names_the_past_date_or_time(api_as: ClientFactory, demo_db: Session) -> None:
    camille = api_as(4)
    before = _count(demo_db)
    past_day = camille.post("/agenda/rendez-vous", data=FORM | {"date": "2026-06-01"})
    assert past_day.status_code == 422
    assert _field_error(past_day.text, "new", "date").startswith("date : le 01/06/2026 est passé")
    past_hour = camille.post("/agenda/rendez-vous", data=FORM | {"date": "2026-06-10"})
    assert past_hour.status_code == 422
    said = _field_error(past_hour.text, "new", "time")
    assert said.startswith("heure : déjà passée") and "après 10:30" in said, said
    assert _count(demo_db) == before
    booked = camille.post(
        "/agenda/rendez-vous",
        data=FORM | {"date": "2026-06-10", "time": "14:00"},
        follow_redirects=False,
    )
    assert booked.status_code == 303
    assert _count(demo_db) == before + 1
