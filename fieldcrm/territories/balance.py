"""Balance metrics per territory: counts, potential, revenue, estimated workload, distance.

Workload model (hours per month), deliberately simple and stated:

* visits per month follow the account's priority band (:data:`VISITS_PER_MONTH`:
  urgent 2, high 1, normal 0.5, low or none 0.25, i.e. one visit a quarter);
* each visit costs its own duration (``visit_minutes``) plus a driving share: the
  round trip from the rep's home (or the territory's centroid when the home is unknown) to the
  account, times a road factor of 1.3, at 50 km/h, divided by the visits chained in one day
  (5), since a day's tour shares its trips.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint, haversine_m

VISITS_PER_MONTH: Mapping[str | None, float] = {
    "urgent": 2.0,
    "high": 1.0,
    "normal": 0.5,
    "low": 0.25,
    None: 0.25,
}


@dataclass(frozen=True)
class WorkloadModel:
    """Parameters of the workload estimate (see the module docstring)."""

    road_factor: float = 1.3
    speed_kmh: float = 50.0
    visits_per_day: float = 5.0
    visits_per_month: Mapping[str | None, float] = field(
        default_factory=lambda: dict(VISITS_PER_MONTH)
    )

    def __post_init__(self) -> None:
        for name in ("road_factor", "speed_kmh", "visits_per_day"):
            if not getattr(self, name) > 0:
                raise InvalidInput(name, "must be > 0", value=getattr(self, name))


@dataclass(frozen=True)
class AccountFacts:
    """What the balance needs of one account."""

    id: int
    territory_id: int | None
    kind: str
    point: GeoPoint | None = None
    potential_eur_month: float = 0.0
    revenue_12m: float = 0.0
    priority_band: str | None = None
    visit_minutes: int = 45


@dataclass(frozen=True)
class TerritoryInfo:
    """A territory as the balance sees it: id, name, rep's home and centroid."""

    id: int
    name: str
    rep_id: int | None = None
    home: GeoPoint | None = None
    centroid: GeoPoint | None = None


@dataclass(frozen=True)
class BalanceRow:
    """Metrics of one territory."""

    territory_id: int
    name: str
    rep_id: int | None
    accounts: int
    clients: int
    prospects: int
    potential_eur_month: float
    revenue_12m: float
    workload_hours_month: float
    centroid_home_km: float | None


@dataclass(frozen=True)
class Spread:
    """How uneven a metric is across territories: min, max, mean, coefficient of variation."""

    metric: str
    minimum: float
    maximum: float
    mean: float
    cv: float


@dataclass(frozen=True)
class BandSums:
    """Sums over the accounts of one territory that share a priority band.

    What the balance needs, and what a database can add up without sending every account:
    ``base_km`` is the sum of great-circle kilometres from the territory's base (the rep's
    home, else the centroid) to each located account.
    """

    territory_id: int
    band: str | None
    accounts: int = 0
    clients: int = 0
    prospects: int = 0
    potential_eur_month: float = 0.0
    revenue_12m: float = 0.0
    visit_minutes: float = 0.0
    base_km: float = 0.0


def base_of(territory: TerritoryInfo) -> GeoPoint | None:
    """Where the workload's trips start: the rep's home, else the territory's centroid."""
    return territory.home or territory.centroid


def visit_hours(
    account: AccountFacts, base: GeoPoint | None, model: WorkloadModel = WorkloadModel()
) -> float:
    """Estimated monthly hours for one account (visits × (duration + driving share))."""
    km = _base_km(account, base)
    return _workload(account.priority_band, account.visit_minutes, km, model)


def _base_km(account: AccountFacts, base: GeoPoint | None) -> float:
    if base is None or account.point is None:
        return 0.0
    return haversine_m(base, account.point) / 1000


def _workload(
    band: str | None, visit_minutes: float, base_km: float, model: WorkloadModel
) -> float:
    """Hours a month for accounts of ``band`` with these summed minutes and base distances."""
    visits = model.visits_per_month.get(band, model.visits_per_month.get(None, 0.25))
    drive_h = 2 * base_km * model.road_factor / model.speed_kmh / model.visits_per_day
    return visits * (visit_minutes / 60 + drive_h)


