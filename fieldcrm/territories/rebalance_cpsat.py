"""Rebalancing as a CP-SAT model: the best set of whole-commune moves, each commune at most once.

Same question as :func:`fieldcrm.territories.rebalance.propose` (same units, adjacency,
objective ``Σ (t_k − m)²`` over the territories' totals, same feasibility), answered exactly
instead of by steepest descent:

* one boolean per (commune, territory it may end in): its own territory or that of a neighbour;
  exactly one holds, so a commune moves at most once;
* a commune joining territory B touches a commune that B keeps (B stays in one piece there);
* every territory keeps at least one commune; at most ``max_moves`` communes move;
* the objective is integer: weights are scaled to about :data:`SCALE` in total, and
  ``(n·t_k − S)²`` is minimised (``n`` territories, ``S`` the scaled total), which orders
  solutions like ``Σ (t_k − m)²``; among equal balances, the fewest moves;
* no territory ends in more pieces than it had (a donor is never cut in two): a flow from at
  most that many roots reaches every commune it ends with (:func:`_contiguity`).

The search is deterministic: one worker, a fixed seed and a *deterministic* time budget, so a
proposal computed twice on the same data is the same (the apply recomputes and compares).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ortools.sat.python import cp_model

from fieldcrm.territories.balance import spread
from fieldcrm.territories.rebalance import (
    Move,
    Proposal,
    Unit,
    components,
    propose,
    territory_totals,
    unit_tables,
)

SCALE = 100_000
"""The scaled total of the weights (integers for CP-SAT; 10⁻⁵ of the total is the grain)."""
DETERMINISTIC_S = 2.0
"""Deterministic time budget of the solve (CP-SAT's own work units)."""
CPSAT_MAX_CHOICES = 100
"""Largest number of possible commune moves (commune × neighbouring territory) for which
:func:`propose_best` asks CP-SAT: the demo's 32 are solved to optimality in about a second;
on 158 or 392 the budget runs out before CP-SAT matches the heuristic (``bench/README.md``)."""


def _neighbours(owner: Mapping[str, int], pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        if a in owner and b in owner:
            out[a].add(b)
            out[b].add(a)
    return out


def _solver(deterministic_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = deterministic_s
    return solver


def propose_cpsat(
    units: Sequence[Unit],
    pairs: Iterable[tuple[str, str]],
    *,
    territory_ids: Sequence[int] | None = None,
    metric: str = "potential_eur_month",
    max_moves: int = 50,
    deterministic_s: float = DETERMINISTIC_S,
    fixed: Mapping[int, float] | None = None,
) -> Proposal:
    """Commune moves that even out the metric's totals, found by CP-SAT.

    Parameters
    ----------
    units, pairs, territory_ids, metric, max_moves, fixed
        As :func:`fieldcrm.territories.rebalance.propose`.
    deterministic_s
        Deterministic time budget of the solve.

    Returns
    -------
    Proposal
        Moves sorted by (giver, receiver, code), with before/after totals and spreads. With
        no feasible improvement (or no time to find one) the moves are empty.
    """
    owner, weight, names, counts = unit_tables(units, max_moves)
    ids = sorted(set(territory_ids) if territory_ids is not None else set(owner.values()))
    inside = [c for c in sorted(owner) if owner[c] in ids]
    neighbours = _neighbours({c: owner[c] for c in inside}, pairs)
    members = {t: {c for c in inside if owner[c] == t} for t in ids}
    pieces = {t: components(members[t], neighbours) for t in ids}
    before = territory_totals(ids, {c: owner[c] for c in inside}, weight, fixed)
    total = sum(abs(v) for v in before.values())
    factor = SCALE / total if total > 0 else 0.0
    scaled = {c: round(weight[c] * factor) for c in inside}
    offset = {t: round(float((fixed or {}).get(t, 0.0)) * factor) for t in ids}

    model = cp_model.CpModel()
    x: dict[tuple[str, int], cp_model.IntVar] = {}
    for c in inside:
        # a commune of no weight brings nothing: it stays (as in the heuristic, w > 0)
        targets = {owner[n] for n in neighbours[c]} if weight[c] > 0 else set()
        for t in sorted({owner[c]} | targets):
            x[c, t] = model.new_bool_var(f"x_{c}_{t}")
        model.add_exactly_one(v for (cc, _), v in x.items() if cc == c)
    moved = [x[c, t] for (c, t) in x if t != owner[c]]
    model.add(sum(moved) <= max_moves)
    for (c, t), var in x.items():
        if t != owner[c]:  # joins t next to a commune t keeps
            model.add_bool_or([x[n, t] for n in neighbours[c] if owner[n] == t]).only_enforce_if(
                var
            )
    n, s_total = len(ids), sum(scaled.values()) + sum(offset.values())
    bound = n * (sum(scaled.values()) + sum(abs(v) for v in offset.values())) * 2
    squares = []
    for t in ids:
        if members[t]:  # keeps at least one of its communes
            model.add_bool_or([x[c, t] for c in members[t]])
        tot = sum(scaled[c] * v for (c, tt), v in x.items() if tt == t) + offset[t]
        dev = model.new_int_var(-bound, bound, f"dev_{t}")
        model.add(dev == n * tot - s_total)
        sq = model.new_int_var(0, bound**2, f"sq_{t}")
        model.add_multiplication_equality(sq, [dev, dev])
        squares.append(sq)
    objective = sum(squares)

    _contiguity(model, x, inside, owner, members, pieces, neighbours)
    # balance first, then the fewest moves: at most max_moves < max_moves + 1 moves
    model.minimize(objective * (max_moves + 1) + sum(moved))
    solver = _solver(deterministic_s)
    best: dict[str, int] | None = None
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best = {c: t for (c, t), var in x.items() if solver.value(var)}
    moves = tuple(
        sorted(
            (
                Move(c, names[c], owner[c], t, weight[c], counts[c])
                for c, t in (best or {}).items()
                if t != owner[c]
            ),
            key=lambda m: (m.from_id, m.to_id, m.code),
        )
    )
    after = dict(before)
    for m in moves:
        after[m.from_id] -= m.weight
        after[m.to_id] += m.weight
    return Proposal(
        metric=metric,
        moves=moves,
        before={t: round(v, 6) for t, v in before.items()},
        after={t: round(v, 6) for t, v in after.items()},
        spread_before=spread(list(before.values()), metric=metric),
        spread_after=spread(list(after.values()), metric=metric),
    )


def _contiguity(
    model: cp_model.CpModel,
    x: Mapping[tuple[str, int], cp_model.IntVar],
    inside: Sequence[str],
    owner: Mapping[str, int],
    members: Mapping[int, set[str]],
    pieces: Mapping[int, int],
    neighbours: Mapping[str, set[str]],
) -> None:
    """No territory ends in more pieces than it had: a single-commodity flow per territory.

    Each territory picks at most as many roots among its own communes as it had pieces; every
    commune it ends with receives one unit of flow, sent from a root along adjacent communes
    it also ends with. So each final piece holds a root. Communes that cannot move (all their
    neighbours are of their territory) always stay: each connected group of them is one node.
    """
    fixed = {c for c in inside if all(owner[n] == owner[c] for n in neighbours[c])}
    for t, own in members.items():
        cand = [c for c in inside if (c, t) in x]
        if not own or len(cand) <= 1:
            continue
        node = _contract(cand, fixed & own, neighbours)
        nodes = sorted(set(node.values()))
        size = len(nodes)
        lit = {node[c]: x[c, t] for c in cand if c not in fixed}  # absent: always in t
        roots = {n: model.new_bool_var(f"root_{n}_{t}") for n in sorted({node[c] for c in own})}
        model.add(sum(roots.values()) <= pieces[t])
        for n, r in roots.items():
            if n in lit:
                model.add_implication(r, lit[n])
        inflow: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        outflow: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        arcs = {
            (node[u], node[v])
            for u in cand
            for v in neighbours[u]
            if (v, t) in x and node[u] != node[v]
        }
        for u, v in sorted(arcs):
            f = model.new_int_var(0, size, f"f_{u}_{v}_{t}")
            for end in (u, v):
                if end in lit:
                    model.add(f == 0).only_enforce_if(lit[end].negated())
            outflow[u].append(f)
            inflow[v].append(f)
        for n in nodes:
            supply = model.new_int_var(0, size if n in roots else 0, f"s_{n}_{t}")
            if n in roots:
                model.add(supply == 0).only_enforce_if(roots[n].negated())
            net = sum(inflow[n]) + supply - sum(outflow[n])
            model.add(net == lit.get(n, 1))


def _contract(
    cand: Sequence[str], fixed: set[str], neighbours: Mapping[str, set[str]]
) -> dict[str, str]:
    """Node of each candidate commune: itself, or ``"#k"`` for the k-th group of adjacent
    communes in ``fixed``."""
    node: dict[str, str] = {}
    for start in sorted(fixed):
        if start in node:
            continue
        label = f"#{len({v for v in node.values()})}"
        stack = [start]
        node[start] = label
        while stack:
            for nxt in neighbours[stack.pop()]:
                if nxt in fixed and nxt not in node:
                    node[nxt] = label
                    stack.append(nxt)
    return {c: node.get(c, c) for c in cand}


def choices(units: Sequence[Unit], pairs: Iterable[tuple[str, str]]) -> int:
    """Number of possible moves: each commune to each other territory among its neighbours'."""
    owner = {u.code: u.territory_id for u in units}
    neighbours = _neighbours(owner, pairs)
    return sum(len({owner[n] for n in neighbours[c]} - {owner[c]}) for c in owner)


def _objective(p: Proposal) -> float:
    values = list(p.after.values())
    mean = sum(values) / len(values) if values else 0.0
    return sum((v - mean) ** 2 for v in values)


def propose_best(
    units: Sequence[Unit],
    pairs: Iterable[tuple[str, str]],
    *,
    territory_ids: Sequence[int] | None = None,
    metric: str = "potential_eur_month",
    max_moves: int = 50,
    fixed: Mapping[int, float] | None = None,
) -> Proposal:
    """The better balanced of the heuristic's proposal and CP-SAT's (asked only when there
    are at most :data:`CPSAT_MAX_CHOICES` possible moves); the heuristic's on a tie.

    Parameters and result as :func:`propose_cpsat`.
    """
    pairs = list(pairs)
    options = {
        "territory_ids": territory_ids,
        "metric": metric,
        "max_moves": max_moves,
        "fixed": fixed,
    }
    local = propose(units, pairs, **options)  # type: ignore[arg-type]
    if choices(units, pairs) > CPSAT_MAX_CHOICES:
        return local
    exact = propose_cpsat(units, pairs, **options)  # type: ignore[arg-type]
    return exact if _objective(exact) < _objective(local) - 1e-9 else local
