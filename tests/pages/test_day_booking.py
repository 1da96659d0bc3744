"""Ma journée: a refused accept comes back to the day with its French reason; a chosen
minute is booked; a plan whose accounts were booked since says so and stops proposing them."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, NewProposal
from tests.services.test_day_booking import _account
from tests.web import ClientFactory

TUESDAY = dt.date(2026, 4, 21)  # Camille's 10:00 appointment at LAMBDA SARL


def _stored(db: Session, day: dt.date, hour: int, account_id: int) -> int:
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)
    plan_id = plans.save_plan(
        db,
        rep_id=4,
        kind="day",
        day=day,
        end_day=None,
        request={},
        result={},
        created_by=4,
        proposals=[NewProposal(account_id, start, start + dt.timedelta(minutes=30), 4.5, 3.0)],
    )
    return plans.get_plan(db, plan_id).proposals[0].id


def _appointments(db: Session, account_id: int) -> list[str]:
    return list(
        db.execute(
            text(
                "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI')"
                " FROM appointments WHERE account_id = :a ORDER BY starts_at"
            ),
            {"a": account_id},
        ).scalars()
    )


def test_a_refused_accept_comes_back_to_the_day_with_the_reason(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    account = _account(demo_db)
    proposal = _stored(demo_db, TUESDAY, 15, account)
    refused = client.post(
        f"/journee/propositions/{proposal}",
        data={"accept": "true", "date": TUESDAY.isoformat(), "heure": "16:00"},
        follow_redirects=False,
    )
    assert refused.status_code == 303
    assert refused.headers["location"] == f"/journee?date={TUESDAY.isoformat()}&rep=4"
    page = client.get(refused.headers["location"])
    assert page.status_code == 200
    alert = re.search(r'<p class="error" role="alert" id="day-refusal">(.*?)</p>', page.text)
    assert alert is not None
    assert "hors du créneau à réserver" in alert.group(1) and "entre 15:00 et 15:30" in alert.group(
        1
    )
    assert _appointments(demo_db, account) == [], "nothing booked"
    assert plans.get_proposal(demo_db, proposal).status == "proposed"
    # shown once: the next visit of the day has no alert
    assert 'id="day-refusal"' not in client.get(refused.headers["location"]).text
    # another user cannot make the page show a text of their own
    forged = client.get(
        refused.headers["location"], cookies={"fieldcrm_day_refusal": "QUJD.deadbeef"}
    )
    assert 'id="day-refusal"' not in forged.text


def test_the_minute_the_rep_picks_is_booked(api_as: ClientFactory, demo_db: Session) -> None:
    client = api_as(4)
    account = _account(demo_db)
    proposal = _stored(demo_db, TUESDAY, 15, account)
    done = client.post(
        f"/journee/propositions/{proposal}",
        data={"accept": "true", "date": TUESDAY.isoformat(), "heure": "15:17"},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert _appointments(demo_db, account) == ["2026-04-21 15:17"]
    assert re.search(r'<span class="ap-time">15:17–\d\d:\d\d</span> Visite', done.text)


def test_a_plan_whose_account_was_booked_since_says_so(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    account = _account(demo_db)
    thursday = TUESDAY + dt.timedelta(days=2)
    later = _stored(demo_db, thursday, 15, account)
    page = client.get(f"/journee?date={thursday.isoformat()}").text
    assert 'id="plan-booked"' not in page
    today = _stored(demo_db, TUESDAY, 15, account)
    client.post(
        f"/journee/propositions/{today}",
        data={"accept": "true", "date": TUESDAY.isoformat()},
    )
    assert _appointments(demo_db, account) == ["2026-04-21 15:00"]
    page = client.get(f"/journee?date={thursday.isoformat()}").text
    assert "Plan à recalculer : 1 compte proposé a été réservé depuis." in page
    assert 'id="replan-booked"' in page
    assert f'action="/journee/propositions/{later}"' not in page, "no longer offered"


def test_the_detour_reads_the_same_in_the_header_and_the_reason(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """Both round halves up (``half_up``): a 4.5-minute detour is 5 minutes everywhere."""
    client = api_as(4)
    client.post("/journee/planifier", data={"date": TUESDAY.isoformat()})
    plan_id = demo_db.execute(text("SELECT max(id) FROM plans WHERE rep_id = 4")).scalar_one()
    demo_db.execute(
        text("UPDATE plan_proposals SET detour_minutes = 4.5 WHERE plan_id = :p"),
        {"p": plan_id},
    )
    page = client.get(f"/journee?date={TUESDAY.isoformat()}").text
    headers = re.findall(r"à réserver \d\d:\d\d–\d\d:\d\d, détour (\d+) min", page)
    assert headers and set(headers) == {"5"}
    # the time shown is the one booked, inside the slot shown, in whole minutes
    chunks = page.split('<li class="stop candidate"')[1:]
    assert chunks
    for chunk in chunks:
        found = re.search(
            r'<span class="time">(\d\d:\d\d)</span>.*?à réserver (\d\d:\d\d)–(\d\d:\d\d)',
            chunk,
            re.S,
        )
        assert found is not None
        shown, first, last = found.groups()
        assert first <= shown <= last


def test_a_day_that_cannot_be_planned_comes_back_with_the_reason(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """An appointment in Brest at 08:05 cannot be reached from Nice: planning the day comes
    back to the day page with the planner's French reason, and no plan is stored."""
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status, geom)
               VALUES (4, 'Salon de Brest', :start, :end, 'confirmed',
                       ST_SetSRID(ST_MakePoint(-4.486, 48.390), 4326))"""
        ),
        {
            "start": dt.datetime.combine(TUESDAY, dt.time(8, 5), tzinfo=PARIS),
            "end": dt.datetime.combine(TUESDAY, dt.time(9, 0), tzinfo=PARIS),
        },
    )
    before = demo_db.execute(text("SELECT count(*) FROM plans")).scalar_one()
    client = api_as(4)
    refused = client.post(
        "/journee/planifier", data={"date": TUESDAY.isoformat()}, follow_redirects=False
    )
    assert refused.status_code == 303
    assert refused.headers["location"] == f"/journee?date={TUESDAY.isoformat()}&rep=4"
    page = client.get(refused.headers["location"])
    alert = re.search(r'<p class="error" role="alert" id="day-refusal">(.*?)</p>', page.text)
    assert alert is not None
    assert "Salon de Brest" in alert.group(1) and "injoignable" in alert.group(1)
    assert demo_db.execute(text("SELECT count(*) FROM plans")).scalar_one() == before
