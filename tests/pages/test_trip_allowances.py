"""Tournée and Ma journée on a trip with nights away: every euro of « Hôtel et repas » is
listed (each night's hotel and dinner, each lunch away from home) and the lines add up to the
figure of the plan chosen, in French money; a day that ends at the hotel says « Nuit à … ·
arrivée … » instead of « retour », the next one « Départ … de <hôtel> »; the « Plan à
recalculer » notice of a trip's day counts only that day's own proposals booked since.

The trips are stored as the planner stores them (:func:`~fieldcrm.services.planning_build.
allowance_lines` and :func:`~fieldcrm.services.planning_build.overnight_json` give their
lines and figures), on Camille (home in Beausoleil): a real multi-day search takes a minute.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.costs.trips import allowance_totals
from fieldcrm.routing.plan_model import Figures, Night, Plan
from fieldcrm.services import planning_build
from fieldcrm.store import plans
from fieldcrm.store.plans import PARIS, NewProposal
from tests.pages.test_day_booking import _appointments
from tests.pages.test_day_booking import _stored as _day_plan
from tests.pages.test_trip import allowance_lines, cell, french_eur, total
from tests.web import ClientFactory

CFG = Settings(database_url="postgresql+psycopg://unused/unused", _env_file=None)
"""The rates and the lunch distance of the test app (95 € a night, 20 € a meal, 50 km)."""
HOME = (7.42553, 43.74291)  # Camille, Beausoleil
TOULON = (5.93, 43.125)
NEAR_HOME = (7.43, 43.745)
HOTEL_KEY = "hotel:near:appointment:999"


def _at(day: dt.date, hh: int, mm: int = 0) -> str:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=PARIS).isoformat()


def _stop(
    day: dt.date, hour: int, place: tuple[float, float], account_id: int | None
) -> dict[str, Any]:
    return {
        "kind": "candidate",
        "name": f"Compte {account_id}",
        "account_id": account_id,
        "appointment_id": None,
        "lon": place[0],
        "lat": place[1],
        "arrival": _at(day, hour),
        "start": _at(day, hour),
        "departure": _at(day, hour, 30),
        "slot_start": _at(day, hour),
        "slot_end": _at(day, hour, 20),
        "score": 50.0,
        "value_eur": 250.0,
        "contribution_eur": 200.0,
        "detour_minutes": 5.0,
        "detour_km": 3.0,
    }


def _trip(
    db: Session,
    days: list[tuple[dt.date, list[dict[str, Any]], bool]],
    *,
    proposals: Sequence[NewProposal] = (),
) -> int:
    """Store Camille's trip over ``days`` (date, stops, night after it at the Toulon hotel),
    its allowance lines and figures as the planner's service stores them; the plan's id."""
    doc: dict[str, Any] = {
        "home": {"lon": HOME[0], "lat": HOME[1]},
        "days": [
            {
                "day": day.isoformat(),
                "departure": _at(day, 8, 25 if k == 0 else 30),
                "return": _at(day, 18),
                "end": dict(zip(("lon", "lat"), TOULON if away else HOME, strict=True)),
                "stops": stops,
                "driving_km": 191.0 + k,
                "driving_minutes": 139.0,
                "waiting_minutes": 12.0,
                "reserve_minutes": 0.0,
                "value_eur": 250.0 * len(stops),
                "lunch": None,
                "flags": [],
            }
            for k, (day, stops, away) in enumerate(days)
        ],
        "nights": [
            {
                "after": day.isoformat(),
                "hotel": HOTEL_KEY if away else None,
                "name": "près de Rendez-vous salon Toulon" if away else None,
                "near": "Rendez-vous salon Toulon" if away else None,
                "city": "Toulon" if away else None,
                "lon": (TOULON if away else HOME)[0],
                "lat": (TOULON if away else HOME)[1],
                "price_eur": 95.0 if away else 0.0,
                "meal_eur": 20.0 if away else 0.0,
                "reason": "stay_earns" if away else "home_is_better",
            }
            for day, _stops, away in days[:-1]
        ],
        "omissions": [],
        "travel": "crowfly",
        "proven_optimal": False,
    }
    lines = planning_build.allowance_lines(doc, CFG)
    doc["allowances"] = planning_build.allowances_to_json(lines)
    away = sum(1 for _d, _s, a in days[:-1] if a)
    # the planner's figures charge the dinners only; the service adds the lunches
    chosen = Figures(1000.0, 400.0, 18000, 200.0, 0.0, 95.0 * away, 20.0 * away, away)
    nights = tuple(
        Night(k, HOTEL_KEY if a else None, 0, 95.0, 20.0, "x")
        for k, (_d, _s, a) in enumerate(days[:-1])
    )
    result = Plan(days=(), nights=nights, omissions=(), figures=chosen, all_home=None, away=chosen)
    doc["figures"] = planning_build.figures_json(chosen, allowances=allowance_totals(lines))
    doc["overnight"] = planning_build.overnight_json(result, doc, cfg=CFG)
    return plans.save_plan(
        db,
        rep_id=4,
        kind="trip",
        day=days[0][0],
        end_day=days[-1][0],
        request={},
        result=doc,
        created_by=4,
        proposals=list(proposals),
    )


def _accounts(db: Session, n: int) -> list[int]:
    """Camille's located accounts with no appointment."""
    return list(
        db.execute(
            text(
                "SELECT s.account_id FROM account_assignments s JOIN accounts a"
                " ON a.id = s.account_id WHERE s.owner_id = 4 AND a.geom IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM appointments p WHERE p.account_id = s.account_id)"
                " ORDER BY 1 LIMIT :n"
            ),
            {"n": n},
        ).scalars()
    )


