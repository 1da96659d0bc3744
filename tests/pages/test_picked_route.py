"""A day through accounts the rep ticked: every one visited, each with its slot, from the
phone's position; another rep's account is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.errors import Forbidden
from fieldcrm.geo import GeoPoint
from fieldcrm.services import planning
from tests.web import ClientFactory

DAY = dt.date(2026, 4, 16)


def _picked(db: Session, owner: int, n: int) -> list[int]:
    """``n`` of the rep's located accounts, opened all week for the test."""
    ids = list(
        db.execute(
            text("""SELECT a.id FROM accounts a JOIN account_assignments s ON s.account_id = a.id
                    WHERE s.owner_id = :o AND a.geocode_status IN ('matched', 'manual')
                    ORDER BY a.id LIMIT :n"""),
            {"o": owner, "n": n},
        ).scalars()
    )
    db.execute(text("UPDATE accounts SET opening_hours = NULL WHERE id = ANY(:ids)"), {"ids": ids})
    return ids


def test_every_picked_account_is_visited_with_a_slot_from_my_position(demo_db: Session) -> None:
    picked = _picked(demo_db, 4, 4)
    plan = planning.plan_picked(
        demo_db,
        actor=Actor(4, Role.REP),
        rep_id=4,
        day=DAY,
        account_ids=picked,
        start=GeoPoint(7.4246, 43.7384),
        depart_s=10 * 3600,
        time_limit_s=2,
        settings=Settings(_env_file=None),
    )
    doc = planning.plan_json(plan)
    visited = {p["account_id"] for p in doc["proposals"]}
    assert visited == set(picked)
    day = doc["result"]["days"][0]
    stops = day["stops"]
    leaves = dt.datetime.fromisoformat(day["departure"])
    assert (leaves.hour, leaves.minute) >= (10, 0)  # not before the time asked, from here
    assert all(
        dt.datetime.fromisoformat(p["slot_start"]) <= dt.datetime.fromisoformat(p["slot_end"])
        for p in doc["proposals"]
    )
    assert stops  # the day is planned, not empty


def test_another_reps_account_is_refused(demo_db: Session) -> None:
    mine, theirs = _picked(demo_db, 4, 1), _picked(demo_db, 5, 1)
    with pytest.raises(Forbidden):  # a rep reads only their own and unassigned accounts
        planning.plan_picked(
            demo_db,
            actor=Actor(4, Role.REP),
            rep_id=4,
            day=DAY,
            account_ids=[*mine, *theirs],
            settings=Settings(_env_file=None),
        )


