"""The rep's calendar feed: what a calendar app reads equals the agenda; revoked means gone."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.services import calendar_feed
from fieldcrm.store.plans import PARIS
from tests.web import TEST_SECRET, ClientFactory

CAMILLE = 4


def _soon(days: int) -> str:
    """A local day near the real today, inside the feed's window whenever the tests run."""
    return (dt.datetime.now(PARIS).date() + dt.timedelta(days=days)).isoformat()


def _feed_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _events(anonymous: TestClient, path: str) -> dict[str, Any]:
    response = anonymous.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.text)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_the_feed_equals_the_agenda_and_follows_a_move(
    api_as: ClientFactory, anonymous: TestClient, demo_db: Session
) -> None:
    camille = api_as(CAMILLE)
    first, last = _soon(2), _soon(3)
    made = [
        camille.post(
            "/api/appointments",
            json={
                "date": first,
                "time": "09:00",
                "duration_minutes": 60,
                "lon": 7.4246,
                "lat": 43.7384,
                "title": "Casino, salle « Europe »; 2e étage",
                "address": "Place du Casino, 98000 Monaco",
                "note": "Badge à l'accueil\nCode 42",
            },
        ),
        camille.post(
            "/api/appointments",
            json={
                "date": last,
                "time": "14:30",
                "duration_minutes": 45,
                "lon": 7.4236,
                "lat": 43.7425,
                "title": "Beausoleil",
            },
        ),
        camille.post(
            "/api/appointments",
            json={
                "date": last,
                "time": "17:00",
                "duration_minutes": 30,
                "lon": 7.4236,
                "lat": 43.7425,
                "title": "Annulé ensuite",
            },
        ),
    ]
    assert [m.status_code for m in made] == [201, 201, 201]
    camille.delete(f"/api/appointments/{made[2].json()['id']}")
    feed = camille.post("/api/calendar/feed")
    assert feed.status_code == 201
    path = _feed_path(feed.json()["url"])
    token = path.split("token=")[1]
    assert (
        demo_db.execute(
            text("SELECT count(*) FROM calendar_feeds WHERE token_digest = convert_to(:t, 'UTF8')"),
            {"t": token},
        ).scalar_one()
        == 0
    ), "only a digest is stored"

    events = _events(anonymous, path)
    agenda = camille.get("/api/appointments", params={"from": first, "to": last}).json()
    assert len(agenda) == 2
    assert set(events) == {f"fieldcrm-appointment-{a['id']}" for a in agenda}
    for a in agenda:
        event = events[f"fieldcrm-appointment-{a['id']}"]
        assert event.decoded("DTSTART") == dt.datetime.fromisoformat(a["starts_at"])
        assert event.decoded("DTEND") == dt.datetime.fromisoformat(a["ends_at"])
        assert str(event["SUMMARY"]) == a["title"]
    casino = events[f"fieldcrm-appointment-{made[0].json()['id']}"]
    assert str(casino["LOCATION"]) == "Place du Casino, 98000 Monaco"
    assert str(casino["DESCRIPTION"]) == "Badge à l'accueil\nCode 42"
    # Camille's demo appointments (April 2026) are outside the window; nobody else's are in
    assert all(uid.startswith("fieldcrm-appointment-") for uid in events)

    moved_id = made[1].json()["id"]
    before = events[f"fieldcrm-appointment-{moved_id}"]
    assert camille.patch(f"/api/appointments/{moved_id}", json={"time": "16:00"}).status_code == 200
    after = _events(anonymous, path)[f"fieldcrm-appointment-{moved_id}"]
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == dt.timedelta(minutes=90)
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_a_revoked_or_unknown_token_is_404(api_as: ClientFactory, anonymous: TestClient) -> None:
    camille = api_as(CAMILLE)
    first = _feed_path(camille.post("/api/calendar/feed").json()["url"])
    assert anonymous.get(first).status_code == 200
    assert camille.get("/api/calendar/feed").json()["active"] is True
    second = _feed_path(camille.post("/api/calendar/feed").json()["url"])
    assert anonymous.get(first).status_code == 404, "regenerating ends the old address"
    assert anonymous.get(second).status_code == 200
    assert camille.delete("/api/calendar/feed").status_code == 204
    assert anonymous.get(second).status_code == 404
    assert camille.get("/api/calendar/feed").json() == {"active": False, "created_at": None}
    assert anonymous.get("/api/calendar/feed.ics?token=not-a-token").status_code == 404
    assert anonymous.get("/api/calendar/feed.ics").status_code == 404


def test_only_the_rep_manages_the_feed(api_as: ClientFactory) -> None:
    assert api_as(CAMILLE).post("/api/calendar/feed", params={"rep": 5}).status_code == 403
    assert api_as(1).post("/api/calendar/feed", params={"rep": CAMILLE}).status_code == 403
    assert api_as(3).delete("/api/calendar/feed", params={"rep": CAMILLE}).status_code == 204


def test_clock_change_sundays_in_the_feed(api_as: ClientFactory, demo_db: Session) -> None:
    camille = api_as(CAMILLE)
    for day in ("2026-03-29", "2026-10-25"):
        made = camille.post(
            "/api/appointments",
            json={"date": day, "time": "09:00", "duration_minutes": 60, "lon": 7.42, "lat": 43.74},
        )
        assert made.status_code == 201, made.text
    settings = Settings(secret_key=TEST_SECRET, _env_file=None)
    token, _ = calendar_feed.create_feed(demo_db, actor=_actor(), rep_id=CAMILLE, settings=settings)
    for day, utc in (("2026-03-29", "20260329T070000Z"), ("2026-10-25", "20261025T080000Z")):
        now = dt.datetime.fromisoformat(f"{day}T12:00:00+00:00")
        body = calendar_feed.feed_ics(demo_db, token=token, settings=settings, now=now)
        assert f"DTSTART:{utc}\r\n" in body
        starts = [
            e.decoded("DTSTART").astimezone(PARIS)
            for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
            if e.decoded("DTSTART").astimezone(PARIS).date().isoformat() == day
        ]
        assert [s.strftime("%H:%M") for s in starts] == ["09:00"]


def _actor():  # type: ignore[no-untyped-def]
    from fieldcrm.auth.roles import Actor, Role

    return Actor(id=CAMILLE, role=Role.REP)
