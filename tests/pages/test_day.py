"""Reps' "Ma journée": plan around the fixed appointment, accept a proposal, navigate."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

TUESDAY = "2026-04-21"  # Camille's 10:00 appointment at LAMBDA SARL (demo as of 2026-04-15)


def test_rep_plans_the_day_and_accepts_a_proposal(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(4)
    empty = client.get(f"/journee?date={TUESDAY}")
    assert empty.status_code == 200 and "Planifier ma journée" in empty.text
    planned = client.post("/journee/planifier", data={"date": TUESDAY}, follow_redirects=True)
    assert planned.status_code == 200
    page = planned.text
    assert "RDV fixe" in page and "LAMBDA SARL" in page
    assert re.search(r'<span class="time">10:00</span> Rendez-vous LAMBDA SARL', page), (
        "the appointment keeps its exact time"
    )
    assert "à réserver" in page
    assert (
        "google.com/maps/dir/?api=1&amp;destination=" in page
        and "waze.com/ul?ll=" in page
        and 'href="geo:' in page
    )
    proposal_id = int(re.search(r'action="/journee/propositions/(\d+)"', page).group(1))
    done = client.post(
        f"/journee/propositions/{proposal_id}",
        data={"accept": "true", "date": TUESDAY},
        follow_redirects=True,
    )
    assert "Acceptée : rendez-vous réservé" in done.text
    booked = demo_db.execute(
        text(
            "SELECT count(*) FROM appointments a JOIN plan_proposals p ON p.account_id = a.account_id"
            " WHERE p.id = :id AND a.starts_at >= p.slot_start AND a.starts_at <= p.slot_end"
        ),
        {"id": proposal_id},
    ).scalar_one()
    assert booked == 1


def test_a_rep_cannot_open_another_reps_day(api_as: ClientFactory) -> None:
    assert (
        api_as(4).get(f"/journee?date={TUESDAY}&rep=5").status_code == 200
    )  # the rep parameter is ignored for reps
    assert "Camille" in api_as(4).get(f"/journee?date={TUESDAY}&rep=5").text


def test_a_manager_opens_a_team_members_day(api_as: ClientFactory) -> None:
    page = api_as(1).get(f"/journee?date={TUESDAY}&rep=4")
    assert page.status_code == 200
    assert 'name="rep" value="4"' in page.text


def test_bad_date_is_a_clear_422(api_as: ClientFactory) -> None:
    response = api_as(4).get("/journee?date=2026-13-45")
    assert response.status_code == 422
    assert "date" in response.text


def test_the_slot_shown_is_the_local_time_that_gets_booked(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The slot on the page is in Paris time: the time the appointment is then booked at."""
    client = api_as(4)
    page = client.post("/journee/planifier", data={"date": TUESDAY}, follow_redirects=True).text
    shown = [
        re.search(
            r'<span class="time">(\d\d:\d\d)</span>.*?à réserver (\d\d:\d\d)–(\d\d:\d\d)',
            chunk,
            re.S,
        ).groups()  # type: ignore[union-attr]
        for chunk in page.split('<li class="stop candidate"')[1:]
    ]
    assert shown
    for start, a, b in shown:
        assert a <= start <= b, "the planned start lies in the slot shown"
    proposal_id = int(re.search(r'action="/journee/propositions/(\d+)"', page).group(1))
    client.post(f"/journee/propositions/{proposal_id}", data={"accept": "true", "date": TUESDAY})
    local = demo_db.execute(
        text(
            "SELECT to_char(a.starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') FROM appointments a"
            " JOIN plan_proposals p ON p.account_id = a.account_id WHERE p.id = :id"
        ),
        {"id": proposal_id},
    ).scalar_one()
    assert local == shown[0][0], "booked at the planned time the rep read, not the slot's start"


def test_a_day_proven_optimal_says_so_and_only_then(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The page reads the plan's own flag (set by the exact search on small days)."""
    client = api_as(4)
    planned = client.post("/journee/planifier", data={"date": TUESDAY}, follow_redirects=True)
    proven = demo_db.execute(
        text(
            "SELECT result->>'proven_optimal' FROM plans WHERE rep_id = 4 ORDER BY id DESC LIMIT 1"
        )
    ).scalar_one()
    assert ('id="proven-optimal"' in planned.text) is (proven == "true")
    demo_db.execute(
        text(
            "UPDATE plans SET result = jsonb_set(result, '{proven_optimal}', to_jsonb(:p))"
            " WHERE id = (SELECT max(id) FROM plans WHERE rep_id = 4)"
        ),
        {"p": proven != "true"},
    )
    flipped = client.get(f"/journee?date={TUESDAY}").text
    assert ('id="proven-optimal"' in flipped) is (proven != "true")
