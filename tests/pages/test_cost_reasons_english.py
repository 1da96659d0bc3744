"""The travel-cost report's places and legs « à vérifier » read English on /frais?lang=en:
every reason :func:`fieldcrm.costs.plausible.plausible_day` can write is worded through the
catalogue (:func:`fieldcrm.http.reason_text.cost_reason`); French readers read it as stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as html_lib
import itertools
import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.costs.plausible import Legs, VisitStop, plausible_day
from fieldcrm.geo import GeoPoint
from fieldcrm.pages.templating import _ENV
from fieldcrm.services import costs, visits
from tests.web import ClientFactory

PARIS_TZ = ZoneInfo("Europe/Paris")
DAY = dt.date(2026, 12, 7)
HOME = GeoPoint(7.26, 43.71)
A, B, C = GeoPoint(7.40, 43.72), GeoPoint(2.35, 48.85), GeoPoint(4.83, 45.76)
FRENCH = re.compile(
    r"trajet|non compté|de route|journée|pointage|aucun|vérifier|domicile|hôtel|"
    r"invraisemblable|dépasserait|localisé|visite|arrivée|au plus|reste|compte rendu"
)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=PARIS_TZ)


def stop(
    when: dt.datetime,
    point: GeoPoint | None,
    name: str,
    *,
    doubtful: bool = False,
    counts: bool = True,
) -> VisitStop:
    account = sum(map(ord, name))
    return VisitStop(when, point, account, 30, account_name=name, doubtful=doubtful, counts=counts)


Table = dict[tuple[GeoPoint, GeoPoint], tuple[float, float]]


def legs_of(table: Table) -> Legs:
    """A provider answering (hours, km) from a place to another (either way unless the table
    says the way back); nothing between a place and itself."""

    def legs(points: Sequence[GeoPoint]) -> list[tuple[int, float]]:
        out = []
        for a, b in itertools.pairwise(points):
            hours, km = table.get((a, b)) or table.get((b, a)) or (0.0, 0.0)
            out.append((round(hours * 3600), km * 1000))
        return out

    return legs


def reasons() -> list[str]:
    """Every shape of reason a day's drive lists, one crafted day each."""
    found: list[str] = []

    def day(
        stops: list[VisitStop],
        table: Table,
        start: GeoPoint = HOME,
        end: GeoPoint = HOME,
        labels: tuple[str, str] = ("domicile", "domicile"),
    ) -> None:
        drive = plausible_day(DAY, start, stops, end, legs_of(table), labels=labels)
        found.extend(c.reason for c in drive.to_check)

    # unlocated and untrusted places
    day([stop(at(9), None, "Bar Sans Lieu"), stop(at(10), A, "Café Douteux", doubtful=True)], {})
    # a check-in the road cannot reach in the time, without its report
    day(
        [stop(at(9), A, "Bar du Port"), stop(at(9, 40), B, "ZETA Distribution", counts=False)],
        {(A, B): (9.0, 900.0), (HOME, A): (0.3, 20.0)},
    )
    # a leg faster than any road
    day([stop(at(9), A, "Bar du Port")], {(HOME, A): (1.0, 500.0)})
    # a day too long for its drives home
    day(
        [stop(at(9), B, "Cave Nord"), stop(at(10), C, "Cave Rhône")],
        {
            (HOME, B): (7.5, 600.0),
            (B, C): (0.5, 50.0),
            (HOME, C): (7.0, 560.0),
        },
    )
    # more kilometres than a day adds (from and back to a hotel)
    day(
        [stop(at(6), A, "Bar du Port"), stop(at(12), B, "Cave Nord")],
        {(A, B): (5.85, 760.0), (B, A): (5.95, 770.0)},
        start=A,
        end=A,
        labels=("hôtel", "hôtel"),
    )
    # the day's only check-in made 690 km from its account, out of the day's reach (a GPS
    # glitch), without its report
    glitch = stop(at(14, 31), B, "ZETA Distribution", counts=False)
    day([dataclasses.replace(glitch, distance_m=690_000.0)], {(HOME, B): (9.0, 900.0)})
    return found


