"""Tournée without fixed appointment nor hotel: the page says the trip looked within a day of
home, where the rep's valuable accounts lie when most are farther (a national rep), and why a
plan holds no visit, never an empty plan without a word (QA 17: Sophie's trip)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import planning
from fieldcrm.store import plans
from tests.pages.test_trip_explained import _block
from tests.services.test_trip_home_reach import SOPHIE, _free_trip
from tests.web import ClientFactory


def _replace(db: Session, plan_id: int, doc: dict[str, Any]) -> None:
    db.execute(
        text("UPDATE plans SET result = CAST(:doc AS jsonb) WHERE id = :id"),
        {"doc": json.dumps(doc, default=str), "id": plan_id},
    )


def test_sophies_free_trip_says_where_to_go_and_why_nothing_is_planned(
    api_as: ClientFactory, demo_db: Session
) -> None:
    plan_id = planning.plan_trip(demo_db, **_free_trip(demo_db)).id
    doc = plans.get_plan(demo_db, plan_id).result
    areas = doc["corridor"]["far_areas"]
    assert len(areas) == 3
    client = api_as(SOPHIE)
    page = client.get(f"/tournee?plan={plan_id}").text
    assert _block(page, "home-reach") == (
        "Sans rendez-vous fixe ni hôtel sur ces dates, la tournée propose les comptes à voir"
        " à une journée de route de la maison (225 km à vol d’oiseau au plus)."
    )

    def area(a: dict[str, Any]) -> str:
        eur = f"{round(a['value_eur']):,}".replace(",", "\u202f")
        return f"{a['name']} ({a['accounts']} comptes, {eur}\u00a0€ de valeur)"

    def listing(items: list[str]) -> str:
        said = [f"de {i}" for i in items]
        return f"{', '.join(said[:-1])} et {said[-1]}" if len(said) > 1 else said[0]

    # Paris is beyond a day's drive from Antibes (225 km out and back, 450 km one way): a
    # hotel there cannot be reached in a working day, so it is not advised there (QA 18)
    near = [area(a) for a in areas if a["within_day"]]
    beyond = [area(a) for a in areas if not a["within_day"]]
    assert areas[0]["name"] == "Paris" and not areas[0]["within_day"]
    assert near, "an area within a day's drive keeps the hotel advice"
    assert _block(page, "far-areas") == (
        "La plupart de la valeur de vos comptes est plus loin. Vos comptes à voir en priorité"
        f" sont surtout autour {listing(near)} : ajoutez un rendez-vous ou un hôtel là-bas pour"
        f" que la tournée les propose. Autour {listing(beyond)}, vos comptes sont à plus d’une"
        " journée de route de la maison : un hôtel là-bas ne suffit pas. Prenez-y un premier"
        " rendez-vous, puis planifiez sa journée dans « Ma journée » : si la veille"
        " est travaillée, elle vous est proposée comme journée de route, avec une nuit près du"
        " rendez-vous."
    )
    # what it advises is what « Ma journée » does for her Paris appointment (a trip from the
    # day before, a hotel night before it): tests/pages/test_day_trip_instead.py
    english = _block(client.get(f"/tournee?plan={plan_id}&lang=en").text, "far-areas")
    assert english.startswith(
        "Most of your accounts' value lies farther away. Your priority accounts are mostly"
        f" around {next(a for a in areas if a['within_day'])['name']} ("
    )
    assert "Around Paris (" in english
    assert "more than a day's drive from home" in english

    # nothing within reach and nothing far to point at: the page still says why it is empty
    for day in doc["days"]:
        day["stops"] = []
    doc["corridor"] |= {"far_areas": [], "candidates": 0}
    doc["omissions"] = []
    _replace(demo_db, plan_id, doc)
    empty = client.get(f"/tournee?plan={plan_id}").text
    assert 'id="far-areas"' not in empty
    assert _block(empty, "no-visit") == (
        "Aucune visite proposée : aucun compte à voir (ni refusé, ni réservé, ni vu trop"
        " récemment) n’est à portée sur ces dates."
    )
