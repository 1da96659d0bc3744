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
from decimal import Decimal

from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings
from fieldcrm.services import planning
from fieldcrm.services.planning_build import proposal_reason
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