def test_every_cost_reason_reads_english_and_french_as_stored() -> None:
    cost_reason = _ENV.filters["cost_reason"]  # the filter costs.html prints them with
    stored = reasons()
    assert len(stored) == 8, stored
    english = [cost_reason(r, "en") for r in stored]
    for french, worded in zip(stored, english, strict=True):
        assert cost_reason(french, "fr") == french
        assert not FRENCH.search(worded), worded
    assert english[0] == "account not located: no kilometre counted"
    assert english[1] == "position to check: no kilometre counted"
    assert english[2] == (
        "trip Bar du Port → ZETA Distribution of 900 km not counted: 9 h of driving for 35 min"
        " between the end of the previous visit (09:05) and the arrival (09:40); no trip to or"
        " from this check-in counted; far check-in without a report: not counted as a visit"
    )
    assert english[3] == "trip home → Bar du Port of 500 km not counted (implausible)"
    assert english[4] == "trip Bar du Port → home of 500 km not counted (implausible)"
    assert english[5] == (
        "trip home → Cave Nord of 600 km not counted: 7 h 30 min of driving, only 4 h 55 min"
        " left in the day (13 h at most: 1 h 5 min from the first visit to the end of the"
        " last, 7 h of other trips)"
    )
    assert (
        english[6] == "trip Cave Nord → hotel of 770 km not counted: the day would exceed 1,500 km"
    )
    assert english[7].startswith(
        "check-in 690 km from its account, out of the day's reach; trip home → ZETA"
        " Distribution of 900 km not counted: 9 h of driving, only 3 h 55"
    )
    assert english[7].endswith(
        "; no trip to or from this check-in counted; far check-in without a report: not"
        " counted as a visit"
    )


def _to_check(html: str) -> list[str]:
    """The « À vérifier » list's items, as read."""
    found = re.search(r'<section class="card" id="to-check">(.*?)</section>', html, re.S)
    assert found
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def test_frais_lists_a_far_check_in_in_english_and_as_stored_in_french(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The QA's case: ZETA Distribution checked in with the phone in Paris (one minute after
    Camille's visit near Nice, an empty report)."""
    db, camille, day = demo_db, Actor(4, Role.REP), dt.date(2026, 3, 10)
    zeta = db.execute(text("SELECT id FROM accounts WHERE name = 'ZETA Distribution'")).scalar_one()
    near = db.execute(
        text("""SELECT a.id, ST_X(a.geom), ST_Y(a.geom) FROM accounts a
                JOIN account_assignments s ON s.account_id = a.id AND s.owner_id = 4
                WHERE a.geom IS NOT NULL AND a.id <> :zeta
                  AND a.geocode_status IN ('matched', 'manual')
                ORDER BY a.geom <-> (SELECT home FROM users WHERE id = 4), a.id
                LIMIT 1"""),
        {"zeta": zeta},
    ).one()
    when = dt.datetime.combine(day, dt.time(10), tzinfo=PARIS_TZ)
    visits.record_visit(
        db,
        actor=camille,
        account_id=near[0],
        client_key="en-reason-visit",
        at=when,
        point=GeoPoint(near[1], near[2]),
    )
    visits.record_visit(
        db,
        actor=camille,
        account_id=zeta,
        client_key="en-reason-glitch",
        at=when + dt.timedelta(minutes=1),
        point=GeoPoint(2.3488, 48.8534),
    )
    settings = Settings(_env_file=None, planner_detour_km=5, planner_max_candidates=12)
    costs.derive_trips(db, settings=settings, year=2026, rep_ids=[4])
    (stored,) = db.execute(
        text("""SELECT e->>'reason' FROM trips t, jsonb_array_elements(t.to_check) e
                WHERE t.rep_id = 4 AND e->>'account' = 'ZETA Distribution'
                  AND e->>'reason' IS NOT NULL AND e->>'day' = :day"""),
        {"day": day.isoformat()},
    ).scalars()
    assert stored.startswith("trajet ") and " ; aucun trajet vers ou depuis" in stored

    client = api_as(4)
    query = {"month": "2026-03", "rep": 4}
    french = [i for i in _to_check(client.get("/frais", params=query).text) if "ZETA" in i]
    assert french == [f"10/03/2026 · Camille Martin · ZETA Distribution — {stored}"]
    english = _to_check(client.get("/frais", params={**query, "lang": "en"}).text)
    (item,) = [i for i in english if "ZETA" in i]
    assert item.startswith("10 Mar 2026 · Camille Martin · ZETA Distribution — trip ")
    assert "; no trip to or from this check-in counted" in item
    assert item.endswith("; far check-in without a report: not counted as a visit")
    assert not FRENCH.search(item.partition(" — ")[2]), item
