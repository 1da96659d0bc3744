"""Rebalancing proposal: move whole communes between adjacent territories to even a metric.

Method (a deliberate heuristic, not CP-SAT): steepest-descent local search over boundary
units, the classic move of political and sales districting (Ricca & Simeone, 2008). With
totals ``t`` and their mean ``m`` (constant, since moves only shift weight), the objective is
``Σ (t_k − m)²``. Moving a unit of weight ``w`` from territory A to an adjacent territory B
changes it by ``2w(w + t_B − t_A)``, so a move helps exactly when ``0 < w < t_A − t_B``.
Each round applies the best such move whose donor stays as contiguous as it was (its number of
connected components does not grow, and it keeps at least one unit); the receiver stays
contiguous because the unit touches a unit it had and kept. A commune moves at most once (a
proposal never hands La Turbie on twice). Every move strictly lowers the objective, so the
search ends; it stops after ``max_moves`` anyway.

:mod:`fieldcrm.territories.rebalance_cpsat` answers the same question exactly with CP-SAT;
``bench/rebalance.py`` compares both (figures in ``bench/README.md``) and the service uses
the one that balances better.

The result is a proposal with before/after totals; :func:`apply_moves` turns accepted moves
into new outlines only when a manager asks for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from fieldcrm.errors import InvalidInput
from fieldcrm.territories.balance import Spread, spread


@dataclass(frozen=True)
class Unit:
    """A movable unit (a commune): code, current territory and weight of the metric."""

    code: str
    territory_id: int
    weight: float
    name: str = ""
    accounts: int = 0


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
    """Moves with the totals and spread of the metric before and after them."""

    metric: str
    moves: tuple[Move, ...]
    before: Mapping[int, float]
    after: Mapping[int, float]
    spread_before: Spread
    spread_after: Spread


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


def components(members: set[str], neighbours: Mapping[str, set[str]]) -> int:
    """Number of connected pieces of ``members`` under ``neighbours``."""
    seen: set[str] = set()
    count = 0
    for start in sorted(members):
        if start in seen:
            continue
        count += 1
        stack = [start]
        seen.add(start)
        while stack:
            node = stack.pop()
            for nxt in neighbours.get(node, ()):
                if nxt in members and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    return count


def _may_leave(
    code: str, members: set[str], moved: set[str], neighbours: Mapping[str, set[str]]
) -> bool:
    """Whether ``code`` may leave the territory whose communes are ``members``: the territory
    keeps one of its own communes, does not fall into more pieces, and every commune it
    received still touches one of its own that it kept."""
    rest = members - {code}
    own = {c for c in rest if c not in moved}
    if not own or components(rest, neighbours) > components(members, neighbours):
        return False
    return all(neighbours.get(c, set()) & own for c in rest & moved)


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
    if any(u.weight < 0 for u in units):
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
    before = dict(totals)
    moves: list[Move] = []
    moved: set[str] = set()
    while len(moves) < max_moves:
        best: tuple[float, str, int] | None = None
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
                delta = 2 * w * (w + totals[dst] - totals[src])
                better = w > 0 and delta < -1e-9 and (best is None or (delta, code, dst) < best)
                if better and _may_leave(code, members[src], moved, neighbours):
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
        totals[dst] += weight[code]
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
