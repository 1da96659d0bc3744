"""One trip's figures and its costs: mileage at the scale, hotel nights, meals, tolls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fieldcrm.costs.scale import CENT
from fieldcrm.errors import InvalidInput

TRIP_KINDS = ("planned", "actual")


@dataclass(frozen=True)
class ToCheck:
    """A visit whose travel was left out of a trip's kilometres, and why (in French).

    The report lists these as "à vérifier" instead of summing doubtful distances.
    """

    day: dt.date
    account_id: int | None
    account_name: str
    reason: str


@dataclass(frozen=True)
class Trip:
    """A rep's travel over one or several days, as planned or as checked in."""

    rep_id: int
    rep_name: str
    kind: str
    start_day: dt.date
    end_day: dt.date
    km: float
    driving_s: int
    visiting_s: int
    visits: int
    hotel_nights: int = 0
    meals: int = 0
    tolls_eur: Decimal = Decimal(0)
    revenue_eur: Decimal = Decimal(0)
    saved_km: float = 0.0
    saved_eur: Decimal = Decimal(0)
    team: str = ""
    trip_id: int | None = None
    to_check: tuple[ToCheck, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in TRIP_KINDS:
            raise InvalidInput(
                "kind", "unknown trip kind", value=self.kind, allowed=", ".join(TRIP_KINDS)
            )
        if self.end_day < self.start_day:
            raise InvalidInput("end_day", "ends before it starts", value=self.end_day)
        for name in ("km", "driving_s", "visiting_s", "visits", "hotel_nights", "meals"):
            if getattr(self, name) < 0:
                raise InvalidInput(name, "must not be negative", value=getattr(self, name))

    @property
    def days(self) -> int:
        """Calendar days the trip spans."""
        return (self.end_day - self.start_day).days + 1


@dataclass(frozen=True)
class Rates:
    """Unit costs other than mileage (euros)."""

    hotel_night_eur: Decimal
    meal_eur: Decimal


@dataclass(frozen=True)
class TripCost:
    """A trip with its costs (euros, to the cent)."""

    trip: Trip
    rate_per_km: Decimal
    mileage_eur: Decimal
    hotel_eur: Decimal
    meals_eur: Decimal

    @property
    def total_eur(self) -> Decimal:
        """Mileage + hotel + meals + tolls."""
        return self.mileage_eur + self.hotel_eur + self.meals_eur + self.trip.tolls_eur


def meals_due(*, nights_away: int, lunch_days: int) -> int:
    """The meal allowances ("indemnités de repas") of a trip: the one rule for every screen.

    * one **dinner** for each night spent away from home (at a hotel);
    * one **lunch** for each working day whose farthest visit lies beyond ``meal_km`` from
      home (the rep cannot eat at home or at the office), whether the rep sleeps at home
      that night or not: lunches depend on the day's visits, never on where the night is
      spent.

    A two-day trip with one night away, both days far from home, is thus 3 meals (2
    lunches + 1 dinner), in the trip planner (``/tournee``) and in the cost report
    (``/frais``) alike. The planner's objective charges only the dinner
    (:attr:`fieldcrm.routing.problem.Costs.meal_eur`), the part of the allowance that the
    choice between a hotel and home changes.
    """
    if nights_away < 0 or lunch_days < 0:
        raise InvalidInput("meals", "must not be negative", value=(nights_away, lunch_days))
    return nights_away + lunch_days


def allowances_eur(*, nights: int, meals: int, rates: Rates) -> tuple[Decimal, Decimal]:
    """(hotel, meals) euros of ``nights`` hotel nights and ``meals`` meals at ``rates``."""
    return (
        (nights * rates.hotel_night_eur).quantize(CENT),
        (meals * rates.meal_eur).quantize(CENT),
    )


def cost_trip(trip: Trip, *, rate_per_km: Decimal, rates: Rates) -> TripCost:
    """Cost one trip: kilometres at ``rate_per_km`` (from the scale), nights and meals at ``rates``."""
    mileage = (Decimal(str(trip.km)) * rate_per_km).quantize(CENT, rounding=ROUND_HALF_UP)
    hotel, meals = allowances_eur(nights=trip.hotel_nights, meals=trip.meals, rates=rates)
    return TripCost(
        trip=trip,
        rate_per_km=rate_per_km,
        mileage_eur=mileage,
        hotel_eur=hotel,
        meals_eur=meals,
    )
