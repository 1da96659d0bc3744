"""Frais' amounts in the service (the page's and the API's one rule): to the cent, not
negative, within one trip's most; each refusal kept with its French template, worded in
English from the catalogue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.catalogue import translations
from fieldcrm.errors import InvalidInput
from fieldcrm.services import costs

CAMILLE = Actor(4, Role.REP)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("12.505"), "au centime près : deux décimales au plus"),
        (Decimal("-0.01"), "ne peut pas être négatif"),
        (Decimal("1000.01"), "1\u202f000 € au plus pour un trajet"),
        (Decimal("NaN"), "indiquez un montant en euros, par exemple 12,50"),
    ],
)
def test_tolls_refused_by_the_service_too(demo_db: Session, amount: Decimal, message: str) -> None:
    """The API's tolls go through the same rule as the page's."""
    trip_id = demo_db.execute(text("SELECT min(id) FROM trips WHERE rep_id = 4")).scalar_one()
    with pytest.raises(InvalidInput) as caught:
        costs.set_tolls(demo_db, actor=CAMILLE, trip_id=trip_id, tolls_eur=amount)
    assert [(p.field, p.message) for p in caught.value.problems] == [("tolls_eur", message)]


def test_every_frais_refusal_has_its_english() -> None:
    english = translations("en")
    missing = [m for m in costs.EURO_REFUSALS if english.gettext(m) == m]
    assert missing == []
