"""No rebalancing proposal cuts a territory: the rule (:mod:`fieldcrm.territories.contiguity`)
against an oracle on every reassignment of small grids, and both methods' proposals on the
Riviera case in miniature and on random small maps."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcrm.territories.contiguity import broken, components, holds_together, pieces
from fieldcrm.territories.rebalance import Unit, propose
from fieldcrm.territories.rebalance_cpsat import propose_best, propose_cpsat
from tests.territories.small_maps import cut, final_owner, grid, neighbours

# « Riviera – Monaco » in miniature (territory 1): Cap-d'Ail A – La Turbie B – Roquebrune R –
# Gorbio G in one piece, and Peillon P apart, beyond La Trinité T. The Alpes-Maritimes
# (territory 2): Menton M (beside R and G), T, and the rest X.
RIVIERA_PAIRS = [
    ("A", "B"),
    ("A", "T"),
    ("B", "R"),
    ("B", "T"),
    ("G", "M"),
    ("G", "R"),
    ("M", "R"),
    ("M", "X"),
    ("P", "T"),
    ("P", "X"),
    ("T", "X"),
]
RIVIERA = {"A": 1, "B": 1, "R": 1, "G": 1, "P": 1, "M": 2, "T": 2, "X": 2}
NB = neighbours(RIVIERA_PAIRS)


def _after(**moves: int) -> dict[str, int]:
    return {**RIVIERA, **moves}


@pytest.mark.parametrize(
    ("moves", "cut_ids", "why"),
    [
        ({}, [], "nothing moves"),
        ({"R": 2}, [1], "Roquebrune leaving cuts Gorbio off from La Turbie"),
        ({"R": 2, "G": 2}, [], "Roquebrune and Gorbio leave together"),
        ({"R": 2, "M": 1}, [1, 2], "a swap: each arrives beside a commune that left"),
        ({"R": 2, "G": 2, "M": 1}, [1, 2], "Menton arrives beside communes that left"),
        ({"R": 2, "T": 1}, [1], "La Trinité joins Peillon back, Gorbio is cut all the same"),
        ({"P": 2}, [], "the piece apart is handed over whole"),
        ({"T": 1}, [], "La Trinité joins the two pieces"),
        ({"A": 2, "B": 2, "R": 2, "G": 2, "P": 2}, [1], "Riviera keeps none of its communes"),
        ({"B": 2}, [1], "La Turbie leaving cuts Cap-d'Ail off"),
    ],
)
def test_the_rule_on_the_riviera(moves: dict[str, int], cut_ids: list[int], why: str) -> None:
    final = _after(**moves)
    assert broken(RIVIERA, final, NB) == cut_ids, why
    assert sorted(cut(RIVIERA, final, NB)) == cut_ids, why  # the oracle agrees
    had = {c for c, t in RIVIERA.items() if t == 1}
    ends = {c for c, t in final.items() if t == 1}
    assert holds_together(had, ends, NB) == (1 not in cut_ids)


def test_a_newcomer_does_not_mend_a_cut() -> None:
    # a – b – c owned by 1; d and e owned by 2, d touching a and c, e touching b and d: b goes
    # to 2 beside e, d comes to 1 beside a and c. The ends are joined again through d, but 1's
    # own communes a and c no longer touch.
    nb = neighbours([("a", "b"), ("b", "c"), ("a", "d"), ("c", "d"), ("b", "e"), ("d", "e")])
    owner = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
    final = {"a": 1, "b": 2, "c": 1, "d": 1, "e": 2}
    assert components({"a", "c", "d"}, nb) == 1
    assert broken(owner, final, nb) == [1] and cut(owner, final, nb) == {1}


def test_pieces_in_the_order_of_their_smallest_code() -> None:
    assert pieces({"P", "A", "B", "R", "G"}, NB) == [
        frozenset({"A", "B", "G", "R"}),
        frozenset({"P"}),
    ]
    assert components(set(), NB) == 0 and pieces(set(), NB) == []


def _scattered(seed: int, rows: int, cols: int) -> dict[str, int]:
    """Cells of a grid given at random to territories 1..3 (some in pieces)."""
    rng = random.Random(seed)
    return {f"{r}{c}": rng.randint(1, 3) for r in range(rows) for c in range(cols)}


@pytest.mark.parametrize(("seed", "rows", "cols"), [(0, 3, 3), (1, 3, 3), (2, 2, 4), (3, 2, 4)])
def test_the_rule_matches_the_oracle_on_every_reassignment(seed: int, rows: int, cols: int) -> None:
    nb = neighbours(grid(rows, cols))
    owner = _scattered(seed, rows, cols)
    codes = sorted(owner)
    options = [sorted({owner[c]} | {owner[n] for n in nb[c]}) for c in codes]
    kinds = set()
    for choice in itertools.product(*options):
        final = dict(zip(codes, choice, strict=True))
        expected = sorted(cut(owner, final, nb))
        assert broken(owner, final, nb) == expected, final
        kinds.add(bool(expected))
    assert kinds == {True, False}  # both kinds of reassignment were seen


def test_the_riviera_case_in_miniature_is_not_cut() -> None:
    """Balanced to the unit by handing Roquebrune over and taking La Trinité: Gorbio cut off.
    Both methods keep the Riviera whole and give up that perfect balance."""
    weights = {"A": 12, "B": 6, "G": 1, "M": 6, "P": 2, "R": 9, "T": 2, "X": 8}
    units = [Unit(c, RIVIERA[c], float(w), name=c) for c, w in weights.items()]
    split = _after(R=2, T=1)
    assert components({c for c, t in split.items() if t == 1}, NB) == 2  # as many as before
    totals = {t: sum(w for c, w in weights.items() if split[c] == t) for t in (1, 2)}
    assert totals == {1: 23, 2: 23}
    for method in (propose, propose_cpsat, propose_best):
        proposal = method(units, RIVIERA_PAIRS)
        final = final_owner(units, proposal)
        assert not cut(RIVIERA, final, NB), method.__name__
        assert proposal.moves, method.__name__
    exact = propose_cpsat(units, RIVIERA_PAIRS)
    assert {m.code: m.to_id for m in exact.moves} == {"A": 2, "M": 1}
    assert exact.after == {1: 24.0, 2: 22.0}


@st.composite
def small_maps(draw: st.DrawFn) -> tuple[list[Unit], list[tuple[str, str]], int]:
    rows = draw(st.integers(2, 4))
    cols = draw(st.integers(2, 4))
    pairs = grid(rows, cols)
    codes = sorted({c for p in pairs for c in p})
    owners = draw(st.lists(st.integers(1, 3), min_size=len(codes), max_size=len(codes)))
    weights = draw(st.lists(st.integers(0, 20), min_size=len(codes), max_size=len(codes)))
    units = [Unit(c, t, float(w), name=c) for c, t, w in zip(codes, owners, weights, strict=True)]
    return units, pairs, draw(st.integers(0, 8))


@settings(max_examples=60, deadline=None)
@given(small_maps())
def test_no_proposal_cuts_a_territory(case: tuple[list[Unit], list[tuple[str, str]], int]) -> None:
    units, pairs, max_moves = case
    nb = neighbours(pairs)
    owner = {u.code: u.territory_id for u in units}
    for method in (propose, propose_cpsat):
        proposal = method(units, pairs, max_moves=max_moves)
        final = final_owner(units, proposal)
        assert not cut(owner, final, nb), method.__name__
        assert len(proposal.moves) <= max_moves
        for t in set(owner.values()):  # never more pieces than before
            assert components({c for c, f in final.items() if f == t}, nb) <= components(
                {c for c, o in owner.items() if o == t}, nb
            )
