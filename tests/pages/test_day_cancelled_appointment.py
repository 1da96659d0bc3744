"""Ma journée once a fixed appointment of its plan is cancelled in the agenda: the stop reads
« Annulé » (not « RDV fixe »), with no navigation, no check-in or report, and it is off the
whole-route link and the map, as the recomputed slots already have it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fieldcrm.pages import day as day_page
from fieldcrm.services import plan_slots
from fieldcrm.store.plans import PARIS, PlanRow
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _accept, _planned
from tests.rows import row
from tests.web import ClientFactory

BEFORE = dt.datetime.combine(TUESDAY, dt.time(6, 0), tzinfo=PARIS)
"""The request time: early on the planned day, its slots all still ahead."""
MAP_APPOINTMENT = '"RDV", "appointment"]'
"""The end of an appointment pin's row in the map's script (:func:`fieldcrm.maps._pin_row`)."""


def _fixed_stops(plan: PlanRow) -> list[dict[str, Any]]:
    return [s for s in plan.result["days"][0]["stops"] if s["kind"] == "appointment"]


def _appointment_stop(page: str, account_id: int) -> tuple[str, str]:
    """The classes and the inside of the fixed stop of ``account_id`` on the day page."""
    found = re.search(
        rf'<li class="(stop appointment[^"]*)" data-account="{account_id}">(.*?)</li>', page, re.S
    )
    assert found is not None, page
    return found.group(1), found.group(2)


def _whole_route(page: str) -> str:
    found = re.search(
        r'<p class="actions" id="whole-route"><a class="button"[^>]*href="([^"]*)"', page
    )
    assert found is not None
    return found.group(1)


def _cancel(client: TestClient, appointment_id: int) -> None:
    gone = client.post(
        f"/agenda/rendez-vous/{appointment_id}/annulation",
        data={"vue": "jour"},
        follow_redirects=False,
    )
    assert gone.status_code == 303


def _assert_cancelled(page: str, stop: dict[str, Any], fixed: int) -> None:
    classes, inside = _appointment_stop(page, stop["account_id"])
    assert classes == "stop appointment cancelled"
    assert re.search(r'<span class="badge bad stop-cancelled">Annulé</span>', inside), inside
    assert "RDV fixe" not in inside
    assert 'class="checkin"' not in inside and 'class="send-report"' not in inside
    assert 'class="actions nav"' not in inside and "destination=" not in inside
    # off the whole route; the other fixed stops stay fixed
    assert f"{stop['lat']},{stop['lon']}" not in _whole_route(page)
    assert page.count('class="stop appointment"') == fixed - 1
    assert page.count(MAP_APPOINTMENT) == fixed - 1, "one appointment pin less on the map"


def test_a_cancelled_fixed_appointment_reads_cancelled_with_no_visit(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(day_page, "request_time", lambda: BEFORE)
    client = api_as(4)
    plan = _planned(client, demo_db)
    fixed = _fixed_stops(plan)
    stop = next(s for s in fixed if "LAMBDA" in s["name"])
    # as planned: a fixed stop with its navigation and its check-in
    before = client.get(DAY).text
    assert before.count(MAP_APPOINTMENT) == len(fixed)
    assert f"{stop['lat']},{stop['lon']}" in _whole_route(before)
    classes, inside = _appointment_stop(before, stop["account_id"])
    assert classes == "stop appointment"
    assert 'class="checkin"' in inside and 'class="actions nav"' in inside
    assert "RDV fixe" in inside and "stop-cancelled" not in inside

    _cancel(client, stop["appointment_id"])
    page = client.get(DAY).text
    _assert_cancelled(page, stop, len(fixed))
    assert 'id="plan-stale"' in page, "the general banner stays"
    english = _appointment_stop(client.get(DAY + "&lang=en").text, stop["account_id"])[1]
    assert '<span class="badge bad stop-cancelled">Cancelled</span>' in english


def test_an_accepted_visit_replanned_then_cancelled_reads_cancelled(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA's walk: accept a proposal, replan (the visit is now a fixed appointment of the new
    plan), cancel it in the agenda: the new plan's stop is cancelled, not « RDV fixe »."""
    monkeypatch.setattr(day_page, "request_time", lambda: BEFORE)
    client = api_as(4)
    first = _planned(client, demo_db)
    proposal = min(first.proposals, key=lambda p: p.slot_start)
    at = plan_slots.bookable_slots(first)[proposal.id].at.astimezone(PARIS).strftime("%H:%M")
    _accept(client, proposal.id, at)
    (booked,) = row(demo_db, "SELECT id FROM appointments WHERE proposal_id = :p", p=proposal.id)
    replanned = _planned(client, demo_db)
    assert replanned.id != first.id
    fixed = _fixed_stops(replanned)
    stop = next(s for s in fixed if s["appointment_id"] == booked)
    assert "RDV fixe" in _appointment_stop(client.get(DAY).text, stop["account_id"])[1]

    _cancel(client, int(str(booked)))
    page = client.get(DAY).text
    _assert_cancelled(page, stop, len(fixed))


def test_the_stops_off_the_day_are_the_fixed_ones_no_longer_live_on_it() -> None:
    stops: list[dict[str, Any]] = [
        {"kind": "appointment", "appointment_id": 7, "name": "A"},
        {"kind": "candidate", "appointment_id": None, "account_id": 7, "name": "B"},
        {"kind": "appointment", "appointment_id": 8, "name": "C"},
        {"kind": "appointment", "name": "old plan, no id"},
    ]
    # 7 cancelled, or moved to another day, or both: not live on the day; 9 is not a stop
    gone = day_page.missing_appointments(stops, {8, 9})
    assert gone == {7}
    assert day_page.missing_appointments(stops, {7, 8}) == set()
    result: dict[str, Any] = {"days": [{"day": "2026-04-21", "stops": stops}], "home": {}}
    shown = day_page.without_appointments(result, 0, gone)
    assert [s["name"] for s in shown["days"][0]["stops"]] == ["B", "C", "old plan, no id"]
    assert [s["name"] for s in result["days"][0]["stops"]] == ["A", "B", "C", "old plan, no id"]
    assert day_page.without_appointments(result, 0, set()) is result
