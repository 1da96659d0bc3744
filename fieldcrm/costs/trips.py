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


def cost_trip(trip: Trip, *, rate_per_km: Decimal, rates: Rates) -> TripCost:
    """Cost one trip: kilometres at ``rate_per_km`` (from the scale), nights and meals at ``rates``."""
    mileage = (Decimal(str(trip.km)) * rate_per_km).quantize(CENT, rounding=ROUND_HALF_UP)
    return TripCost(
        trip=trip,
        rate_per_km=rate_per_km,
        mileage_eur=mileage,
        hotel_eur=(trip.hotel_nights * rates.hotel_night_eur).quantize(CENT),
        meals_eur=(trip.meals * rates.meal_eur).quantize(CENT),
    )
