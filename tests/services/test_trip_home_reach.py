"""A trip with no fixed appointment and no hotel plans the accounts within a day's reach of
home, and says where a national rep's valuable accounts lie (QA 17: Sophie's empty trip)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import SYSTEM
from fieldcrm.config import Settings
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.routing.reach import Spot, far_areas
from fieldcrm.services import planning
from fieldcrm.services.planning_inputs import FAR_LOOKED_AT, FRANCE
from fieldcrm.store import plans as store

SOPHIE, CAMILLE = 6, 4
FIRST, LAST = dt.date(2026, 5, 18), dt.date(2026, 5, 20)  # Monday to Wednesday
NOW = dt.datetime(2026, 4, 15, 9, 0, tzinfo=dt.UTC)


def _settings() -> Settings:
    return Settings(_env_file=None, planner_detour_km=20, planner_max_candidates=12)


def _free_trip(session: Session) -> dict[str, object]:
    """Sophie's trip of three days with no appointment (hers on those days removed)."""
    session.execute(
        text("""DELETE FROM appointments WHERE rep_id = :rep
                 AND starts_at >= :first AND starts_at < :last"""),
        {"rep": SOPHIE, "first": FIRST, "last": LAST + dt.timedelta(days=1)},
    )
    return {
        "actor": SYSTEM,
        "rep_id": SOPHIE,
        "start_day": FIRST,
        "end_day": LAST,
        "time_limit_s": 1,
        "settings": _settings(),
        "now": NOW,
    }


def test_a_trip_without_anchor_plans_the_accounts_within_a_day_of_home(demo_db: Session) -> None:
    # Sophie drives 9 h a day at most: 450 km out and back as the crow flies, 225 km from
    # Antibes; her nearest accounts are in Toulon (107 km), Marseille (143 km), Grenoble
    doc = planning.plan_json(planning.plan_trip(demo_db, **_free_trip(demo_db)))["result"]
    corridor = doc["corridor"]
    assert corridor["home_reach_km"] == 225.0
    assert corridor["candidates"] > 0
    home = GeoPoint(doc["home"]["lon"], doc["home"]["lat"])
    visits = [s for d in doc["days"] for s in d["stops"] if s["kind"] == "candidate"]
    assert visits, "a free trip proposes visits"
    assert all(haversine_m(home, GeoPoint(s["lon"], s["lat"])) <= 225_500 for s in visits)
    # beyond the old 10 km disc of the detour budget around home
    assert max(haversine_m(home, GeoPoint(s["lon"], s["lat"])) for s in visits) > 10_000


def test_a_national_rep_is_told_where_her_valuable_accounts_are(demo_db: Session) -> None:
    trip = _free_trip(demo_db)
    doc = planning.plan_json(planning.plan_trip(demo_db, **trip))["result"]
    areas = doc["corridor"]["far_areas"]
    assert areas, "most of Sophie's value lies beyond a day of Antibes"
    # the figures are the pure function's on the rep's best candidate accounts
    rows = store.candidates_in(
        demo_db,
        rep_id=SOPHIE,
        polygon_wkt=FRANCE,
        limit=FAR_LOOKED_AT,
        exclude_ids=[],
        due_on=FIRST,
        tz="Europe/Paris",
        owned_only=True,
    )
    home = GeoPoint(doc["home"]["lon"], doc["home"]["lat"])
    expected = far_areas(
        [Spot(r.city, r.postcode, GeoPoint(r.lon, r.lat), r.score * 5.0) for r in rows],
        home=home,
        reach_m=450_000.0,
    )
    assert [(a["name"], a["accounts"], a["value_eur"]) for a in areas] == [
        (a.name, a.accounts, a.value_eur) for a in expected
    ]
    assert [a["value_eur"] for a in areas] == sorted((a["value_eur"] for a in areas), reverse=True)
    # Paris first (260 accounts), none of the départements within reach (Var, Bouches-du-Rhône)
    assert areas[0]["name"] == "Paris" and areas[0]["departement"] == "75"
    assert not {"83", "13"} & {a["departement"] for a in areas}


def test_far_prospects_nobody_owns_do_not_say_where_the_reps_accounts_are(
    demo_db: Session,
) -> None:
    # Camille's accounts are on the Riviera, within a day of her home; 400 valuable prospects
    # nobody owns in Paris are no part of her portfolio (they are a dispatcher's to assign)
    demo_db.execute(
        text("""WITH new AS (
                  INSERT INTO accounts (name, kind, geom, geocode_status, city, postcode,
                                        potential_eur_month)
                  SELECT 'PROSPECT PARIS ' || g, 'prospect',
                         ST_SetSRID(ST_MakePoint(2.30 + g * 0.0002, 48.85), 4326), 'matched',
                         'Paris', '75011', 9000
                  FROM generate_series(1, 400) AS g RETURNING id)
                INSERT INTO account_priorities (account_id, score, band)
                SELECT id, 99, 'high' FROM new""")
    )
    trip = _free_trip(demo_db) | {"rep_id": CAMILLE}
    doc = planning.plan_json(planning.plan_trip(demo_db, **trip))["result"]
    assert doc["corridor"]["home_reach_km"] is not None
    assert doc["corridor"]["far_areas"] == []


def test_a_trip_with_an_appointment_keeps_its_corridor(demo_db: Session) -> None:
    trip = _free_trip(demo_db)
    demo_db.execute(
        text("""INSERT INTO appointments (rep_id, title, starts_at, ends_at, address, geom, status)
                VALUES (:rep, 'RDV Lyon', :at, :at + INTERVAL '1 hour', 'Lyon',
                        ST_SetSRID(ST_MakePoint(4.835, 45.764), 4326), 'confirmed')"""),
        {"rep": SOPHIE, "at": dt.datetime(2026, 5, 19, 10, 0, tzinfo=dt.UTC)},
    )
    doc = planning.plan_json(planning.plan_trip(demo_db, **trip))["result"]
    assert doc["corridor"]["home_reach_km"] is None
    assert doc["corridor"]["far_areas"] == []
