"""A day page or a Tournée view reads the audit log's moves of the appointments it shows once
(:func:`fieldcrm.services.appointment_moves.former_starts`), and passes them (by day on
Tournée) to the slots of now and the figures as booked, which used to read them again (three
reads for one day view, one more a day for a trip); what the page shows with them is
unchanged (the moved visit at its new time; on « Ma journée », listed « Déplacé »)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy.orm import Session

from fieldcrm.services import appointment_moves
from tests.pages.test_day_booked_beyond_hours import _route
from tests.pages.test_day_moved_booking_order import _heure, _move
from tests.pages.test_day_slots_after_booking import DAY, _accept, _planned, _stop
from tests.pages.test_trip_as_booked import _as_trip
from tests.web import ClientFactory


@pytest.mark.parametrize("view", ["day", "trip"])
def test_the_page_reads_the_moves_once(
    view: str, api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    first = _route(plan)[0]
    _accept(client, first.id, _heure(client.get(DAY).text, first.id))
    _move(client, demo_db, first.id, "17:50")
    url = DAY if view == "day" else _as_trip(demo_db, plan)
    real = appointment_moves.former_starts
    reads: list[list[int]] = []

    def counted(session: Session, shown: Sequence[Any]) -> Any:
        reads.append([a.id for a in shown])
        return real(session, shown)

    monkeypatch.setattr(appointment_moves, "former_starts", counted)
    page = client.get(url).text
    assert len(reads) == 1, reads
    assert '<span class="time">17:50</span>' in _stop(page, first.id)
    if view == "day":
        listed = re.search(r'id="day-appointments">(.*?)</section>', page, re.S)
        assert listed is not None and "Déplacé" in listed.group(1), "the list says it moved"
        assert "recalculé avec les rendez-vous de la journée" in page
