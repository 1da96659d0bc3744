"""Rebalancing moves whole communes between neighbours, keeps contiguity, lowers the spread."""

from __future__ import annotations

from collections import defaultdict

import pytest
from shapely.geometry import Point, box

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.territories.assign import TerritoryShape, assign_points
from fieldcrm.territories.rebalance import Move, Unit, adjacency, apply_moves, propose


def grid(n: int) -> dict[str, object]:
    return {f"{r}{c}": box(c, r, c + 1, r + 1) for r in range(n) for c in range(n)}


def connected(codes: set[str], pairs: list[tuple[str, str]]) -> bool:
    nb: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        nb[a].add(b)
        nb[b].add(a)
    start = next(iter(codes))
    seen, stack = {start}, [start]
    while stack:
        for n in nb[stack.pop()]:
            if n in codes and n not in seen:
                seen.add(n)
                stack.append(n)
    return seen == codes


def test_adjacency_ignores_corner_touches() -> None:
    pairs = adjacency(grid(2))  # type: ignore[arg-type]
    assert pairs == [("00", "01"), ("00", "10"), ("01", "11"), ("10", "11")]


def test_moves_even_out_and_keep_contiguity() -> None:
    # 4×4 grid: territory 1 holds three columns, territory 2 one; equal weights.
    g = grid(4)
    pairs = adjacency(g)  # type: ignore[arg-type]
    units = [Unit(code, 2 if code[1] == "3" else 1, 1.0, name=code) for code in g]
    proposal = propose(units, pairs)
    assert proposal.before == {1: 12.0, 2: 4.0}
    assert proposal.after == {1: 8.0, 2: 8.0}
    assert proposal.spread_after.cv < proposal.spread_before.cv
    owner = {u.code: u.territory_id for u in units}
    for move in proposal.moves:
        assert owner[move.code] == move.from_id
        owner[move.code] = move.to_id
    for tid in (1, 2):
        assert connected({c for c, t in owner.items() if t == tid}, pairs)


def test_a_move_that_would_split_the_donor_is_not_made() -> None:
    # A line a-b-c owned by 1 and d owned by 2 at the far end of b only: b is the only unit
    # adjacent to 2, but moving it would cut a from c.
    pairs = [("a", "b"), ("b", "c"), ("b", "d")]
    units = [Unit("a", 1, 1.0), Unit("b", 1, 1.0), Unit("c", 1, 1.0), Unit("d", 2, 0.0)]
    proposal = propose(units, pairs)
    assert proposal.moves == ()
    assert proposal.after == proposal.before


def test_nothing_to_do_when_balanced_and_max_moves_bound() -> None:
    g = grid(2)
    pairs = adjacency(g)  # type: ignore[arg-type]
    even = [Unit(c, 1 if c[1] == "0" else 2, 1.0) for c in g]
    assert propose(even, pairs).moves == ()
    skewed = [Unit(c, 1, 1.0) for c in g if c != "11"] + [Unit("11", 2, 0.0)]
    assert len(propose(skewed, pairs, max_moves=0).moves) == 0
    assert len(propose(skewed, pairs, max_moves=1).moves) == 1


def test_apply_moves_edits_the_outlines_and_reassigns_the_commune() -> None:

    west, east = box(0, 0, 2, 1), box(2, 0, 3, 1)
    commune = box(1, 0, 2, 1)  # the eastern half of west
    new = apply_moves({1: west, 2: east}, [Move("c", "C", 1, 2, 1.0)], {"c": commune})
    assert new[1].equals(box(0, 0, 1, 1)) and new[2].equals(box(1, 0, 3, 1))
    shapes = [TerritoryShape(k, g) for k, g in new.items()]
    assert assign_points([GeoPoint(1.5, 0.5)], shapes) == [2]
    assert new[2].covers(Point(1.5, 0.5))
    with pytest.raises(InvalidInput, match="empty"):
        apply_moves({1: commune, 2: east}, [Move("c", "C", 1, 2, 1.0)], {"c": commune})
    with pytest.raises(InvalidInput, match="unknown"):
        apply_moves({1: west}, [Move("c", "C", 1, 9, 1.0)], {"c": commune})
