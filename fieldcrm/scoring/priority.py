"""The priority index of an account: rule points + RFM + normalised potential + lateness.

``index = Σ rule points + weights.rfm × RFM.normalised + weights.potential × potential_pct
+ weights.overdue × min(days late / interval, 1)`` where ``potential_pct`` is the percent
rank of the account's potential among the accounts with a known positive potential (0 when
unknown) and "days late" is how late the next visit is (:mod:`fieldcrm.scoring.intervals`):
a visit one whole interval late gives the full overdue weight, never more. The band is the higher of the band the
index reaches and any band a rule set. :class:`PriorityBreakdown` explains the number.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldcrm.errors import InvalidInput
from fieldcrm.scoring.evaluate import Firing
from fieldcrm.scoring.intervals import overdue_points
from fieldcrm.scoring.rfm import RfmScore
from fieldcrm.scoring.rules import BANDS, Priority

BAND_THRESHOLDS: tuple[tuple[float, str], ...] = (
    (80.0, "urgent"),
    (50.0, "high"),
    (20.0, "normal"),
)


OVERDUE_WEIGHT = 20.0
"""Default points of a visit one whole interval (or more) late."""


@dataclass(frozen=True, slots=True)
class PriorityWeights:
    """Points given to a perfect RFM (5-5-5), to the highest potential and to a visit one
    whole interval (or more) late."""

    rfm: float = 30.0
    potential: float = 30.0
    overdue: float = OVERDUE_WEIGHT

    def __post_init__(self) -> None:
        for name in ("rfm", "potential", "overdue"):
            if getattr(self, name) < 0:
                raise InvalidInput(name, "weight must be >= 0", value=getattr(self, name))


def band_of(index: float) -> str:
    """The band an index reaches on its own."""
    for threshold, band in BAND_THRESHOLDS:
        if index >= threshold:
            return band
    return "low"


def higher_band(a: str | None, b: str | None) -> str | None:
    """The higher of two bands (``None`` = no band)."""
    if a is None or b is None:
        return a or b
    return a if BANDS.index(a) >= BANDS.index(b) else b


def potential_percentiles(potentials: Mapping[int, float | None]) -> dict[int, float]:
    """Percent rank in [0, 1] of each positive potential (``(rank - 1) / (n - 1)``); else 0.

    Parameters
    ----------
    potentials
        Potential (€/month) by account id, ``None`` when unknown.

    Returns
    -------
    dict
        Percent rank by account id (same as SQL ``PERCENT_RANK()``).
    """
    known = sorted(v for v in potentials.values() if v is not None and v > 0)
    n = len(known)
    out = {}
    for key, value in potentials.items():
        if value is None or value <= 0 or n < 2:
            out[key] = 0.0
        else:
            out[key] = bisect_left(known, value) / (n - 1)
    return out


@dataclass(frozen=True, slots=True)
class PriorityBreakdown:
    """How an account's priority index was made (shown on the account page)."""

    account_id: int
    rule_points: tuple[tuple[str, int], ...] = ()
    rfm: RfmScore | None = None
    rfm_points: float = 0.0
    potential: float | None = None
    potential_pct: float = 0.0
    potential_points: float = 0.0
    rule_band: str | None = None
    index: float = 0.0
    band: str = "low"
    extra: Mapping[str, Any] = field(default_factory=dict)
    overdue_days: int = 0
    overdue_points: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form."""
        return {
            "index": self.index,
            "band": self.band,
            "rules": [{"rule": k, "points": p} for k, p in self.rule_points],
            "rule_band": self.rule_band,
            "rfm": (
                {"r": self.rfm.r, "f": self.rfm.f, "m": self.rfm.m, "points": self.rfm_points}
                if self.rfm
                else None
            ),
            "potential": {
                "value": self.potential,
                "pct": round(self.potential_pct, 4),
                "points": self.potential_points,
            },
            "overdue": {"days": self.overdue_days, "points": self.overdue_points},
        }

    def explain(self) -> list[str]:
        """Lines in French for the account page."""
        lines = [f"Règle « {k} » : {p:+d} points" for k, p in self.rule_points]
        if self.rfm:
            lines.append(
                f"RFM {self.rfm.r}-{self.rfm.f}-{self.rfm.m} : {self.rfm_points:+.1f} points"
            )
        if self.potential:
            lines.append(
                f"Potentiel {self.potential:,.0f} €/mois "
                f"(centile {self.potential_pct * 100:.0f}) : "
                f"{self.potential_points:+.1f} points".replace(",", " ")
            )
        if self.overdue_days > 0:
            lines.append(self.overdue_reason())
        if self.rule_band:
            lines.append(f"Bande imposée par une règle : {self.rule_band}")
        lines.append(f"Indice de priorité : {self.index:.1f} ({self.band})")
        return lines

    def overdue_reason(self) -> str:
        """Why lateness raised the priority, in French ("" when the visit is not late)."""
        if self.overdue_days <= 0:
            return ""
        days = "jour" if self.overdue_days == 1 else "jours"
        return (
            f"Visite en retard de {self.overdue_days} {days} : "
            f"{self.overdue_points:+.1f} points".replace(".", ",")
        )


def priority_index(
    account_id: int,
    *,
    rule_points: Sequence[tuple[str, int]] = (),
    rule_band: str | None = None,
    rfm: RfmScore | None = None,
    potential: float | None = None,
    potential_pct: float = 0.0,
    overdue_days: int = 0,
    interval_days: int | None = None,
    weights: PriorityWeights = PriorityWeights(),
) -> PriorityBreakdown:
    """Combine the components of one account into its index and band.

    Parameters
    ----------
    account_id
        The account.
    rule_points
        ``(rule key, points)`` of the rules that fired.
    rule_band
        The highest band set by a rule, if any.
    rfm
        The account's RFM score.
    potential, potential_pct
        The potential (€/month) and its percent rank in [0, 1].
    overdue_days, interval_days
        How many days the next visit is late, and the account's interval.
    weights
        Points of a perfect RFM, of the top potential and of a very late visit.

    Returns
    -------
    PriorityBreakdown
        The index (rounded to 0.01), band and components.
    """
    rfm_points = round(weights.rfm * rfm.normalised, 2) if rfm else 0.0
    pot_points = round(weights.potential * potential_pct, 2)
    late_points = overdue_points(overdue_days, interval_days, weight=weights.overdue)
    index = round(sum(p for _, p in rule_points) + rfm_points + pot_points + late_points, 2)
    band = higher_band(band_of(index), rule_band) or "low"
    return PriorityBreakdown(
        account_id,
        rule_points=tuple(rule_points),
        rfm=rfm,
        rfm_points=rfm_points,
        potential=potential,
        potential_pct=potential_pct,
        potential_points=pot_points,
        rule_band=rule_band,
        index=index,
        band=band,
        overdue_days=max(overdue_days, 0) if late_points else 0,
        overdue_points=late_points,
    )


def rule_contributions(
    firings: Iterable[Firing],
) -> dict[int, tuple[list[tuple[str, int]], str | None]]:
    """Points and band each account gets from the rules that fired for it."""
    out: dict[int, tuple[list[tuple[str, int]], str | None]] = {}
    for firing in firings:
        points, band = out.get(firing.account_id, ([], None))
        for action in firing.actions:
            if isinstance(action, Priority):
                if action.add:
                    points.append((firing.rule_key, action.add))
                band = higher_band(band, action.band)
        out[firing.account_id] = (points, band)
    return out


def priorities(
    firings: Iterable[Firing],
    rfm: Mapping[int, RfmScore],
    potentials: Mapping[int, float | None],
    *,
    overdue: Mapping[int, tuple[int, int | None]] | None = None,
    weights: PriorityWeights = PriorityWeights(),
) -> dict[int, PriorityBreakdown]:
    """Priority breakdown of every account of ``potentials`` (the whole population).

    Parameters
    ----------
    firings
        Rules that fired on the run date.
    rfm
        RFM scores by account.
    potentials
        Potential by account (defines the population).
    overdue
        ``(days late, interval)`` by account (absent: not late).
    weights
        Component weights.

    Returns
    -------
    dict
        Breakdown by account id.
    """
    contrib = rule_contributions(firings)
    pct = potential_percentiles(potentials)
    late = overdue or {}
    return {
        account_id: priority_index(
            account_id,
            rule_points=contrib.get(account_id, ([], None))[0],
            rule_band=contrib.get(account_id, ([], None))[1],
            rfm=rfm.get(account_id),
            potential=potential,
            potential_pct=pct[account_id],
            overdue_days=late.get(account_id, (0, None))[0],
            interval_days=late.get(account_id, (0, None))[1],
            weights=weights,
        )
        for account_id, potential in potentials.items()
    }
