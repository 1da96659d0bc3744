"""Tournée explains itself: when no night away is offered, the page says why (from the
planner's own answer, ``Plan.no_night``) and what it would take; the accounts the trip left
out are listed once, on the trip's page (with the days a reason holds when the account is
closed on others), not again on each of its days; counts agree with their nouns.

The trips are stored as the planner's service stores them (``tests.pages.test_trip_allowances``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.routing.plan_model import Figures, Plan
from fieldcrm.routing.problem import Candidate, Costs, Problem, WorkDay
from fieldcrm.services import planning_build
from fieldcrm.store import plans
from tests.pages.test_trip_allowances import CFG, D15, D16, D17, TOULON, _stop, _trip
from tests.web import ClientFactory

HOME_FIGURES = Figures(1000.0, 400.0, 18000, 200.0, 0.0, 0.0, 0.0, 0)


def _plain(html: str) -> str:
    """A page's text: no tags, one space between words (no-break spaces kept)."""
    return re.sub(r"[ \n\t]+", " ", re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'")).strip()


def _block(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|section|td)>', page, re.S)
    assert found is not None, element_id
    return _plain(found.group(1))


def _home_trip(
    db: Session, days: list[dt.date], *, no_night: str, away_error: str | None = None
) -> int:
    """Camille's trip over ``days``, every night at home, with no alternative away and the
    planner's reason ``no_night``; its plan's id."""
    plan_id = _trip(db, [(d, [_stop(d, 10, TOULON, None)], False) for d in days])
    doc = plans.get_plan(db, plan_id).result
    result = Plan(
        days=(),
        nights=(),
        omissions=(),
        figures=HOME_FIGURES,
        all_home=HOME_FIGURES,
        away=None,
        no_night=no_night,
        away_error=away_error,
    )
    doc["overnight"] = planning_build.overnight_json(result, doc, cfg=CFG)
    _replace(db, plan_id, doc)
    return plan_id


def _replace(db: Session, plan_id: int, doc: dict[str, Any]) -> None:
    db.execute(
        text("UPDATE plans SET result = CAST(:doc AS jsonb) WHERE id = :id"),
        {"doc": json.dumps(doc, default=str), "id": plan_id},
    )


def test_a_night_away_not_offered_says_why_and_what_it_would_take(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    better = client.get(
        f"/tournee?plan={_home_trip(demo_db, [D15, D16], no_night='home_is_better')}"
    )
    page = better.text
    # searched, and the best plan found sleeps at home: « non proposé », not « impossible »
    assert _block(page, "stay-infeasible") == "non proposé"
    reason = _block(page, "stay-reason")
    assert reason.startswith("Dormir sur place : non proposé — le meilleur plan trouvé")
    assert "95\u00a0€ d’hôtel et 20\u00a0€ de dîner" in reason, reason
    assert "Il faudrait plus de visites intéressantes loin de la maison" in reason
    assert "impossible" not in reason

    no_hotel = client.get(
        f"/tournee?plan={_home_trip(demo_db, [D15, D16], no_night='no_hotel')}"
    ).text
    assert _block(no_hotel, "stay-infeasible") == "impossible"
    assert _block(no_hotel, "stay-reason").startswith(
        "Dormir sur place : impossible — aucun hôtel à portée"
    )
    assert "Il faudrait indiquer un hôtel préféré" in _block(no_hotel, "stay-reason")

    one = client.get(f"/tournee?plan={_home_trip(demo_db, [D15], no_night='one_day')}").text
    assert "ne compte qu’un jour travaillé, le 15/12/2026" in _block(one, "stay-reason")
    assert "Il faudrait la prolonger jusqu’au jour travaillé suivant" in _block(one, "stay-reason")

    apart = client.get(
        f"/tournee?plan={_home_trip(demo_db, [D15, D17], no_night='not_consecutive')}"
    ).text
    assert "(15/12/2026, 17/12/2026) ne se suivent pas" in _block(apart, "stay-reason")

    why = "Après le rendez-vous « Salon », impossible d’être à l’hôtel à temps."
    failed = client.get(
        f"/tournee?plan={_home_trip(demo_db, [D15, D16], no_night='no_plan', away_error=why)}"
    ).text
    assert _block(failed, "stay-reason") == (
        "Dormir sur place : impossible — aucun plan avec une nuit à l’hôtel ne tient : après le"
        " rendez-vous «\u00a0Salon\u00a0», impossible d’être à l’hôtel à temps."
    )

    english = client.get(
        f"/tournee?plan={_home_trip(demo_db, [D15, D16], no_night='no_hotel')}&lang=en"
    ).text
    assert _block(english, "stay-reason").startswith(
        "Staying overnight: impossible — no hotel within reach"
    )


def test_the_stored_overnight_names_the_planners_reason() -> None:
    doc = {"home": {"lon": 7.4, "lat": 43.7}, "days": []}
    result = Plan(
        days=(),
        nights=(),
        omissions=(),
        figures=HOME_FIGURES,
        all_home=HOME_FIGURES,
        away=None,
        no_night="no_hotel",
    )
    stay = planning_build.overnight_json(result, doc, cfg=CFG)["stay"]
    assert stay["feasible"] is False and stay["why"] == "no_hotel"
    assert stay["error"].startswith("aucun hôtel à portée")


def test_closed_days_are_those_of_an_account_open_on_other_days() -> None:
    days = tuple(WorkDay(8 * 3600, 18 * 3600, date=d) for d in (D15, D16, D17))
    open_ = ((9 * 3600, 17 * 3600),)
    problem = Problem(
        home=0,
        days=days,
        durations_s=((0, 600), (600, 0)),
        distances_m=((0, 9000), (9000, 0)),
        candidates=(
            Candidate("account:1", 1, 100.0, 1800, ((), open_, ()), name="Fermé deux jours"),
            Candidate("account:2", 1, 100.0, 1800, ((), (), ()), name="Toujours fermé"),
            Candidate("account:3", 1, 100.0, 1800, (open_, open_, open_), name="Ouvert"),
        ),
        costs=Costs(eur_per_km=0.5),
    )
    closed = [planning_build.closed_days(problem, c) for c in problem.candidates]
    assert closed == [["2026-12-15", "2026-12-17"], [], []]


def _omission(account_id: int | None, name: str, label: str, closed: list[str]) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "name": name,
        "score": 40.0,
        "value_eur": 200.0,
        "reason": "no_room",
        "loss_eur": None,
        "label": label,
        "closed_days": closed,
    }


def test_left_out_accounts_are_listed_once_on_the_trip_not_on_each_day(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    days = [D15, D16, D17]
    plan_id = _trip(demo_db, [(d, [_stop(d, 10, TOULON, None)], False) for d in days])
    doc = plans.get_plan(demo_db, plan_id).result
    label = "n’entre pas entre les rendez-vous fixes"
    doc["omissions"] = [
        _omission(None, "Café du Port", label, []),
        _omission(None, "Boulangerie Mistral", label, ["2026-12-15", "2026-12-17"]),
    ]
    _replace(demo_db, plan_id, doc)
    page = client.get(f"/tournee?plan={plan_id}").text
    assert page.count("Comptes écartés") == 1
    section = page.split('id="omitted"', 1)[1].split("</section>", 1)[0]
    items = [_plain(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)]
    assert items == [
        "Café du Port — n’entre pas entre les rendez-vous fixes",
        "Boulangerie Mistral — le 16/12/2026 : n’entre pas entre les rendez-vous fixes ;"
        " fermé les 15/12/2026, 17/12/2026",
    ]
    assert "2 comptes écartés sur l’ensemble de la tournée" in _plain(section)
    for d in days:
        day_page = client.get(f"/journee?date={d.isoformat()}").text
        assert "Café du Port" not in day_page and "Boulangerie Mistral" not in day_page
        link = _block(day_page, "trip-omitted")
        assert "2 comptes écartés sur l’ensemble de la tournée" in link
        assert f'href="/tournee?plan={plan_id}#omitted"' in day_page

    doc["omissions"] = doc["omissions"][:1]
    _replace(demo_db, plan_id, doc)
    one = client.get(f"/tournee?plan={plan_id}").text
    assert "1 compte écarté sur l’ensemble de la tournée, avec sa raison" in _plain(one)
    assert "1 comptes" not in _plain(one)
    english = client.get(f"/journee?date={D16.isoformat()}&lang=en").text
    assert "1 account left out of the whole trip" in _block(english, "trip-omitted")
