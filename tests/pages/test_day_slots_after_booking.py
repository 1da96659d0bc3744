"""Ma journée after accepting a proposal off its planned minute: the next proposal shows its
slot of now (the page and the API agree), both its ends are booked, a minute outside is
refused in French; a proposal that no longer fits says why in place of its slot, cannot be
accepted (a French 409) and can still be rejected."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, PlanRow
from tests.rows import row
from tests.services.test_slots_after_booking import _pair, _undo
from tests.web import ClientFactory

TUESDAY = dt.date(2026, 4, 21)  # Camille's 10:00 appointment at LAMBDA SARL
DAY = f"/journee?date={TUESDAY.isoformat()}&rep=4"


def _planned(client: TestClient, db: Session) -> PlanRow:
    client.post("/journee/planifier", data={"date": TUESDAY.isoformat()})
    plan_id = db.execute(text("SELECT max(id) FROM plans WHERE rep_id = 4")).scalar_one()
    return plans.get_plan(db, plan_id)


def _accept(client: TestClient, proposal_id: int, heure: str) -> str:
    """Accept at ``heure`` on the page; the day page it comes back to."""
    done = client.post(
        f"/journee/propositions/{proposal_id}",
        data={"accept": "true", "date": TUESDAY.isoformat(), "heure": heure},
        follow_redirects=True,
    )
    assert done.status_code == 200
    return str(done.text)


def _stop(page: str, proposal_id: int) -> str:
    found = re.search(
        rf'<li class="stop candidate"[^>]*data-proposal="{proposal_id}">(.*?)</li>', page, re.S
    )
    assert found is not None
    return found.group(1)


def _shown_slot(page: str, proposal_id: int) -> tuple[str, str]:
    chunk = _stop(page, proposal_id)
    shown = re.search(r"à réserver (\d\d:\d\d)–(\d\d:\d\d), détour", chunk)
    assert shown is not None, chunk
    heure = re.search(
        r'name="heure" value="(\d\d:\d\d)" min="(\d\d:\d\d)" max="(\d\d:\d\d)"', chunk
    )
    assert heure is not None and heure.group(2, 3) == shown.group(1, 2)
    return shown.group(1), shown.group(2)


def _booked(db: Session, proposal_id: int) -> list[str]:
    return list(
        db.execute(
            text(
                "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') FROM appointments"
                " WHERE proposal_id = :p"
            ),
            {"p": proposal_id},
        ).scalars()
    )


def _minutes(hhmm: str, delta: int) -> str:
    t = dt.datetime.combine(TUESDAY, dt.time.fromisoformat(hhmm)) + dt.timedelta(minutes=delta)
    return t.strftime("%H:%M")


def test_the_next_slot_shown_after_an_accept_is_the_one_booked(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    a, b, slot_a = _pair(plan)
    stale = _shown_slot(client.get(DAY).text, b.id)
    picked = _minutes(slot_a.at.astimezone(PARIS).strftime("%H:%M"), 40)
    page = _accept(client, a.id, picked)
    assert _booked(demo_db, a.id) == [picked]
    first, last = _shown_slot(page, b.id)
    assert first > stale[0], "B starts later now"
    # the API shows the same slot of now
    api = client.get(f"/api/planning/day/{TUESDAY.isoformat()}").json()
    (b_json,) = [p for p in api["proposals"] if p["id"] == b.id]
    assert b_json["no_longer_fits"] is None
    bookable = b_json["bookable"]
    assert (bookable["first"][11:16], bookable["last"][11:16]) == (first, last)
    # a minute outside is refused, in French, naming the slot of now; nothing is booked
    for outside in (_minutes(first, -1), _minutes(last, 1), stale[0]):
        if first <= outside <= last:
            continue
        page = _accept(client, b.id, outside)
        alert = re.search(r'id="day-refusal">(.*?)</p>', page)
        assert alert is not None
        assert "hors du créneau à réserver" in alert.group(1)
        assert f"entre {first} et {last}" in alert.group(1)
        assert _booked(demo_db, b.id) == []
    # both ends are booked
    for end in (first, last):
        page = _accept(client, b.id, end)
        assert _booked(demo_db, b.id) == [end]
        assert 'id="day-refusal"' not in page
        _undo(demo_db, b)


def test_a_proposal_that_no_longer_fits_says_so_and_is_only_rejected(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _planned(client, demo_db)
    a, b, slot_a = _pair(plan)
    picked = _minutes(slot_a.at.astimezone(PARIS).strftime("%H:%M"), 40)
    _accept(client, a.id, picked)
    (ends,) = row(
        demo_db,
        "SELECT to_char(ends_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') FROM appointments"
        " WHERE proposal_id = :p",
        p=a.id,
    )
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (4, 'Bloqué', CAST(:start AS timestamptz), CAST(:end AS timestamptz), 'confirmed')"""
        ),
        {"start": f"{TUESDAY} {ends} Europe/Paris", "end": f"{TUESDAY} 17:30 Europe/Paris"},
    )
    said = f"Ne tient plus depuis la réservation de « Bloqué » à {ends} : replanifiez la journée."
    shown = said.replace("« ", "«\u00a0").replace(" »", "\u00a0»")  # no-break spaces on the page
    chunk = _stop(client.get(DAY).text, b.id)
    assert shown in chunk
    assert "à réserver" not in chunk and 'class="accept"' not in chunk
    assert 'name="accept" value="false"' in chunk, "it can still be rejected"
    english = _stop(client.get(DAY + "&lang=en").text, b.id)
    assert f"No longer fits since “Bloqué” was booked at {ends}: plan the day again." in english
    api = client.get(f"/api/planning/day/{TUESDAY.isoformat()}").json()
    (b_json,) = [p for p in api["proposals"] if p["id"] == b.id]
    assert b_json["no_longer_fits"] == said and b_json["bookable"] is None
    refused = client.post(f"/api/planning/proposals/{b.id}/decision", json={"accept": True})
    assert refused.status_code == 409
    assert f"« {b.account_name} » ne tient plus depuis la réservation de « Bloqué »" in (
        refused.text
    )
    assert _booked(demo_db, b.id) == []
    rejected = client.post(f"/api/planning/proposals/{b.id}/decision", json={"accept": False})
    assert rejected.status_code == 200 and rejected.json()["proposal"]["status"] == "rejected"
    chunk = _stop(client.get(DAY).text, b.id)
    assert "Refusée" in chunk and shown not in chunk
