"""Who takes part in a rebalancing, and what a proposal does to every balance metric.

Two rules a manager expects of a rebalancing proposal, kept here (the services and pages only
show their answers):

* **Overlay territories never take part.** A national key-accounts territory (« Grands
  comptes France ») is laid over the local ones: its rep travels on multi-day trips for the
  accounts it holds, wherever they are. Handing it the communes of a local border (or taking
  some of its own) evens a figure on paper and makes no sense on the road. Neither overlap
  nor size can tell such a territory (the demo's national territory is drawn around the
  Alpes-Maritimes and overlaps nothing, while « Riviera – Monaco », carved out of the
  « Alpes-Maritimes » with a higher priority, overlaps and is an ordinary one; a large rural
  territory may be local), so the manager marks it: the territory's ``overlay`` box
  (« Territoire superposé »). Migration 0026 marked the territories above 85 000 km², the
  size rule used until then.
* **Every metric's before and after.** Balancing one metric moves the others: evening the
  potential can pile the workload on one rep. :func:`explain` gives, for each territory
  taking part, every metric before and after the moves (workload first), says which metrics
  become clearly more uneven (:data:`CLEARLY_WORSE_CV`) and which territories the moves push
  beyond a rep's monthly field time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from fieldcrm.errors import InvalidInput
from fieldcrm.territories.balance import Spread, spread
from fieldcrm.territories.rebalance import Proposal, Unit, totals_after

OVERLAY = "overlay"
"""Reason of a :class:`LeftOut` territory: it is marked as laid over the local ones (national
key accounts)."""
METRIC_ORDER = ("workload_hours_month", "potential_eur_month", "accounts", "revenue_12m")
"""The order a manager reads the metrics in: the workload (what a rep can do) first."""
CLEARLY_WORSE_CV = 0.05
"""A metric other than the balanced one is clearly worse when the proposal raises its spread
(coefficient of variation across the territories) by more than this: 5 points, ±30 % → ±36 %."""


@dataclass(frozen=True)
class LeftOut:
    """A territory that neither gives nor receives communes, why (:data:`OVERLAY`) and its
    area."""

    territory_id: int
    reason: str
    area_km2: float


@dataclass(frozen=True)
class MetricEffect:
    """One metric across the territories taking part, before and after the moves.

    ``worse``: a metric other than the balanced one whose spread grows by more than
    :data:`CLEARLY_WORSE_CV`; for the workload, ``overloaded``: the territories beyond a rep's
    monthly field time after the moves, and ``pushed_over``: those of them within it before.
    """

    metric: str
    before: Mapping[int, float]
    after: Mapping[int, float]
    spread_before: Spread
    spread_after: Spread
    balanced: bool = False
    worse: bool = False
    overloaded: tuple[int, ...] = ()
    pushed_over: tuple[int, ...] = ()


def left_out(areas_km2: Mapping[int, float], *, overlays: Collection[int]) -> list[LeftOut]:
    """The territories a rebalancing leaves out: those marked as overlays, whatever their size.

    Parameters
    ----------
    areas_km2
        Area of each territory, by id.
    overlays
        Ids of the territories marked as laid over the local ones.

    Returns
    -------
    list of LeftOut
        By territory id.
    """
    return [
        LeftOut(tid, OVERLAY, float(area))
        for tid, area in sorted(areas_km2.items())
        if tid in overlays
    ]


def explain(
    proposal: Proposal,
    units: Mapping[str, Sequence[Unit]],
    before: Mapping[str, Mapping[int, float]],
    *,
    left: Sequence[LeftOut] = (),
    capacity_hours: float | None = None,
) -> Proposal:
    """The proposal with the territories left out and every metric before and after its moves.

    Parameters
    ----------
    proposal
        A proposal over the territories taking part (its ``before`` keys).
    units
        Per metric, the communes weighed by that metric (same codes and owners as the
        proposal's); the weight a commune takes in its receiver is its ``weight_at``.
    before
        Per metric, each territory's total before the moves (the balance summary's).
    left
        The territories left out (:func:`left_out`).
    capacity_hours
        A rep's monthly field time: the workload's ``overloaded`` and ``pushed_over`` (none
        when ``None``).

    Returns
    -------
    Proposal
        A copy with ``left_out`` and ``effects`` (metrics in :data:`METRIC_ORDER`, then any
        other in the order given).
    """
    if capacity_hours is not None and not capacity_hours > 0:
        raise InvalidInput("capacity_hours", "must be > 0", value=capacity_hours)
    ids = sorted(proposal.before)
    metrics = [m for m in METRIC_ORDER if m in units] + [m for m in units if m not in METRIC_ORDER]
    effects = []
    for metric in metrics:
        start = {t: float(before[metric].get(t, 0.0)) for t in ids}
        end = totals_after(start, proposal.moves, units[metric])
        was, now = (
            spread(list(start.values()), metric=metric),
            spread(list(end.values()), metric=metric),
        )
        balanced = metric == proposal.metric
        over: tuple[int, ...] = ()
        pushed: tuple[int, ...] = ()
        if metric == "workload_hours_month" and capacity_hours is not None:
            over = tuple(t for t in ids if end[t] > capacity_hours)
            pushed = tuple(t for t in over if start[t] <= capacity_hours)
        effects.append(
            MetricEffect(
                metric=metric,
                before={t: round(v, 6) for t, v in start.items()},
                after={t: round(v, 6) for t, v in end.items()},
                spread_before=was,
                spread_after=now,
                balanced=balanced,
                worse=not balanced and now.cv > was.cv + CLEARLY_WORSE_CV,
                overloaded=over,
                pushed_over=pushed,
            )
        )
    return dataclasses.replace(proposal, left_out=tuple(left), effects=tuple(effects))