def band_sums(
    territories: Sequence[TerritoryInfo], accounts: Iterable[AccountFacts]
) -> list[BandSums]:
    """Add up the accounts of each territory by priority band (accounts elsewhere ignored)."""
    by_id = {t.id: t for t in territories}
    sums: dict[tuple[int, str | None], list[float]] = {}
    for acc in accounts:
        if acc.territory_id not in by_id:
            continue
        row = sums.setdefault((acc.territory_id, acc.priority_band), [0, 0, 0, 0.0, 0.0, 0.0, 0.0])
        row[0] += 1
        row[1] += acc.kind == "client"
        row[2] += acc.kind == "prospect"
        row[3] += acc.potential_eur_month
        row[4] += acc.revenue_12m
        row[5] += acc.visit_minutes
        row[6] += _base_km(acc, base_of(by_id[acc.territory_id]))
    return [
        BandSums(tid, band, int(r[0]), int(r[1]), int(r[2]), r[3], r[4], r[5], r[6])
        for (tid, band), r in sums.items()
    ]


def balance(
    territories: Sequence[TerritoryInfo],
    accounts: Iterable[AccountFacts],
    *,
    model: WorkloadModel = WorkloadModel(),
) -> list[BalanceRow]:
    """Metrics per territory.

    Parameters
    ----------
    territories
        The territories, with their rep's home and centroid when known.
    accounts
        Accounts with their current ``territory_id``; others (None or unknown id) are ignored.
    model
        Workload parameters.

    Returns
    -------
    list of BalanceRow
        One row per territory, in the order given.
    """
    return balance_from_sums(territories, band_sums(territories, accounts), model=model)


def balance_from_sums(
    territories: Sequence[TerritoryInfo],
    sums: Iterable[BandSums],
    *,
    model: WorkloadModel = WorkloadModel(),
) -> list[BalanceRow]:
    """Metrics per territory from the sums by band (see :func:`band_sums`), in the order given."""
    totals: dict[int, list[float]] = {t.id: [0, 0, 0, 0.0, 0.0, 0.0] for t in territories}
    for b in sums:
        if b.territory_id not in totals:
            continue
        row = totals[b.territory_id]
        row[0] += b.accounts
        row[1] += b.clients
        row[2] += b.prospects
        row[3] += b.potential_eur_month
        row[4] += b.revenue_12m
        row[5] += _workload(b.band, b.visit_minutes, b.base_km, model)
    out: list[BalanceRow] = []
    for t in territories:
        s = totals[t.id]
        distance = (
            haversine_m(t.home, t.centroid) / 1000
            if t.home is not None and t.centroid is not None
            else None
        )
        out.append(
            BalanceRow(
                territory_id=t.id,
                name=t.name,
                rep_id=t.rep_id,
                accounts=int(s[0]),
                clients=int(s[1]),
                prospects=int(s[2]),
                potential_eur_month=round(s[3], 2),
                revenue_12m=round(s[4], 2),
                workload_hours_month=round(s[5], 2),
                centroid_home_km=None if distance is None else round(distance, 1),
            )
        )
    return out


FIELD_HOURS_MONTH = 140.0
"""A rep's field time in a month (visits and driving): about 20 working days of 7 hours,
less office work, meetings and training. The default of the ``rep_field_hours_month``
setting."""


def overloaded(rows: Iterable[BalanceRow], capacity_hours: float) -> list[BalanceRow]:
    """The territories whose estimated workload exceeds one rep's monthly field time
    ``capacity_hours``: one rep cannot visit their accounts as often as their band asks."""
    if not capacity_hours > 0:
        raise InvalidInput("capacity_hours", "must be > 0", value=capacity_hours)
    return [r for r in rows if r.workload_hours_month > capacity_hours]


def spread(values: Sequence[float], *, metric: str = "value") -> Spread:
    """Min, max, mean and coefficient of variation (population std / mean) of ``values``."""
    if not values:
        return Spread(metric, 0.0, 0.0, 0.0, 0.0)
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / len(values)
    cv = math.sqrt(var) / mean if mean else 0.0
    return Spread(metric, float(min(values)), float(max(values)), mean, cv)
