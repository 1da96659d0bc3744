"""Ma journée when a proposed account is booked on its planned day from the agenda's form:
the visit is a booked stop of the day at its time — in the running order, with its
navigation and check-in, in « Tout l’itinéraire dans Google Maps » —, no longer proposed,
exactly as when the proposal is accepted (« Accepter »); booked on another day, the card
still reads « Déjà réservé le … »."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PlanRow, ProposalRow
from tests.pages.test_day_booked_elsewhere import _stop, _whole_route
from tests.pages.test_day_slots_after_booking import DAY, TUESDAY, _accept, _planned, _shown_slot
from tests.web import ClientFactory


def _proposal(plan: PlanRow) -> tuple[ProposalRow, str]:
    """A proposal of the planned Tuesday with a later stop after it, and where it is."""
    by_account = {p.account_id: p for p in plan.proposals}
    stops = plan.result["days"][0]["stops"]
    for stop in stops[:-1]:
        found = by_account.get(stop.get("account_id") or 0)
        if stop["kind"] == "candidate" and found is not None:
            return found, f"{stop['lat']},{stop['lon']}"
    raise AssertionError("the demo Tuesday has a proposal before its last stop")


def _book_from_agenda(
    client: TestClient, account_id: int, day: dt.date, hhmm: str, minutes: int
) -> None:
    done = client.post(
        "/agenda/rendez-vous",
        data={
            "date": day.isoformat(),
            "time": hhmm,
            "duration": str(minutes),
            "vue": "jour",
            "account_id": str(account_id),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def _times(page: str) -> list[str]:
    """The times of the day's stops, in the running order shown."""
    stops = page.split('<ol class="stops" id="stops">', 1)[1].split("</ol>", 1)[0]
    return re.findall(
        r'<li class="stop[^"]*"[^>]*>\s*<div><span class="time">(\d\d:\d\d)</span>', stops
    )


def _booked_stop(page: str, proposal: ProposalRow, hhmm: str, where: str) -> str:
    """The proposal's stop, checked to be a booked visit at ``hhmm``, in order, on the route."""
    classes, inside = _stop(page, proposal.id)
    assert classes == "stop candidate", classes
    assert re.match(rf'\s*<div><span class="time">{hhmm}</span> ', inside), inside
    assert "Acceptée : rendez-vous réservé" in inside
    for gone in ("Déjà réservé", "à réserver", 'name="heure"', 'class="accept"', "Refuser"):
        assert gone not in inside, gone
    assert 'class="actions nav"' in inside and f"destination={where}" in inside
    assert 'class="checkin"' in inside
    assert where in _whole_route(page)
    times = _times(page)
    assert hhmm in times and times == sorted(times), times
    return inside


def _linked(db: Session, proposal_id: int) -> list[tuple[str, str]]:
    return [
        (r.status, r.at)
        for r in db.execute(
            text(
                """SELECT status, to_char(starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') AS at
                   FROM appointments WHERE proposal_id = :p ORDER BY id"""
            ),
            {"p": proposal_id},
        )
    ]


def test_a_proposed_visit_booked_from_the_agenda_is_a_booked_stop_as_if_accepted(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    x, where = _proposal(plan)
    _first, last = _shown_slot(client.get(DAY).text, x.id)
    # booked from the agenda at the end of its slot, for the visit's length
    _book_from_agenda(client, x.account_id, TUESDAY, last, x.visit_minutes)
    assert plans.get_proposal(demo_db, x.id).status == "accepted"
    assert _linked(demo_db, x.id) == [("confirmed", last)]
    from_agenda = _booked_stop(client.get(DAY).text, x, last, where)
    api = client.get(f"/api/planning/day/{TUESDAY.isoformat()}").json()
    (x_json,) = [p for p in api["proposals"] if p["id"] == x.id]
    assert x_json["status"] == "accepted" and x_json["already_booked"] is None
    # cancelled, it is proposed again; accepted at the same minute, the stop reads the same
    (appointment_id,) = demo_db.execute(
        text("SELECT id FROM appointments WHERE proposal_id = :p"), {"p": x.id}
    ).scalars()
    cancelled = client.post(
        f"/agenda/rendez-vous/{appointment_id}/annulation",
        data={"vue": "jour"},
        follow_redirects=False,
    )
    assert cancelled.status_code == 303
    assert plans.get_proposal(demo_db, x.id).status == "proposed"
    reopened = client.get(DAY).text
    assert 'class="accept"' in _stop(reopened, x.id)[1]
    accepted = _booked_stop(_accept(client, x.id, last), x, last, where)
    assert accepted == from_agenda
    assert _linked(demo_db, x.id) == [("cancelled", last), ("confirmed", last)]


def test_a_proposed_account_booked_from_the_agenda_on_another_day_is_already_booked(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Booked on Wednesday, Tuesday's card reads « Déjà réservé le … »; that appointment
    moved onto Tuesday inside the slot, it is Tuesday's booked visit."""
    client = api_as(4)
    plan = _planned(client, demo_db)
    x, where = _proposal(plan)
    _first, last = _shown_slot(client.get(DAY).text, x.id)
    wednesday = TUESDAY + dt.timedelta(days=1)
    _book_from_agenda(client, x.account_id, wednesday, "09:00", x.visit_minutes)
    assert plans.get_proposal(demo_db, x.id).status == "proposed"
    assert _linked(demo_db, x.id) == []
    page = client.get(DAY).text
    classes, inside = _stop(page, x.id)
    assert classes == "stop candidate released"
    assert "Déjà réservé le 22/04/2026 à 09:00 : la visite n’est plus proposée." in inside
    assert where not in _whole_route(page)
    (appointment_id,) = demo_db.execute(
        text("SELECT id FROM appointments WHERE account_id = :a AND status = 'confirmed'"),
        {"a": x.account_id},
    ).scalars()
    moved = client.post(
        f"/agenda/rendez-vous/{appointment_id}",
        data={
            "date": TUESDAY.isoformat(),
            "time": last,
            "duration": str(x.visit_minutes),
            "vue": "jour",
        },
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    assert plans.get_proposal(demo_db, x.id).status == "accepted"
    assert _linked(demo_db, x.id) == [("confirmed", last)]
    _booked_stop(client.get(DAY).text, x, last, where)
