"""Appointments API on the demo company: book, move, cancel; clashes refused; who may touch what."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, NewProposal
from tests.web import PASSWORD, ClientFactory, make_client

CAMILLE, JULIEN = 4, 5
DAY = "2026-06-10"  # a Wednesday without demo appointments
MONACO = {"lon": 7.4246, "lat": 43.7384}  # Place du Casino
BEAUSOLEIL = {"lon": 7.4236, "lat": 43.7425}
PARIS_POINT = {"lon": 2.3522, "lat": 48.8566}


def book(client: Any, **fields: Any) -> Any:
    body = {"date": DAY, "time": "09:00", "duration_minutes": 60, **MONACO} | fields
    return client.post("/api/appointments", json=body)


def count(db: Session, rep_id: int = CAMILLE) -> int:
    return int(
        db.execute(
            text("SELECT count(*) FROM appointments WHERE rep_id = :r"), {"r": rep_id}
        ).scalar_one()
    )


def test_rep_books_moves_and_cancels_an_appointment(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(CAMILLE)
    created = book(camille, title="Salon du café", note="Stand 12, apporter le catalogue")
    assert created.status_code == 201, created.text
    a = created.json()
    assert (a["rep_id"], a["date"], a["time"], a["end_time"]) == (CAMILLE, DAY, "09:00", "10:00")
    assert a["starts_at"] == "2026-06-10T09:00:00+02:00" and a["sequence"] == 0
    stored = demo_db.execute(
        text(
            "SELECT starts_at, ends_at, note, status, ST_X(geom) AS lon FROM appointments"
            " WHERE id = :i"
        ),
        {"i": a["id"]},
    ).one()
    assert stored.starts_at == dt.datetime(2026, 6, 10, 7, 0, tzinfo=dt.UTC)
    assert stored.note == "Stand 12, apporter le catalogue" and stored.status == "confirmed"
    assert abs(stored.lon - MONACO["lon"]) < 1e-9

    moved = camille.patch(
        f"/api/appointments/{a['id']}", json={"time": "14:15", "duration_minutes": 30}
    )
    assert moved.status_code == 200, moved.text
    m = moved.json()
    assert (m["time"], m["end_time"], m["sequence"]) == ("14:15", "14:45", 1)
    assert m["note"] == "Stand 12, apporter le catalogue", "fields not sent stay"
    listed = camille.get("/api/appointments", params={"from": DAY, "to": DAY}).json()
    assert [(x["id"], x["time"]) for x in listed] == [(a["id"], "14:15")]

    cancelled = camille.delete(f"/api/appointments/{a['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (
        demo_db.execute(
            text("SELECT status FROM appointments WHERE id = :i"), {"i": a["id"]}
        ).scalar_one()
        == "cancelled"
    ), "cancelling keeps the row"
    assert camille.get("/api/appointments", params={"from": DAY, "to": DAY}).json() == []
    both = camille.get(
        "/api/appointments", params={"from": DAY, "to": DAY, "include_cancelled": "true"}
    ).json()
    assert [x["status"] for x in both] == ["cancelled"]
    again = camille.patch(f"/api/appointments/{a['id']}", json={"time": "16:00"})
    assert again.status_code == 409 and "annulé" in again.json()["detail"]


def test_an_appointment_at_an_account_takes_its_name_address_and_point(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = demo_db.execute(
        text(
            "SELECT a.id, a.name, a.city, ST_X(a.geom) AS lon FROM accounts a"
            " JOIN account_assignments s ON s.account_id = a.id"
            " WHERE s.owner_id = 4 AND a.geom IS NOT NULL ORDER BY a.id LIMIT 1"
        )
    ).one()
    created = api_as(CAMILLE).post(
        "/api/appointments",
        json={"date": DAY, "time": "11:00", "duration_minutes": 45, "account_id": account.id},
    )
    assert created.status_code == 201, created.text
    a = created.json()
    assert (a["account_id"], a["account_name"], a["title"]) == (
        account.id,
        account.name,
        account.name,
    )
    assert account.city in a["address"] and abs(a["lon"] - account.lon) < 1e-9


def test_an_address_alone_is_placed_at_its_commune(api_as: ClientFactory) -> None:
    created = book(api_as(CAMILLE), address="8 avenue Jean Médecin, 06000 Nice", lon=None, lat=None)
    assert created.status_code == 201, created.text
    assert abs(created.json()["lon"] - 7.26) < 0.05 and abs(created.json()["lat"] - 43.70) < 0.05
    nowhere = book(api_as(CAMILLE), time="15:00", address="quelque part", lon=None, lat=None)
    assert nowhere.status_code == 422 and nowhere.json()["field"] == "address"


def test_an_overlap_is_refused_in_french_and_nothing_is_stored(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(CAMILLE)
    assert book(camille, title="Point A").status_code == 201
    before = count(demo_db)
    refused = book(camille, time="09:30", title="Point B")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "Ce créneau (09:30–10:30) chevauche le rendez-vous « Point A » du 10/06/2026 de 09:00 à 10:00."
    )
    assert count(demo_db) == before
    other = book(camille, time="11:00", title="Point C").json()
    onto = camille.patch(f"/api/appointments/{other['id']}", json={"time": "08:30"})
    assert onto.status_code == 409 and "« Point A »" in onto.json()["detail"]
    assert camille.get(f"/api/appointments/{other['id']}").json()["time"] == "11:00"


def test_paris_half_an_hour_after_monaco_cannot_be_reached(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(CAMILLE)
    assert book(camille, title="Casino de Monte-Carlo").status_code == 201
    before = count(demo_db)
    refused = book(camille, time="10:30", title="Salon à Paris", **PARIS_POINT)
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail.startswith(
        "Impossible d’arriver à 10:30 : le rendez-vous « Casino de Monte-Carlo » (09:00–10:00)"
        " finit à 10:00 et il faut "
    )
    assert count(demo_db) == before
    # and the other way round: Paris first, then Monaco in the afternoon
    assert (
        book(
            camille, time="13:00", title="Salon à Paris", date="2026-06-11", **PARIS_POINT
        ).status_code
        == 201
    )
    late = book(camille, time="15:00", title="Retour Monaco", date="2026-06-11")
    assert late.status_code == 409 and "« Salon à Paris »" in late.json()["detail"]
    # the next one: booking before an appointment too far away to reach after it
    early = book(
        camille,
        time="08:00",
        duration_minutes=30,
        title="Café à Paris",
        date="2026-06-10",
        **PARIS_POINT,
    )
    assert (
        early.status_code == 409
        and "rendez-vous suivant « Casino de Monte-Carlo »" in early.json()["detail"]
    )
    # next door, with the driving time in between, is fine
    assert book(camille, time="10:20", title="Beausoleil", **BEAUSOLEIL).status_code == 201


def test_a_rep_cannot_touch_another_reps_appointment(
    api_as: ClientFactory, demo_db: Session
) -> None:
    julien_id = demo_db.execute(
        text("SELECT id FROM appointments WHERE rep_id = 5 ORDER BY id LIMIT 1")
    ).scalar_one()
    camille = api_as(CAMILLE)
    assert camille.get(f"/api/appointments/{julien_id}").status_code == 403
    assert (
        camille.patch(f"/api/appointments/{julien_id}", json={"time": "16:00"}).status_code == 403
    )
    assert camille.delete(f"/api/appointments/{julien_id}").status_code == 403
    assert (
        camille.get("/api/appointments", params={"from": DAY, "to": DAY, "rep": JULIEN}).status_code
        == 403
    )
    assert book(camille, rep_id=JULIEN).status_code == 403
    assert camille.get("/api/appointments/999999").status_code == 404
    row = demo_db.execute(
        text("SELECT status, sequence FROM appointments WHERE id = :i"), {"i": julien_id}
    ).one()
    assert tuple(row) == ("confirmed", 0)
    assert api_as(2).delete(f"/api/appointments/{julien_id}").status_code == 403  # dispatcher


def test_managers_their_team_only_admins_all(api_as: ClientFactory, demo_db: Session) -> None:
    made = book(api_as(1), rep_id=CAMILLE, title="Posé par Claire")
    assert made.status_code == 201 and made.json()["rep_id"] == CAMILLE
    demo_db.execute(
        text(
            "INSERT INTO users (email, full_name, role, password_hash)"
            " SELECT 'marc.autre@cafes-riviera.fr', 'Marc Autre', 'manager', password_hash"
            " FROM users WHERE id = 1"
        )
    )
    other = make_client(demo_db)
    token = other.post(
        "/api/auth/login", json={"email": "marc.autre@cafes-riviera.fr", "password": PASSWORD}
    ).json()["token"]
    other.headers["Authorization"] = f"Bearer {token}"
    assert (
        other.patch(f"/api/appointments/{made.json()['id']}", json={"time": "12:00"}).status_code
        == 403
    )
    assert (
        api_as(3)
        .patch(f"/api/appointments/{made.json()['id']}", json={"time": "12:00"})
        .status_code
        == 200
    )


def test_nine_oclock_on_the_clock_change_sundays(api_as: ClientFactory, demo_db: Session) -> None:
    camille = api_as(CAMILLE)
    expected = {
        "2026-03-28": ("+01:00", dt.datetime(2026, 3, 28, 8, tzinfo=dt.UTC)),
        "2026-03-29": ("+02:00", dt.datetime(2026, 3, 29, 7, tzinfo=dt.UTC)),
        "2026-10-25": ("+01:00", dt.datetime(2026, 10, 25, 8, tzinfo=dt.UTC)),
    }
    for day, (offset, utc) in expected.items():
        made = book(camille, date=day)
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["time"] == "09:00" and body["starts_at"] == f"{day}T09:00:00{offset}"
        stored = demo_db.execute(
            text("SELECT starts_at FROM appointments WHERE id = :i"), {"i": body["id"]}
        ).scalar_one()
        assert stored == utc
        listed = camille.get("/api/appointments", params={"from": day, "to": day}).json()
        assert [x["time"] for x in listed] == ["09:00"]
    skipped = book(camille, date="2026-03-29", time="02:30")
    assert skipped.status_code == 422 and skipped.json()["field"] == "time"
    assert "n’existe pas" in skipped.json()["detail"]
    with_offset = book(camille, date="2026-06-12", time="09:00:00+02:00")
    assert with_offset.status_code == 422 and with_offset.json()["field"] == "time"


def test_the_planner_ignores_cancelled_appointments(api_as: ClientFactory) -> None:
    camille = api_as(CAMILLE)
    tuesday = "2026-04-21"  # Camille's 10:00 at LAMBDA SARL
    made = book(
        camille, date=tuesday, time="15:00", duration_minutes=45, title="Dégustation", **BEAUSOLEIL
    )
    assert made.status_code == 201, made.text
    appointment = made.json()["id"]
    planned = camille.post("/api/planning/day", json={"day": tuesday, "time_limit_s": 1})
    assert planned.status_code == 200, planned.text
    assert appointment in planned.json()["request"]["appointments"]
    assert camille.delete(f"/api/appointments/{appointment}").status_code == 200
    again = camille.post("/api/planning/day", json={"day": tuesday, "time_limit_s": 1})
    assert again.status_code == 200, again.text
    assert appointment not in again.json()["request"]["appointments"]
    assert again.json()["request"]["appointments"], "the demo appointment is still planned"
    stops = [s for d in again.json()["result"]["days"] for s in d["stops"]]
    assert all(s.get("appointment_id") != appointment for s in stops)


def test_moving_an_appointment_from_a_proposal_keeps_the_link(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account_id = demo_db.execute(
        text(
            "SELECT s.account_id FROM account_assignments s JOIN accounts a ON a.id = s.account_id"
            " WHERE s.owner_id = 4 AND a.geom IS NOT NULL ORDER BY 1 LIMIT 1"
        )
    ).scalar_one()
    start = dt.datetime(2026, 6, 9, 14, 0, tzinfo=PARIS)
    plan_id = plans.save_plan(
        demo_db,
        rep_id=CAMILLE,
        kind="day",
        day=start.date(),
        end_day=None,
        request={"rep_id": CAMILLE},
        result={},
        created_by=CAMILLE,
        proposals=[NewProposal(account_id, start, start + dt.timedelta(minutes=30), 7.0, 4.0)],
    )
    camille = api_as(CAMILLE)
    proposal = plans.get_plan(demo_db, plan_id).proposals[0]
    decision = camille.post(
        f"/api/planning/proposals/{proposal.id}/decision", json={"accept": True}
    )
    appointment = decision.json()["appointment_id"]
    assert camille.get(f"/api/appointments/{appointment}").json()["proposal_id"] == proposal.id
    moved = camille.patch(f"/api/appointments/{appointment}", json={"date": DAY, "time": "16:00"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["date"], moved.json()["time"]) == (DAY, "16:00")
    assert moved.json()["proposal_id"] == proposal.id
    assert (
        demo_db.execute(
            text("SELECT proposal_id FROM appointments WHERE id = :i"), {"i": appointment}
        ).scalar_one()
        == proposal.id
    )


def test_bad_input_names_the_field(api_as: ClientFactory) -> None:
    camille = api_as(CAMILLE)
    assert book(camille, duration_minutes=0).status_code == 422
    nowhere = camille.post(
        "/api/appointments", json={"date": DAY, "time": "09:00", "duration_minutes": 30}
    )
    assert nowhere.status_code == 422 and nowhere.json()["field"] == "place"
    backwards = camille.get("/api/appointments", params={"from": DAY, "to": "2026-06-01"})
    assert backwards.status_code == 422 and backwards.json()["field"] == "to"


def test_an_appointment_past_midnight_is_refused_naming_its_end_and_nothing_is_stored(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """QA 22: 23:30 for 720 min was booked « 23:30–11:30 » on one day, invisible on the next
    one's agenda and plan, yet refusing bookings there."""
    camille = api_as(CAMILLE)
    before = count(demo_db)
    late = book(camille, time="23:30", duration_minutes=720, title="Nuit")
    assert late.status_code == 422, late.text
    assert late.json()["field"] == "duration_minutes"
    assert "finirait le lendemain à 11:30" in late.json()["detail"]
    assert count(demo_db) == before
    until_midnight = book(camille, time="23:00", duration_minutes=60, title="Jusqu’à minuit")
    assert until_midnight.status_code == 201, until_midnight.text  # ends at 00:00: that day
    kept = book(camille, time="20:00", duration_minutes=60, title="Soir").json()
    moved = camille.patch(f"/api/appointments/{kept['id']}", json={"duration_minutes": 300})
    assert moved.status_code == 422 and "lendemain à 01:00" in moved.json()["detail"]
    assert camille.get(f"/api/appointments/{kept['id']}").json()["time"] == "20:00"
