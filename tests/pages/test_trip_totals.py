"""Tournée: every total shown is the sum of the lines it totals, by one rule.

QA read a trip whose « Valeur des visites » (10 077,00 €) was 42 € above the sum of the euros
its 29 stops showed: each card gave the visit's value less its detour's euros, in whole
euros (« +306 € »), while the total added up the values. Each card now says the visit's
value to the cent (« valeur 306,60 € ») — the value its stop stores — and the totals (each
day's, the plan's, the table's) are the sum of those stored values; the net value is the
rows above it."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.costs.derive import RepProfile, chosen_totals, planned_trip
from fieldcrm.costs.report import half_up
from fieldcrm.costs.trips import mileage_eur
from fieldcrm.geo import GeoPoint
from fieldcrm.services import appointments, costs, planning
from fieldcrm.services.planning_build import proposal_reason
from fieldcrm.store import jobs as job_store
from fieldcrm.store.plans import PlanRow
from tests.web import ClientFactory

SETTINGS = Settings(  # type: ignore[call-arg]
    database_url="postgresql+psycopg://unused/unused",
    planner_detour_km=5,
    planner_max_candidates=12,
    planner_time_limit_s=3,
    _env_file=None,
)


def _euros(text: str) -> Decimal:
    """« 1 234,50 € » (babel's spaces) as a number."""
    found = re.search(r"(\d[\d\u202f\u00a0 ]*),(\d\d)", text)
    assert found is not None, text
    whole = re.sub(r"[\u202f\u00a0 ]", "", found.group(1))
    return Decimal(f"{whole}.{found.group(2)}")


def _row(page: str, label: str) -> list[str]:
    """The cells of a row of the overnight table."""
    found = re.search(rf"<tr><th>{label}</th>(.*?)</tr>", page, re.S)
    assert found is not None, label
    return re.findall(r"<td[^>]*>([^<]*)</td>", found.group(1))


def test_the_value_of_the_visits_is_the_sum_of_the_stops_shown(
    api_as: ClientFactory, demo_db: Session
) -> None:
    plan = planning.plan_trip(
        demo_db,
        actor=Actor(4, Role.REP),
        rep_id=4,
        start_day=dt.date(2026, 4, 21),
        end_day=dt.date(2026, 4, 22),
        time_limit_s=3,
        settings=SETTINGS,
    )
    page = html.unescape(api_as(4).get(f"/tournee?plan={plan.id}").text)
    stops = re.findall(
        r'<li class="stop candidate[^"]*" data-proposal="\d+">(.*?)</li>', page, re.S
    )
    planned = [s for d in plan.result["days"] for s in d["stops"] if s["kind"] == "candidate"]
    assert len(stops) == len(planned) >= 4
    values = [_euros(re.search(r"valeur ([^·<]*€)", s).group(1)) for s in stops]  # type: ignore[union-attr]
    assert "+" not in "".join(re.findall(r"valeur [^<]*", page))
    chosen = plan.result["overnight"][
        "stay" if plan.result["overnight"]["recommendation"] == "stay" else "home"
    ]
    column = 1 if chosen is plan.result["overnight"]["stay"] else 0
    shown_total = _euros(_row(page, "Valeur des visites")[column])
    assert shown_total == sum(values)
    assert Decimal(str(plan.result["value_eur"])) == sum(values)
    for day in plan.result["days"]:
        assert Decimal(str(day["value_eur"])) == sum(
            (Decimal(str(s["value_eur"])) for s in day["stops"] if s["kind"] == "candidate"),
            Decimal(0),
        )
    # the net value is the rows above it, to the cent
    rows = ["Valeur des visites", "Frais kilométriques", "Hôtel et repas", "Valeur nette"]
    value, km, allowances, net = (_euros(_row(page, r)[column]) for r in rows)
    assert chosen["time_cost_eur"] == 0
    assert net == value - km - allowances


def test_a_plan_stored_with_the_value_less_the_detour_shows_the_value() -> None:
    """A plan stored before: its reasons gave « +306 € » (the value less the detour's
    euros); its card now gives the stop's value, the line its total adds up."""
    result = {
        "days": [
            {"stops": [{"kind": "candidate", "account_id": 7, "value_eur": 310.15}]},
        ],
        "reasons": {"7": [{"key": "detour", "minutes": 3}, {"key": "contribution", "eur": 306}]},
    }
    assert proposal_reason(result, 7, None, "fr", detour=False) == "valeur 310,15 €"
    assert proposal_reason(result, 7, None, "en", detour=True) == "detour 3 min · value €310.15"


def _trip(db: Session) -> tuple[PlanRow, str]:
    """Camille's two-day trip of 21–22 April, and the URL of its page."""
    plan = planning.plan_trip(
        db,
        actor=Actor(4, Role.REP),
        rep_id=4,
        start_day=dt.date(2026, 4, 21),
        end_day=dt.date(2026, 4, 22),
        time_limit_s=3,
        settings=SETTINGS,
    )
    return plan, f"/tournee?plan={plan.id}"


def _chosen(page: str, label: str, plan: PlanRow) -> str:
    """The chosen plan's cell of row ``label`` of the overnight table."""
    column = 1 if plan.result["overnight"]["recommendation"] == "stay" else 0
    return _row(page, label)[column]


def _day_lines(page: str) -> list[tuple[Decimal, int]]:
    """(km, minutes) of each day heading, as written."""
    found = re.findall(r"<h2>[^<]* — ([\d\u202f ]+,\d) km, (\d+) min de route", page)
    return [(Decimal(km.replace(",", ".").replace("\u202f", "")), int(m)) for km, m in found]


def test_the_trip_km_costs_are_the_euros_of_the_cost_report(
    api_as: ClientFactory, demo_db: Session, settings: Settings
) -> None:
    """QA: the same trip cost 29,82 € on /tournee and 29,83 € on /frais: the planner's km to
    the metre at the plan's rate, against the days' km at the report's. One rule now
    (costs.trips.mileage_eur): the days' km as the report counts them, at the rep's rate."""
    plan, url = _trip(demo_db)
    costs.derive_trips(demo_db, settings=settings, year=2026, rep_ids=[4])
    page = html.unescape(api_as(4).get(url).text)
    doc = api_as(4).get("/api/costs/report", params={"month": "2026-04", "rep": 4}).json()
    (planned,) = [
        t for t in doc["trips"] if t["kind"] == "planned" and t["start_day"] == "2026-04-21"
    ]
    assert _euros(_chosen(page, "Frais kilométriques", plan)) == Decimal(
        str(planned["mileage_eur"])
    )
    # the table's km and minutes are the totals of the days' figures rounded once, as /frais
    # writes the trip; its euros are those km, as shown, at the rep's rate
    days = plan.result["days"]
    assert len(_day_lines(page)) == len(days) == 2
    km = _chosen(page, "Kilomètres", plan)
    assert km == f"{half_up(sum(d['driving_km'] for d in days), 1)}".replace(".", ",")
    assert km == f"{planned['km']:.1f}".replace(".", ",")
    minutes = int(_chosen(page, "Temps de route \\(min\\)", plan))
    assert minutes == half_up(sum(d["driving_minutes"] for d in days), 0)
    rate = Decimal(str(planned["rate_per_km_eur"]))
    shown_eur = (Decimal(km.replace(",", ".")) * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert _euros(_chosen(page, "Frais kilométriques", plan)) == shown_eur
    assert 'id="overnight-recomputed"' not in page  # nothing booked since the plan


def test_the_trip_totals_follow_the_days_recomputed_after_a_booking(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """QA: after a move, each day line was recomputed (« recalculé avec les rendez-vous de la
    journée ») but the table kept the plan's « Kilomètres 70, Temps 117 min, Frais 29,82 € »
    while the lines added to 48,2 km. The table is the sum of the lines shown, and says so."""
    plan, url = _trip(demo_db)
    client = api_as(4)
    before = html.unescape(client.get(url).text)
    first = plan.result["days"][0]["day"]
    demo_db.execute(  # an evening appointment far from the route: the day is recomputed
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (4, 'Soirée', CAST(:start AS timestamptz), CAST(:end AS timestamptz),
                       'confirmed')"""
        ),
        {"start": f"{first} 20:00 Europe/Paris", "end": f"{first} 20:30 Europe/Paris"},
    )
    page = html.unescape(client.get(url).text)
    assert "recalculé avec les rendez-vous de la journée" in page
    lines = _day_lines(page)
    assert len(lines) == 2 and lines != _day_lines(before)
    # the table totals the lines' exact figures, rounded once: within the lines' rounding of
    # the sum of the lines shown (never the plan's figures any more)
    km = Decimal(_chosen(page, "Kilomètres", plan).replace(",", "."))
    assert km != Decimal(_chosen(before, "Kilomètres", plan).replace(",", "."))
    assert abs(km - sum(k for k, _ in lines)) <= Decimal("0.05") * len(lines)
    minutes = int(_chosen(page, "Temps de route \\(min\\)", plan))
    assert abs(minutes - sum(m for _, m in lines)) <= len(lines) / 2
    assert _chosen(page, "Frais kilométriques", plan) != _chosen(
        before, "Frais kilométriques", plan
    )
    assert 'id="overnight-recomputed"' in page
    # the net value is the rows above it; the value of the visits stays the stored one
    value = _euros(_chosen(page, "Valeur des visites", plan))
    assert value == _euros(_chosen(before, "Valeur des visites", plan))
    net = _euros(_chosen(page, "Valeur nette", plan))
    spent = _euros(_chosen(page, "Frais kilométriques", plan)) + _euros(
        _chosen(page, "Hôtel et repas", plan)
    )
    assert net == value - spent


def test_the_qa_trip_costs_the_report_s_euros() -> None:
    """QA's trip: days of 32,56 + 24,32 + 12,97 km at 0,427 €/km; the plan stored 69,8 km
    and 29,82 € (the planner's km to the metre), /frais 29,83 € (the days' km). The table
    now gives the report's euros, on the km it shows: 69,9 km × 0,427 € = 29,85 €."""
    side = {
        "feasible": True,
        "km": 69.8,
        "driving_minutes": 117,
        "km_cost_eur": 29.82,
        "time_cost_eur": 0.0,
        "hotel_and_meals_eur": 0.0,
        "value_eur": 9465.75,
        "net_eur": 9435.93,
    }
    result = {"overnight": {"recommendation": "home", "home": side, "stay": {"feasible": False}}}
    lines = [
        {"driving_km": km, "driving_minutes": m}
        for km, m in ((32.56, 49.8), (24.32, 34.7), (12.97, 32.1))
    ]
    totals = chosen_totals(result["overnight"], lines, rate=Decimal("0.427"))
    assert totals is not None
    home = totals["home"]
    assert (home["km"], home["driving_minutes"], home["km_cost_eur"]) == (69.9, 117, 29.85)
    assert Decimal(str(home["km_cost_eur"])) == mileage_eur(69.85, Decimal("0.427"))
    assert home["net_eur"] == 9435.90 and not home["recomputed"]


def test_the_totals_are_the_days_exact_figures_rounded_once() -> None:
    """QA: camille's trip of 18–21/12 read 63,6 km on its page (18,5 + 45,1, the days as
    rounded) and 63,5 km on /frais (18,45 + 45,07 = 63,52 km); sophie's 526 min against
    8:45. Every total is now the sum of the exact figures, rounded once, and its euros the
    km it shows at the rate (63,5 km × 0,427 € = 27,11 €), those of /frais."""
    side = {"feasible": True, "value_eur": 6293.0, "time_cost_eur": 0.0, "km": 63.5}
    lines = [{"driving_km": km, "driving_minutes": m} for km, m in ((18.45, 34.5), (45.07, 64.5))]
    totals = chosen_totals({"recommendation": "home", "home": side}, lines, rate=Decimal("0.427"))
    assert totals is not None
    home = totals["home"]
    assert (home["km"], home["driving_minutes"]) == (63.5, 99)  # not 63,6 km nor 100 min
    assert home["km_cost_eur"] == 27.11 == float(mileage_eur(18.45 + 45.07, Decimal("0.427")))
    assert home["net_eur"] == 6265.89


def test_frais_costs_the_trip_days_as_booked_now(
    api_as: ClientFactory, demo_db: Session, settings: Settings
) -> None:
    """QA: camille's trip page said 53,4 km, 84 min, 22,80 € « recalculés avec les
    rendez-vous de la journée » while « Frais » kept the plan's 54,3 km, 1:26, 23,19 €. A
    booking on a trip day now queues the derivation of her trips, which costs the days as
    booked (as_booked.plan_days): both screens give the same km, minutes and euros."""
    plan, url = _trip(demo_db)
    costs.derive_trips(demo_db, settings=settings, year=2026, rep_ids=[4])
    demo_db.execute(text("DELETE FROM procrastinate_jobs WHERE status = 'todo'"))
    first = dt.date.fromisoformat(plan.result["days"][0]["day"])
    appointments.create_appointment(  # an evening appointment: the day is recomputed
        demo_db,
        actor=Actor(4, Role.REP),
        rep_id=4,
        draft=appointments.Draft(
            first,
            dt.time(19, 0),
            30,
            appointments.Place(point=GeoPoint(7.2696, 43.6975)),
            title="Soirée",
        ),
        settings=SETTINGS,
    )
    queued = demo_db.execute(
        text("SELECT args FROM procrastinate_jobs WHERE task_name = :t AND status = 'todo'"),
        {"t": job_store.DERIVE_TRIPS},
    ).scalars()
    for args in list(queued):  # what the worker does with each queued derivation
        costs.derive_trips(demo_db, settings=settings, year=args["year"], rep_ids=[4])
    page = html.unescape(api_as(4).get(url).text)
    assert 'id="overnight-recomputed"' in page
    doc = api_as(4).get("/api/costs/report", params={"month": "2026-04", "rep": 4}).json()
    (planned,) = [
        t for t in doc["trips"] if t["kind"] == "planned" and t["start_day"] == "2026-04-21"
    ]
    stored_km = half_up(sum(d["driving_km"] for d in plan.result["days"]), 1)
    km = _chosen(page, "Kilomètres", plan)
    assert Decimal(km.replace(",", ".")) != stored_km  # the page recomputed the day
    assert km == f"{planned['km']:.1f}".replace(".", ",")
    minutes = int(_chosen(page, "Temps de route \\(min\\)", plan))
    assert round(planned["driving_hours"] * 60) == minutes
    assert _euros(_chosen(page, "Frais kilométriques", plan)) == Decimal(
        str(planned["mileage_eur"])
    )


def _qa_overnight() -> dict[str, object]:
    """QA's overnight table (rate 0,47 €/km): « Rentrer chaque soir » stored 1 646,0 km and
    773,64 € (the planner's km to the metre), the stay side's days 900,04 km."""
    home = {
        "feasible": True,
        "km": 1646.0,
        "driving_minutes": 1250,
        "km_cost_eur": 773.64,
        "time_cost_eur": 0.0,
        "hotel_and_meals_eur": 40.0,
        "value_eur": 5000.0,
        "net_eur": 4186.36,
    }
    stay = {
        "feasible": True,
        "km": 900.0,
        "driving_minutes": 700,
        "km_cost_eur": 423.01,
        "time_cost_eur": 0.0,
        "hotel_and_meals_eur": 300.0,
        "value_eur": 6700.0,
        "net_eur": 5976.99,
    }
    return {"recommendation": "stay", "home": home, "stay": stay, "net_gained_eur": 1790.63}


def test_the_column_turned_down_costs_its_km_shown() -> None:
    """QA: « Rentrer chaque soir » read 1 646,0 km and 773,64 €, but 1 646,0 × 0,47 =
    773,62 €: that column's euros are now mileage_eur on its km, as the chosen one's."""
    lines = [{"driving_km": 450.02, "driving_minutes": 350}, {"driving_km": 450.02}]
    totals = chosen_totals(_qa_overnight(), lines, rate=Decimal("0.47"))
    assert totals is not None
    home = totals["home"]
    assert home["km"] == 1646.0 and home["km_cost_eur"] == 773.62
    assert Decimal("773.62") == mileage_eur(1646.0, Decimal("0.47"))
    assert Decimal(str(home["net_eur"])) == Decimal("5000") - Decimal("773.62") - 40  # its rows
    assert totals["stay"]["km_cost_eur"] == float(mileage_eur(900.04, Decimal("0.47")))


def test_the_gain_of_the_trip_page_is_the_gain_of_frais() -> None:
    """QA: the trip page said « Rester sur place rapporte 1 788,52 € nets de plus », /frais
    « gain prévu 1 788,53 € » (the stored gain): one computation (chosen_totals), one
    rounding, read by planned_trip for /frais."""
    days = [
        {"day": "2026-12-18", "driving_km": 450.02, "driving_minutes": 350, "stops": []},
        {"day": "2026-12-19", "driving_km": 450.02, "driving_minutes": 350, "stops": []},
    ]
    overnight = _qa_overnight()
    rate = Decimal("0.47")
    totals = chosen_totals(overnight, days, rate=rate)
    assert totals is not None
    shown = Decimal(str(totals["net_gained_eur"]))
    assert shown != Decimal(str(overnight["net_gained_eur"]))  # not the stored gain
    assert shown == Decimal(str(totals["stay"]["net_eur"])) - Decimal(
        str(totals["home"]["net_eur"])
    )
    rep = RepProfile(4, "Camille Martin", GeoPoint(7.2, 43.7))
    trip = planned_trip(
        rep, {"days": days, "overnight": overnight}, legs=lambda pts: [], rate_per_km=rate
    )
    assert trip.saved_eur == shown
    assert trip.saved_km == totals["km_saved"]
