"""The rep's preferred hotels: a bonus in euros that decides between close prices."""

from __future__ import annotations

import dataclasses

import pytest

from fieldcrm.errors import InvalidInput
from fieldcrm.routing.engine import Budget
from fieldcrm.routing.planner import plan
from fieldcrm.routing.problem import PREFERRED_HOTEL_BONUS_EUR, Costs, Hotel
from fieldcrm.routing.problem_json import plan_to_json, problem_from_json
from tests.routing.scenarios import best_net
from tests.routing.test_planner import far_trip

QUICK = Budget(patience=500, time_limit_s=10)


def two_hotels(*, preferred_price: float, bonus: float = PREFERRED_HOTEL_BONUS_EUR) -> object:
    """The far trip (a night away earns) with two hotels at the same place: "h" at 60 €
    and "fav", the rep's preferred one, at ``preferred_price``."""
    p = far_trip(hotel_price=60.0)
    (plain,) = p.hotels
    fav = Hotel("fav", plain.place, preferred_price, preferred=True, name="Hôtel préféré")
    return dataclasses.replace(
        p,
        hotels=(plain, fav),
        costs=dataclasses.replace(p.costs, preferred_hotel_bonus_eur=bonus),
    )


def test_the_default_bonus_is_ten_euros() -> None:
    assert PREFERRED_HOTEL_BONUS_EUR == 10.0
    assert Costs().preferred_hotel_bonus_eur == 10.0


@pytest.mark.parametrize(
    ("price", "bonus", "hotel"),
    [
        (65.0, 10.0, "fav"),  # 5 € dearer, within the bonus: the preferred one
        (60.0, 10.0, "fav"),  # same price: the preferred one (tie-break)
        (69.0, 10.0, "fav"),
        (71.0, 10.0, "h"),  # 11 € dearer: more than the bonus, the cheaper one
        (65.0, 0.0, "h"),  # no bonus: the cheaper one
    ],
)
def test_a_preferred_hotel_wins_within_its_bonus(price: float, bonus: float, hotel: str) -> None:
    p = two_hotels(preferred_price=price, bonus=bonus)
    result = plan(p, budget=QUICK, explain=False)
    (night,) = result.nights
    assert night.hotel == hotel
    # the figures show the real price paid, the bonus is never counted as money
    paid = price if hotel == "fav" else 60.0
    assert night.price_eur == paid and result.figures.hotel_eur == paid
    # the best plan in real euros sleeps at the cheaper hotel: the preference costs exactly
    # the difference of prices, nothing else changes (same place)
    assert result.figures.net_eur == pytest.approx(best_net(p) - (paid - 60.0), abs=0.01)


def test_the_bonus_never_makes_a_hotel_better_than_home_for_free() -> None:
    costs = Costs(meal_eur=5.0, preferred_hotel_bonus_eur=50.0)
    cheap = Hotel("fav", 0, 20.0, preferred=True)
    assert costs.night_eur(cheap) == 0.0  # 25 € − 50 € is floored at nothing
    assert costs.night_eur(dataclasses.replace(cheap, preferred=False)) == 25.0
    assert costs.night_eur(dataclasses.replace(cheap, price_eur=80.0)) == 35.0


def test_a_negative_bonus_is_refused_naming_the_field() -> None:
    p = far_trip()
    with pytest.raises(InvalidInput, match="preferred_hotel_bonus_eur"):
        dataclasses.replace(p, costs=Costs(preferred_hotel_bonus_eur=-1.0))


def test_the_bonus_is_read_from_the_json_problem_and_the_proof_is_said() -> None:
    doc = {
        "places": [[7.0, 43.0], [7.1, 43.1]],
        "days": [{"depart": "08:00", "return": "18:00"}],
        "candidates": [{"key": "a", "place": 1, "value_eur": 80, "minutes": 30}],
        "costs": {"eur_per_km": 0.5, "preferred_hotel_bonus_eur": 25},
    }
    problem = problem_from_json(doc)
    assert problem.costs.preferred_hotel_bonus_eur == 25.0
    default = problem_from_json({**doc, "costs": {"eur_per_km": 0.5}})
    assert default.costs.preferred_hotel_bonus_eur == PREFERRED_HOTEL_BONUS_EUR
    out = plan_to_json(plan(problem, budget=QUICK))
    assert out["proven_optimal"] is True  # one day, one candidate: searched exhaustively
