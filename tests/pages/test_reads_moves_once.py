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

from fieldcrm.services import appointment_moves, plan_slots
from fieldcrm.store import appointments as booked_store
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


@pytest.mark.parametrize("view", ["day", "trip"])
def test_the_figures_as_booked_read_nothing_the_page_read_already(
    view: str, api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed day's figures as booked (:func:`fieldcrm.services.plan_slots.figures_now`)
    take the slots of now and the day's appointments the page read: the proposals booked
    elsewhere and those visited since are read once for the plan (they were read again for
    each changed day), the appointments once for the page and once a day for the slots."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    first = _route(plan)[0]
    _accept(client, first.id, _heure(client.get(DAY).text, first.id))  # the day changed
    url = DAY if view == "day" else _as_trip(demo_db, plan)
    calls: list[str] = []

    def counted(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return real(*args, **kwargs)

        return call

    for name in ("booked_elsewhere", "visited_since"):
        monkeypatch.setattr(plan_slots, name, counted(name, getattr(plan_slots, name)))
    monkeypatch.setattr(booked_store, "between", counted("between", booked_store.between))
    page = client.get(url).text
    assert "recalculé avec les rendez-vous de la journée" in page  # the figures as booked
    assert calls.count("booked_elsewhere") == 1, calls
    assert calls.count("visited_since") == 1, calls
    assert calls.count("between") == 2, calls  # the page's, the slots of now's (one day)
