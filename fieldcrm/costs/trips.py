"""One trip's figures and its costs: mileage at the scale, hotel nights, meals, tolls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
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
class NotCounted:
    """A check-in of a trip that is no visit: far from its account and without a report
    (the product's rule, :func:`fieldcrm.store.visits.counted_visit`). The rep was there: its
    kilometres count; the trip's visits, visiting time and revenue leave it out."""

    day: dt.date
    account_id: int
    account_name: str
    distance_m: float | None
    """How far from the account the check-in was made (metres)."""
    km_counted: bool = True
    """Its place makes kilometres. False when it makes none (doubtful, or out of reach in the
    time): it is then listed with the trip's travel to check (:attr:`Trip.to_check`, whose
    entry says it is no visit), not with the check-ins whose kilometres count."""


@dataclass(frozen=True)
class FillIn:
    """An accepted fill-in visit of a planned trip and the saving it brings: the dedicated
    round trip from home to its account that it avoids, minus its detour (km, and euros at
    the rep's rate). Saved only if ``made``: the rep made a visit there during the trip's
    days that counts (the product's rule, :func:`fieldcrm.store.visits.counted_visit`)."""

    account_id: int
    account_name: str
    saved_km: float
    saved_eur: Decimal
    made: bool = False


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
    not_counted: tuple[NotCounted, ...] = ()
    """Check-ins left out of :attr:`visits` (far from the account, no report yet)."""
    fill_ins: tuple[FillIn, ...] = ()
    """A planned trip's accepted fill-in visits, whose savings :attr:`saved_km` and
    :attr:`saved_eur` include (besides the overnight decision's)."""

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

    @property
    def realised_saved_km(self) -> float:
        """:attr:`saved_km` without the fill-in visits not made: what the trip saved once
        driven as planned."""
        unmade = sum(f.saved_km for f in self.fill_ins if not f.made)
        return round(self.saved_km - unmade, 3)

    @property
    def realised_saved_eur(self) -> Decimal:
        """:attr:`saved_eur` without the fill-in visits not made (:attr:`realised_saved_km`)."""
        return self.saved_eur - sum((f.saved_eur for f in self.fill_ins if not f.made), Decimal(0))

    @property
    def km_status(self) -> str:
        """How far :attr:`km` tells the whole travel: ``"complete"``; ``"partial"`` when some
        travel was left out, to check (:attr:`to_check`); ``"unknown"`` when none of it could
        be counted: 0 km then means "not known", not "not driven"."""
        if not self.to_check:
            return "complete"
        return "partial" if self.km > 0 else "unknown"


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
    """(hotel, meals) euros of ``nights`` hotel nights and ``meals`` meals at ``rates``: each
    night and each meal at its rate to the cent, so that the lines of
    :func:`allowance_lines` add up to these totals to the cent."""
    return (
        nights * rates.hotel_night_eur.quantize(CENT),
        meals * rates.meal_eur.quantize(CENT),
    )


ALLOWANCE_KINDS = ("lunch", "hotel", "dinner")
"""The lines of a trip's hotel and meals, in the order of a day: its lunch, then its night."""


@dataclass(frozen=True)
class Allowance:
    """One line of a trip's hotel and meals (« Hôtel et repas »): a ``"lunch"`` away from
    home on ``day``, or the ``"hotel"`` or the ``"dinner"`` of the night after ``day``."""

    kind: str
    day: dt.date
    eur: Decimal

    def __post_init__(self) -> None:
        if self.kind not in ALLOWANCE_KINDS:
            raise InvalidInput(
                "kind", "unknown allowance", value=self.kind, allowed=", ".join(ALLOWANCE_KINDS)
            )


def allowance_lines(
    *, nights_away: Sequence[dt.date], lunch_days: Sequence[dt.date], rates: Rates
) -> tuple[Allowance, ...]:
    """Every euro of a trip's hotel and meals, line by line, by :func:`meals_due`.

    Parameters
    ----------
    nights_away : sequence of date
        The days after which the night is spent at a hotel: a hotel night and a dinner each.
    lunch_days : sequence of date
        The days far from home at noon: a lunch each.
    rates : Rates
        The hotel night's and the meal's euros.

    Returns
    -------
    tuple of Allowance
        In day order, a day's lunch before its night's hotel and dinner. Their sum is
        :func:`allowances_eur` of the same counts, to the cent (:func:`allowance_totals`).

    Examples
    --------
    >>> rates = Rates(Decimal("95"), Decimal("20"))
    >>> lines = allowance_lines(
    ...     nights_away=[dt.date(2026, 12, 15)],
    ...     lunch_days=[dt.date(2026, 12, 15), dt.date(2026, 12, 16)],
    ...     rates=rates,
    ... )
    >>> [(a.kind, a.day.day, str(a.eur)) for a in lines]
    [('lunch', 15, '20.00'), ('hotel', 15, '95.00'), ('dinner', 15, '20.00'), ('lunch', 16, '20.00')]
    >>> allowance_totals(lines)
    (Decimal('95.00'), Decimal('60.00'))
    """
    hotel, meal = rates.hotel_night_eur.quantize(CENT), rates.meal_eur.quantize(CENT)
    lines = [Allowance("lunch", d, meal) for d in lunch_days]
    for d in nights_away:
        lines += [Allowance("hotel", d, hotel), Allowance("dinner", d, meal)]
    return tuple(sorted(lines, key=lambda a: (a.day, ALLOWANCE_KINDS.index(a.kind))))


def allowance_totals(lines: Iterable[Allowance]) -> tuple[Decimal, Decimal]:
    """(hotel, meals) euros of ``lines``: what « Hôtel et repas » adds up."""
    hotel = meals = Decimal("0.00")
    for line in lines:
        if line.kind == "hotel":
            hotel += line.eur
        else:
            meals += line.eur
    return hotel, meals


KM_SHOWN = Decimal("0.1")
"""The precision kilometres are shown, totalled and paid at."""


def mileage_eur(km: float, rate_per_km: Decimal) -> Decimal:
    """The euros of ``km`` kilometres at ``rate_per_km``: the kilometres as shown (to the
    tenth, halves up) times the rate, rounded to the cent, halves up — the one rule of the
    cost report, its exports and the trip planner's « Frais kilométriques ». A reader checks
    it with the figures on the screen: 812,6 km × 0,470 €/km = 381,92 € (on the kilometres
    as counted, 812,55… km, it would be 381,90 €, a sum nobody can redo).

    Examples
    --------
    >>> mileage_eur(69.85, Decimal("0.427"))  # 69,9 km × 0,427 €
    Decimal('29.85')
    >>> mileage_eur(812.5549, Decimal("0.470"))  # 812,6 km × 0,470 €
    Decimal('381.92')
    """
    shown = Decimal(repr(float(km))).quantize(KM_SHOWN, rounding=ROUND_HALF_UP)
    return (shown * rate_per_km).quantize(CENT, rounding=ROUND_HALF_UP)


def cost_trip(trip: Trip, *, rate_per_km: Decimal, rates: Rates) -> TripCost:
    """Cost one trip: kilometres at ``rate_per_km`` (from the scale, :func:`mileage_eur`),
    nights and meals at ``rates``."""
    mileage = mileage_eur(trip.km, rate_per_km)
    hotel, meals = allowances_eur(nights=trip.hotel_nights, meals=trip.meals, rates=rates)
    return TripCost(
        trip=trip,
        rate_per_km=rate_per_km,
        mileage_eur=mileage,
        hotel_eur=hotel,
        meals_eur=meals,
    )
