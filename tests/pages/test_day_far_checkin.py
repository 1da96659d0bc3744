"""« Ma journée » says a far check-in as the account page does (QA: checked in at LAMBDA SARL,
Monaco, from Nice, the day page said only « Pointage enregistré. »): the phone is told by
the check-in's answer (one text, the one the pages print), and the stop then reads
« Pointage à distance (11,2 km du compte) » for the rep and for their manager."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

TUESDAY = "2026-04-21"  # Camille's 10:00 appointment at LAMBDA SARL (demo as of 2026-04-15)
CAMILLE, CLAIRE = 4, 1
NOT_COUNTED = "il ne compte comme visite qu’avec son compte rendu"


def _stop(page: str, account: int) -> str:
    """The day page's stop of ``account`` (its ``<li>``)."""
    found = re.search(rf'<li class="stop [^"]*" data-account="{account}".*?</li>', page, re.S)
    assert found, f"no stop for account {account}"
    return found.group(0)


def test_a_far_check_in_is_said_on_the_day_page_to_the_rep_and_the_manager(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account, lon, lat = demo_db.execute(
        text("SELECT id, ST_X(geom), ST_Y(geom) FROM accounts WHERE name = 'LAMBDA SARL'")
    ).one()
    rep = api_as(CAMILLE)
    planned = rep.post("/journee/planifier", data={"date": TUESDAY}, follow_redirects=True)
    assert planned.status_code == 200
    stop = _stop(planned.text, account)
    assert 'class="checkin"' in stop and 'class="visit-status"' in stop  # the page offers it
    assert "/static/js/visit.js" in planned.text
    assert "Pointage à distance" not in stop

    # from Nice, about 11 km west, during the appointment
    answer = rep.post(
        "/api/visits",
        json={
            "account_id": account,
            "client_key": "far-day-0001",
            "at": f"{TUESDAY}T10:05:00+02:00",
            "lon": lon - 0.14,
            "lat": lat,
        },
    )
    assert answer.status_code == 201, answer.text
    visit = answer.json()
    assert visit["far_from_account"] is True and visit["counts"] is False
    km = f"{visit['distance_m'] / 1000:.1f}".replace(".", ",")
    said = (
        f"Pointage à distance ({km} km du compte) : {NOT_COUNTED}. "
        "Vérifiez l’adresse ou le lieu du compte."
    )
    assert visit["warning"] == said  # what visit.js shows on the stop, as it is

    stop = _stop(rep.get(f"/journee?date={TUESDAY}").text, account)
    assert said in stop and "far-checkin" in stop
    manager = _stop(api_as(CLAIRE).get(f"/journee?date={TUESDAY}&rep={CAMILLE}").text, account)
    assert said in manager and 'class="checkin"' not in manager

    # the report written, the visit counts: the stop says so, still at a distance
    reported = rep.post(
        "/api/visits",
        json={"account_id": account, "client_key": "far-day-0001", "report": "Vu au bureau."},
    ).json()
    counted = f"Pointage à distance ({km} km du compte) : compté comme visite, compte rendu rédigé."
    assert reported["counts"] is True and reported["warning"] == counted
    assert counted in _stop(rep.get(f"/journee?date={TUESDAY}").text, account)


def test_the_far_warning_is_in_the_reader_s_language(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account, lon, lat = demo_db.execute(
        text("SELECT id, ST_X(geom), ST_Y(geom) FROM accounts WHERE name = 'LAMBDA SARL'")
    ).one()
    rep = api_as(CAMILLE)
    answer = rep.post(
        "/api/visits?lang=en",
        json={"account_id": account, "client_key": "far-day-en01", "lon": lon - 0.14, "lat": lat},
    ).json()
    km = f"{answer['distance_m'] / 1000:.1f}"
    assert answer["warning"] == (
        f"Remote check-in ({km} km from the account): it counts as a visit only with its "
        "report. Check the account’s address or location."
    )
    near = rep.post(
        "/api/visits",
        json={"account_id": account, "client_key": "near-day-0001", "lon": lon, "lat": lat},
    ).json()
    assert near["far_from_account"] is False and near["warning"] is None