def test_the_nearby_page_sends_ticked_accounts_to_the_day(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    page = camille.get("/autour", params={"lon": 7.4246, "lat": 43.7384, "rayon": 25000})
    assert 'action="/itineraire"' in page.text and 'name="account_ids"' in page.text
    answer = camille.post(
        "/itineraire",
        data={"account_ids": _picked(demo_db, 4, 2), "lon": 7.4246, "lat": 43.7384},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[answer.text.find("<main") :][:900]
    assert answer.headers["location"].startswith("/journee?date=")


def test_the_day_sends_the_whole_route_to_google_maps_in_one_tap(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """After a route through ticked accounts, "Ma journée" links the whole route as one
    multi-stop Google Maps link (each stop keeps its own Waze link)."""
    import html as html_lib

    picked = _picked(demo_db, 4, 3)
    planning.plan_picked(
        demo_db,
        actor=Actor(4, Role.REP),
        rep_id=4,
        day=DAY,
        account_ids=picked,
        time_limit_s=2,
        settings=Settings(_env_file=None),
    )
    page = html_lib.unescape(api_as(4).get("/journee", params={"date": DAY.isoformat()}).text)
    link = re.search(r'id="whole-route"><a class="button" rel="noopener" href="([^"]+)"', page)
    assert link, page[page.find("<main") :][:1500]
    waypoints = link.group(1).split("waypoints=")[1].split("%7C")
    points = demo_db.execute(
        text("SELECT ST_Y(geom), ST_X(geom) FROM accounts WHERE id = ANY(:ids)"), {"ids": picked}
    ).all()
    for lat, lon in points:  # every ticked account is a stop of the link
        assert any(
            abs(float(w.split(",")[0]) - lat) < 1e-5 and abs(float(w.split(",")[1]) - lon) < 1e-5
            for w in waypoints
        )
    assert page.count("waze.com/ul?ll=") >= len(picked)


def test_a_ticked_account_closed_that_day_is_left_out_and_said_so(demo_db: Session) -> None:
    """LAMBDA SARL closed on the chosen day: the others are planned, it is listed as closed."""
    picked = _picked(demo_db, 4, 3)
    demo_db.execute(
        text("""UPDATE accounts SET opening_hours = '{"mon": [], "tue": [], "wed": [],
                "thu": [], "fri": [], "sat": [], "sun": []}' WHERE id = :id"""),
        {"id": picked[0]},
    )
    plan = planning.plan_picked(
        demo_db,
        actor=Actor(4, Role.REP),
        rep_id=4,
        day=DAY,
        account_ids=picked,
        time_limit_s=2,
        settings=Settings(_env_file=None),
    )
    doc = planning.plan_json(plan)
    assert {p["account_id"] for p in doc["proposals"]} == set(picked[1:])
    omitted = {o.get("account_id"): o for o in doc["result"]["omissions"]}
    assert omitted[picked[0]]["reason"] == "closed", omitted


def test_the_accounts_list_sends_ticked_accounts_to_the_day_from_home(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    page = camille.get("/comptes").text
    assert 'form="route-form"' in page and 'action="/itineraire"' in page
    assert 'form="route-form"' not in api_as(1).get("/comptes").text  # reps plan their own
    answer = camille.post(
        "/itineraire", data={"account_ids": _picked(demo_db, 4, 2)}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"].startswith("/journee?date=")


def _ticked_at(
    api_as: ClientFactory,
    demo_db: Session,
    monkeypatch: pytest.MonkeyPatch,
    at: dt.datetime,
    n: int = 2,
) -> tuple[list[int], object]:
    """Camille ticks her first ``n`` accounts near Monaco and asks for the route at ``at``
    (the planning clock the page reads)."""
    from fieldcrm.services import plan_dates

    monkeypatch.setattr(plan_dates, "now", lambda: at)
    ids = _picked(demo_db, 4, n)
    answer = api_as(4).post(
        "/itineraire",
        data={"account_ids": ids, "lon": 7.4246, "lat": 43.7384},
        follow_redirects=False,
    )
    return ids, answer


def test_the_route_is_for_today_by_the_planning_clock_and_from_home_tomorrow_once_over(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page reads the one planning clock (CI met the wall clock: at 16:25 in Paris the
    same test asked for today's last two hours and was refused): on Monday 20 April 2026
    at 9:25 the route is today's from the phone, at 18:26 (she could not leave before her
    18:30 return) Tuesday's from home."""
    paris = dt.timezone(dt.timedelta(hours=2))
    _, morning = _ticked_at(
        api_as, demo_db, monkeypatch, dt.datetime(2026, 4, 20, 9, 25, tzinfo=paris)
    )
    assert morning.status_code == 303 and morning.headers["location"] == "/journee?date=2026-04-20"
    _, evening = _ticked_at(
        api_as, demo_db, monkeypatch, dt.datetime(2026, 4, 20, 18, 26, tzinfo=paris)
    )
    assert evening.status_code == 303 and evening.headers["location"] == "/journee?date=2026-04-21"


@pytest.mark.parametrize(
    "work_end, at, day",
    [
        # her day ends at 16:30: at 16:45 tomorrow's route, not « la journée … est finie »
        (dt.time(16, 30), dt.time(16, 45), "2026-04-21"),
        # her day ends at 19:00: at 17:30 still today's route, not tomorrow's
        (dt.time(19, 0), dt.time(17, 30), "2026-04-20"),
    ],
)
def test_the_route_moves_to_tomorrow_by_the_reps_own_hours_not_at_five(
    api_as: ClientFactory,
    demo_db: Session,
    monkeypatch: pytest.MonkeyPatch,
    work_end: dt.time,
    at: dt.time,
    day: str,
) -> None:
    """« Itinéraire » plans today as long as the service would (one rule,
    :func:`fieldcrm.services.planning_build.day_over`), by the rep's own return."""
    demo_db.execute(text("UPDATE users SET work_end = :e WHERE id = 4"), {"e": work_end})
    paris = dt.timezone(dt.timedelta(hours=2))
    moment = dt.datetime.combine(dt.date(2026, 4, 20), at, tzinfo=paris)
    _, answer = _ticked_at(api_as, demo_db, monkeypatch, moment, n=1)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/journee?date={day}"


def test_accounts_that_do_not_fit_in_the_hours_left_today_are_refused_by_name_of_the_hours(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 16:25 the two ticked accounts (an hour's visit each, from Monaco) do not fit before
    the 18:30 return: the refusal says which hours it tried and what to do, not « Aucun plan
    ne respecte … les rendez-vous fixes » on a day without any; nothing is stored."""
    paris = dt.timezone(dt.timedelta(hours=2))
    before = demo_db.execute(text("SELECT count(*) FROM plans")).scalar_one()
    _, answer = _ticked_at(
        api_as, demo_db, monkeypatch, dt.datetime(2026, 4, 20, 16, 25, tzinfo=paris)
    )
    assert answer.status_code == 422, answer.text
    assert (
        "Aucun plan ne passe par tous les comptes demandés entre 16:30 et 18:30 (visites, route"
        " et heures d’ouverture) : retirez-en, ou planifiez un autre jour." in answer.text
    )
    assert demo_db.execute(text("SELECT count(*) FROM plans")).scalar_one() == before
