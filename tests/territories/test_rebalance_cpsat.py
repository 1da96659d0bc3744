"""CP-SAT rebalancing against brute force over every commune move on tiny grids, and the
heuristic's proposals checked against the same rules (each commune moves at most once)."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

import pytest
from shapely.geometry import box

from fieldcrm.territories.rebalance import Proposal, Unit, adjacency, propose
from fieldcrm.territories.rebalance_cpsat import propose_cpsat
from tests.territories.small_maps import cut


def _grid(rows: int, cols: int) -> list[tuple[str, str]]:
    return adjacency({f"{r}{c}": box(c, r, c + 1, r + 1) for r in range(rows) for c in range(cols)})


def _neighbours(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
        out[b].add(a)
    return out


def _objective(totals: dict[int, float]) -> float:
    mean = sum(totals.values()) / len(totals)
    return sum((v - mean) ** 2 for v in totals.values())


def _feasible(
    units: list[Unit], pairs: list[tuple[str, str]], final: dict[str, int], max_moves: int
) -> bool:
    """The rules both methods promise: no territory is cut (the oracle
    :func:`tests.territories.small_maps.cut`: a commune joins a territory next to a commune
    that territory had and kept; each territory keeps one of its communes, and what it keeps
    of each of its pieces still touches itself); at most ``max_moves`` communes move."""
    owner = {u.code: u.territory_id for u in units}
    moved = [c for c in owner if final[c] != owner[c]]
    return len(moved) <= max_moves and not cut(owner, final, _neighbours(pairs))


def _brute_force(units: list[Unit], pairs: list[tuple[str, str]], max_moves: int) -> float:
    """The least Σ (t − mean)² over every feasible final assignment."""
    nb = _neighbours(pairs)
    owner = {u.code: u.territory_id for u in units}
    weight = {u.code: u.weight for u in units}
    codes = sorted(owner)
    options = [sorted({owner[c]} | {owner[n] for n in nb[c]}) for c in codes]
    best = float("inf")
    for choice in itertools.product(*options):
        final = dict(zip(codes, choice, strict=True))
        if not _feasible(units, pairs, final, max_moves):
            continue
        totals = {t: 0.0 for t in set(owner.values())}
        for c, t in final.items():
            totals[t] += weight[c]
        best = min(best, _objective(totals))
    return best


def _final(units: list[Unit], proposal: Proposal) -> dict[str, int]:
    final = {u.code: u.territory_id for u in units}
    for m in proposal.moves:
        assert final[m.code] == m.from_id
        final[m.code] = m.to_id
    return final


def _instance(seed: int) -> tuple[list[Unit], list[tuple[str, str]]]:
    """A 3×3 grid in two or three territories (columns, blocks, or cells drawn at random, so
    some territories are in pieces), integer weights summing to 100 (so CP-SAT's scaling is
    exact)."""
    rng = random.Random(seed)
    pairs = _grid(3, 3)
    codes = sorted({c for p in pairs for c in p})
    layout = rng.choice(["columns", "rows", "corner", "scattered"])
    owner = {
        c: int(c[1]) + 1
        if layout == "columns"
        else int(c[0]) + 1
        if layout == "rows"
        else (1 if c in ("00", "01", "10", "11") else 2 if c[0] == "2" else 3)
        if layout == "corner"
        else rng.randint(1, 3)
        for c in codes
    }
    weights = [rng.randint(0, 20) for _ in codes[:-1]]
    while sum(weights) > 100:
        weights = [w // 2 for w in weights]
    weights.append(100 - sum(weights))
    units = [Unit(c, owner[c], float(w), name=c) for c, w in zip(codes, weights, strict=True)]
    return units, pairs


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("max_moves", [1, 3, 9])
def test_cpsat_finds_the_brute_force_optimum(seed: int, max_moves: int) -> None:
    units, pairs = _instance(seed)
    proposal = propose_cpsat(units, pairs, max_moves=max_moves)
    final = _final(units, proposal)
    assert _feasible(units, pairs, final, max_moves)
    assert _objective(dict(proposal.after)) == pytest.approx(
        _brute_force(units, pairs, max_moves), abs=1e-6
    )
    codes = [m.code for m in proposal.moves]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("seed", range(12))
def test_the_heuristic_follows_the_same_rules_and_moves_each_commune_once(seed: int) -> None:
    units, pairs = _instance(seed)
    proposal = propose(units, pairs, max_moves=9)
    codes = [m.code for m in proposal.moves]
    assert len(codes) == len(set(codes))
    final = _final(units, proposal)
    assert _feasible(units, pairs, final, 9)
    assert _objective(dict(proposal.after)) >= _brute_force(units, pairs, 9) - 1e-6


def test_a_commune_is_never_handed_on_twice() -> None:
    # A line: territory 1 = heavy "a" and light "x"; "x" touches 2's "b" and 3's "c".
    # Handing x to 2, then from 2 to 3 would pass it on twice; a commune moves once at most.
    pairs = [("a", "x"), ("b", "x"), ("c", "x"), ("b", "c")]
    units = [Unit("a", 1, 10.0), Unit("x", 1, 4.0), Unit("b", 2, 3.0), Unit("c", 3, 0.0)]
    for proposal in (propose(units, pairs), propose_cpsat(units, pairs)):
        assert [m.code for m in proposal.moves].count("x") <= 1
        assert _feasible(units, pairs, _final(units, proposal), 50)


def test_cpsat_is_deterministic() -> None:
    units, pairs = _instance(3)
    assert propose_cpsat(units, pairs).moves == propose_cpsat(units, pairs).moves