def _figures(page: str) -> str:
    found = re.search(r'id="day-figures">(.*?)</p>', page, re.S)
    assert found is not None
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


D15, D16, D17, D18 = (dt.date(2026, 12, d) for d in (15, 16, 17, 18))


def test_the_toulon_trip_lists_every_euro_of_hotel_and_meals(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """One night at the hotel in Toulon, both days far from home: 95 + 20 + 2 × 20 = 155 €,
    not « 95 € + repas 20 € » under a 155 that does not add up."""
    client = api_as(4)
    plan_id = _trip(
        demo_db,
        [(D15, [_stop(D15, 10, TOULON, None)], True), (D16, [_stop(D16, 10, TOULON, None)], False)],
    )
    page = client.get(f"/tournee?plan={plan_id}").text
    lines = allowance_lines(page)
    assert lines == [
        ("lunch", Decimal("20.00")),
        ("hotel", Decimal("95.00")),
        ("dinner", Decimal("20.00")),
        ("lunch", Decimal("20.00")),
    ]
    assert sum(eur for _k, eur in lines) == Decimal("155.00")
    assert cell(page, "stay-hotel-and-meals") == french_eur(155) == "155,00\u00a0€"
    assert total(page) == "155,00\u00a0€"
    listed = page.split('id="allowances">', 1)[1].split("</ul>", 1)[0]
    assert "Déjeuner du 15/12/2026, loin de la maison : 20,00\u00a0€" in listed
    assert (
        "Nuit du 15/12/2026 à l’hôtel près de «\u00a0Rendez-vous salon Toulon\u00a0» (Toulon) : "
        "95,00\u00a0€" in listed
    )
    assert "Dîner du 15/12/2026 : 20,00\u00a0€" in listed
    assert "Déjeuner du 16/12/2026, loin de la maison : 20,00\u00a0€" in listed
    # French money everywhere on the figures: « 155,00 € », never « € 155,00 »
    overnight = page.split('id="overnight"', 1)[1].split("</section>", 1)[0]
    assert "€ " not in overnight.replace("\u00a0€", "") and "Hôtel et repas €" not in overnight
    assert re.findall(r"<td[^>]*>([^<]*€)</td>", overnight), "money cells carry their sign"
    assert all(
        re.fullmatch(r"-?[\d\u202f]+,\d\d\u00a0€", c)
        for c in re.findall(r"<td[^>]*>([^<]*€)</td>", overnight)
    )
    english = client.get(f"/tournee?plan={plan_id}&lang=en").text
    assert total(english.replace("Total hotel and meals: ", "Total hôtel et repas : ")) == "€155.00"


def test_a_four_day_trip_with_three_nights_away_adds_up_like_sophies(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The shape of Sophie's plan 5: three nights at the hotel, four days far from home:
    3 × (95 + 20) + 4 × 20 = 425 €, every line listed."""
    client = api_as(4)
    days = [(d, [_stop(d, 11, TOULON, None)], d != D18) for d in (D15, D16, D17, D18)]
    plan_id = _trip(demo_db, days)
    stored = plans.get_plan(demo_db, plan_id).result
    page = client.get(f"/tournee?plan={plan_id}").text
    lines = allowance_lines(page)
    kinds = [k for k, _eur in lines]
    assert (kinds.count("hotel"), kinds.count("dinner"), kinds.count("lunch")) == (3, 3, 4)
    assert sum(eur for _k, eur in lines) == Decimal("425.00")
    assert stored["overnight"]["stay"]["hotel_and_meals_eur"] == 425.0
    assert stored["figures"]["hotel_and_meals_eur"] == 425.0
    assert cell(page, "stay-hotel-and-meals") == total(page) == "425,00\u00a0€"


def test_a_night_at_home_and_a_day_near_home_are_listed_without_euros(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A night at the hotel, then one at home, then a day next door: 95 + 20 + 2 lunches;
    the night at home is listed, the day near home earns no lunch."""
    client = api_as(4)
    days = [
        (D15, [_stop(D15, 10, TOULON, None)], True),
        (D16, [_stop(D16, 10, TOULON, None)], False),
        (D17, [_stop(D17, 10, NEAR_HOME, None)], False),
    ]
    page = client.get(f"/tournee?plan={_trip(demo_db, days)}").text
    lines = allowance_lines(page)
    assert [k for k, _e in lines] == ["lunch", "hotel", "dinner", "lunch", "home"]
    assert sum(eur for _k, eur in lines) == Decimal("155.00")
    assert "Nuit du 16/12/2026 : à la maison" in page
    assert cell(page, "stay-hotel-and-meals") == total(page) == "155,00\u00a0€"


def test_a_day_that_ends_at_the_hotel_says_so_and_the_next_starts_from_it(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    _trip(
        demo_db,
        [(D15, [_stop(D15, 10, TOULON, None)], True), (D16, [_stop(D16, 10, TOULON, None)], False)],
    )
    first = _figures(client.get(f"/journee?date={D15.isoformat()}").text)
    assert first.startswith(
        "Départ 08:25 · Nuit à l’hôtel près de « Rendez-vous salon Toulon » (Toulon)"
        " · arrivée 18:00 · 191,0 km, 139 min de route"
    ), first
    assert "retour" not in first
    second = _figures(client.get(f"/journee?date={D16.isoformat()}").text)
    assert second.startswith(
        "Départ 08:30 de l’hôtel près de « Rendez-vous salon Toulon » (Toulon), retour 18:00"
        " · 192,0 km, 139 min de route"
    ), second
    english = _figures(client.get(f"/journee?date={D15.isoformat()}&lang=en").text)
    assert english.startswith("Leave 08:25 · Night at the hotel near “Rendez-vous salon Toulon”")
    # something booked on the 15th since, and the plan stored without its timing: the
    # plan's figures are said no longer to hold, and the night is still at the hotel
    demo_db.execute(
        text(
            """INSERT INTO appointments (rep_id, title, starts_at, ends_at, status)
               VALUES (4, 'Bloqué', :start, :end, 'confirmed')"""
        ),
        {"start": _at(D15, 16), "end": _at(D15, 16, 30)},
    )
    page = client.get(f"/journee?date={D15.isoformat()}").text
    assert 'id="day-figures"' not in page and "arrivée 18:00" not in page
    gone = re.search(r'id="figures-gone">(.*?)</section>', page, re.S)
    assert gone is not None
    said = " ".join(re.sub(r"<[^>]+>", " ", gone.group(1)).split())
    assert said.startswith("Les horaires du plan du ") and "ne tiennent plus" in said, said
    assert "Nuit à l’hôtel près de « Rendez-vous salon Toulon » (Toulon)" in said, said


def test_the_replan_notice_names_only_the_days_whose_own_proposals_were_booked(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """A three-day trip proposing A on Wednesday, B on Thursday, C on Friday; C is booked
    elsewhere since: only Friday says « Plan à recalculer »."""
    client = api_as(4)
    a, b, c = _accounts(demo_db, 3)
    wed, thu, fri = dt.date(2026, 5, 13), dt.date(2026, 5, 14), dt.date(2026, 5, 15)
    proposals = [
        NewProposal(
            account,
            dt.datetime.fromisoformat(_at(day, 10)),
            dt.datetime.fromisoformat(_at(day, 10, 20)),
            5.0,
            3.0,
        )
        for account, day in ((a, wed), (b, thu), (c, fri))
    ]
    _trip(
        demo_db,
        [
            (wed, [_stop(wed, 10, NEAR_HOME, a)], False),
            (thu, [_stop(thu, 10, NEAR_HOME, b)], False),
            (fri, [_stop(fri, 10, NEAR_HOME, c)], False),
        ],
        proposals=proposals,
    )
    for day in (wed, thu, fri):
        assert 'id="plan-booked"' not in client.get(f"/journee?date={day.isoformat()}").text
    # C is booked on Tuesday, from that day's own plan
    tuesday = dt.date(2026, 5, 12)
    other = _day_plan(demo_db, tuesday, 15, c)
    client.post(
        f"/journee/propositions/{other}", data={"accept": "true", "date": tuesday.isoformat()}
    )
    assert _appointments(demo_db, c) == ["2026-05-12 15:00"]
    pages = {day: client.get(f"/journee?date={day.isoformat()}").text for day in (wed, thu, fri)}
    assert 'id="plan-booked"' not in pages[wed]
    assert 'id="plan-booked"' not in pages[thu]
    assert "Plan à recalculer : 1 compte proposé a été réservé depuis." in pages[fri]
