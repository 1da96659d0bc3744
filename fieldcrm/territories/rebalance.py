"""Rebalancing proposal: move whole communes between adjacent territories to even a metric.

Method (a deliberate heuristic, not CP-SAT): steepest-descent local search over boundary
units, the classic move of political and sales districting (Ricca & Simeone, 2008). With
totals ``t`` and their mean ``m`` (constant, since moves only shift weight), the objective is
``Σ (t_k − m)²``. Moving a unit of weight ``w`` from territory A to an adjacent territory B
changes it by ``2w(w + t_B − t_A)``, so a move helps exactly when ``0 < w < t_A − t_B``.
A unit may weigh differently in the territory that receives it (``Unit.weight_in``: the
workload of a commune's accounts depends on how far they are from the rep who visits them);
the change is then computed in full, with the mean that moves with the total.
Each round applies the best such move after which both the donor and the receiver still hold
together (:func:`fieldcrm.territories.contiguity.holds_together`, checked against the
territories as they were before any move: no territory is cut, none that was in pieces gains
one, a commune arrives only beside a commune its receiver had and keeps). A commune moves at
most once (a proposal never hands La Turbie on twice). Every move strictly lowers the objective, so the
search ends; it stops after ``max_moves`` anyway.

:mod:`fieldcrm.territories.rebalance_cpsat` answers the same question exactly with CP-SAT;
``bench/rebalance.py`` compares both (figures in ``bench/README.md``) and the service uses
the one that balances better.

The result is a proposal with before/after totals; :func:`apply_moves` turns accepted moves
into new outlines only when a manager asks for it. Which territories take part, and what a
proposal does to the other metrics, is :mod:`fieldcrm.territories.rebalance_effects`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import shapely
from shapely.geometry.base import BaseGeometry

from fieldcrm.errors import InvalidInput
from fieldcrm.territories.balance import Spread, spread
from fieldcrm.territories.contiguity import holds_together, pieces

if TYPE_CHECKING:
    from fieldcrm.territories.rebalance_effects import LeftOut, MetricEffect


@dataclass(frozen=True)
class Unit:
    """A movable unit (a commune): code, current territory and weight of the metric.

    ``weight_in`` gives its weight in another territory when it differs there (a commune's
    workload, measured from that territory's rep); absent territories: ``weight``.
    """

    code: str
    territory_id: int
    weight: float
    name: str = ""
    accounts: int = 0
    weight_in: Mapping[int, float] = field(default_factory=dict)

    def weight_at(self, territory_id: int) -> float:
        """The unit's weight once ``territory_id`` holds it."""
        if territory_id == self.territory_id:
            return self.weight
        return float(self.weight_in.get(territory_id, self.weight))


@dataclass(frozen=True)
class Move:
    """One commune handed from a territory to an adjacent one."""

    code: str
    name: str
    from_id: int
    to_id: int
    weight: float
    accounts: int = 0


@dataclass(frozen=True)
class Proposal:
    """Moves with the totals and spread of the metric before and after them; the territories
    left out and every metric's before/after (filled by
    :func:`fieldcrm.territories.rebalance_effects.explain`)."""

    metric: str
    moves: tuple[Move, ...]
    before: Mapping[int, float]
    after: Mapping[int, float]
    spread_before: Spread
    spread_after: Spread
    left_out: tuple[LeftOut, ...] = ()
    effects: tuple[MetricEffect, ...] = ()


def adjacency(geometries: Mapping[str, BaseGeometry]) -> list[tuple[str, str]]:
    """Pairs of unit codes whose outlines share more than a point.

    Parameters
    ----------
    geometries
        Outline per unit code.

    Returns
    -------
    list of tuple
        ``(a, b)`` with ``a < b``, sorted.
    """
    codes = list(geometries)
    geoms = [geometries[c] for c in codes]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs: list[tuple[str, str]] = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        shared = shapely.intersection(geoms[i].boundary, geoms[j].boundary)
        if shared.length > 0 or shapely.intersection(geoms[i], geoms[j]).area > 0:
            a, b = sorted((codes[i], codes[j]))
            pairs.append((a, b))
    return sorted(set(pairs))


def unit_tables(
    units: Sequence[Unit], max_moves: int
) -> tuple[dict[str, int], dict[str, float], dict[str, str], dict[str, int]]:
    """Check the input of a rebalancing and index its units by code: owner territory, weight,
    name and account count (shared by :func:`propose` and the CP-SAT model)."""
    if max_moves < 0:
        raise InvalidInput("max_moves", "must be >= 0", value=max_moves)
    codes = [u.code for u in units]
    if len(set(codes)) != len(codes):
        raise InvalidInput("units", "unit codes must be unique")
    if any(u.weight < 0 or any(w < 0 for w in u.weight_in.values()) for u in units):
        raise InvalidInput("units", "weights must be >= 0")
    owner = {u.code: u.territory_id for u in units}
    weight = {u.code: float(u.weight) for u in units}
    names = {u.code: u.name for u in units}
    counts = {u.code: u.accounts for u in units}
    return owner, weight, names, counts


def territory_totals(
    ids: Sequence[int],
    owner: Mapping[str, int],
    weight: Mapping[str, float],
    fixed: Mapping[int, float] | None = None,
) -> dict[int, float]:
    """Each territory's total before any move: its ``fixed`` part plus its communes' weights
    (shared by :func:`propose` and the CP-SAT model)."""
    totals = {t: float((fixed or {}).get(t, 0.0)) for t in ids}
    for code, tid in owner.items():
        if tid in totals:
            totals[tid] += weight[code]
    return totals


def propose(
    units: Sequence[Unit],
    pairs: Iterable[tuple[str, str]],
    *,
    territory_ids: Sequence[int] | None = None,
    metric: str = "potential_eur_month",
    max_moves: int = 50,
    fixed: Mapping[int, float] | None = None,
) -> Proposal:
    """Suggest commune moves that even out the metric's totals across territories.

    Parameters
    ----------
    units
        The communes with their current territory and weight.
    pairs
        Adjacent unit codes (:func:`adjacency`).
    territory_ids
        Territories taking part (default: those of the units); one without units counts with
        a total of 0 but can only receive through adjacency, so it usually stays empty.
    metric
        Name of the metric, for the report.
    max_moves
        Upper bound on the number of moves.
    fixed
        Per territory, the part of its total that no commune move changes (may be negative):
        the service passes ``balance total − its communes' weights``, so the totals before
        the moves are exactly the balance summary's (:func:`territory_totals`).

    Returns
    -------
    Proposal
        The moves in the order found, with before/after totals and spreads.
    """
    owner, weight, names, counts = unit_tables(units, max_moves)
    by_code = {u.code: u for u in units}
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        if a in owner and b in owner:
            neighbours[a].add(b)
            neighbours[b].add(a)
    ids = sorted(set(territory_ids) if territory_ids is not None else set(owner.values()))
    totals = territory_totals(ids, owner, weight, fixed)
    members: dict[int, set[str]] = {t: set() for t in ids}
    for code, tid in owner.items():
        if tid in totals:
            members[tid].add(code)
    had = {t: frozenset(m) for t, m in members.items()}
    had_pieces = {t: pieces(m, neighbours) for t, m in had.items()}

    def together(tid: int, ends: set[str]) -> bool:
        return holds_together(had[tid], ends, neighbours, had_pieces=had_pieces[tid])

    before = dict(totals)
    moves: list[Move] = []
    moved: set[str] = set()
    while len(moves) < max_moves:
        best: tuple[float, str, int] | None = None
        total = sum(totals.values())
        for code in sorted(owner):
            src = owner[code]
            if code in moved or src not in totals:
                continue
            w = weight[code]
            # a commune joins a territory next to a commune that territory had and kept
            kept = {owner[n] for n in neighbours[code] if n not in moved}
            for dst in sorted(kept - {src}):
                if dst not in totals:
                    continue
                delta = _change(totals, total, src, dst, w, by_code[code].weight_at(dst))
                better = w > 0 and delta < -1e-9 and (best is None or (delta, code, dst) < best)
                if (
                    better
                    and together(src, members[src] - {code})
                    and together(dst, members[dst] | {code})
                ):
                    best = (delta, code, dst)
        if best is None:
            break
        _, code, dst = best
        src = owner[code]
        owner[code] = dst
        moved.add(code)
        members[src].discard(code)
        members[dst].add(code)
        totals[src] -= weight[code]
        totals[dst] += by_code[code].weight_at(dst)
        moves.append(Move(code, names[code], src, dst, weight[code], counts[code]))
    after = {t: round(v, 6) for t, v in totals.items()}
    return Proposal(
        metric=metric,
        moves=tuple(moves),
        before={t: round(v, 6) for t, v in before.items()},
        after=after,
        spread_before=spread(list(before.values()), metric=metric),
        spread_after=spread(list(totals.values()), metric=metric),
    )


def _change(
    totals: Mapping[int, float], total: float, src: int, dst: int, out: float, into: float
) -> float:
    """How ``Σ (t_k − m)²`` changes when ``src`` loses ``out`` and ``dst`` gains ``into``
    (``total``: the sum of ``totals``)."""
    t_a, t_b = totals[src], totals[dst]
    if out == into:  # the total, so the mean, stays: the classic closed form
        return 2 * out * (out + t_b - t_a)
    n = len(totals)
    squares = (t_a - out) ** 2 - t_a**2 + (t_b + into) ** 2 - t_b**2
    return squares - ((total - out + into) ** 2 - total**2) / n


def totals_after(
    before: Mapping[int, float], moves: Iterable[Move], units: Iterable[Unit]
) -> dict[int, float]:
    """Each territory's total once ``moves`` are made: a giver loses the unit's weight, a
    receiver gains the unit's weight there (:meth:`Unit.weight_at`)."""
    by_code = {u.code: u for u in units}
    after = {t: float(v) for t, v in before.items()}
    for m in moves:
        unit = by_code[m.code]
        after[m.from_id] -= unit.weight_at(m.from_id)
        after[m.to_id] += unit.weight_at(m.to_id)
    return after


def apply_moves(
    territories: Mapping[int, BaseGeometry],
    moves: Sequence[Move],
    units: Mapping[str, BaseGeometry],
) -> dict[int, BaseGeometry]:
    """New outlines of the territories that accepted moves change.

    Parameters
    ----------
    territories
        Current outline of each territory, by id.
    moves
        Accepted moves (from :func:`propose`).
    units
        Outline of each unit (commune) by code.

    Returns
    -------
    dict
        Territory id → new outline (giver minus the unit, receiver plus the unit), for the
        territories that change; valid geometries, possibly MultiPolygon.

    Raises
    ------
    InvalidInput
        Field ``moves``: unknown territory or unit, or a giver left empty.
    """
    problems = [
        m.code
        for m in moves
        if m.code not in units or m.from_id not in territories or m.to_id not in territories
    ]
    if problems:
        raise InvalidInput("moves", "unknown territory or commune", value=problems)
    out: dict[int, BaseGeometry] = {}
    for m in moves:
        unit = units[m.code]
        giver = out.get(m.from_id, territories[m.from_id])
        taker = out.get(m.to_id, territories[m.to_id])
        out[m.from_id] = shapely.make_valid(shapely.difference(giver, unit))
        out[m.to_id] = shapely.make_valid(shapely.union(taker, unit))
    for tid, geom in out.items():
        polygons = shapely.get_parts(geom)
        kept = [p for p in polygons if p.geom_type in ("Polygon", "MultiPolygon") and p.area > 0]
        if not kept:
            raise InvalidInput("moves", "a territory would be left empty", value=tid)
        out[tid] = shapely.union_all(kept)
    return out
