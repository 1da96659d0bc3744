"""Rebalancing as a CP-SAT model: the best set of whole-commune moves, each commune at most once.

Same question as :func:`fieldcrm.territories.rebalance.propose` (same units, adjacency,
objective ``Σ (t_k − m)²`` over the territories' totals, same feasibility), answered exactly
instead of by steepest descent:

* one boolean per (commune, territory it may end in): its own territory or that of a neighbour;
  exactly one holds, so a commune moves at most once;
* a commune joining territory B touches a commune that B keeps (B stays in one piece there);
* every territory keeps at least one commune; at most ``max_moves`` communes move;
* the objective is integer: weights are scaled to about :data:`SCALE` in total, and
  ``(n·t_k − S)²`` is minimised (``n`` territories, ``S`` the scaled total, itself a sum of
  the variables when a commune weighs differently in its receiver: ``Unit.weight_in``), which
  orders solutions like ``Σ (t_k − m)²``; among equal balances, the fewest moves;
* no piece of a territory is cut (a donor is never cut in two; a territory already in pieces
  never gains one): for each piece it had, a flow from one of that piece's communes reaches
  every commune of the piece it keeps, through communes of the piece it keeps
  (:func:`_contiguity`).

The last three are the rule of :func:`fieldcrm.territories.contiguity.holds_together`; the
solution is checked against it (:func:`fieldcrm.territories.contiguity.broken`) and one that
broke it would be dropped: the proposal then has no moves, and :func:`propose_best` hands out
the heuristic's, which checks every move it makes.

The search is deterministic: one worker, a fixed seed and a *deterministic* time budget, so a
proposal computed twice on the same data is the same (the apply recomputes and compares).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ortools.sat.python import cp_model

from fieldcrm.territories.balance import spread
from fieldcrm.territories.contiguity import broken, pieces
from fieldcrm.territories.rebalance import (
    Move,
    Proposal,
    Unit,
    propose,
    territory_totals,
    totals_after,
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
    by_code = {u.code: u for u in units}
    ids = sorted(set(territory_ids) if territory_ids is not None else set(owner.values()))
    inside = [c for c in sorted(owner) if owner[c] in ids]
    neighbours = _neighbours({c: owner[c] for c in inside}, pairs)
    members = {t: {c for c in inside if owner[c] == t} for t in ids}
    before = territory_totals(ids, {c: owner[c] for c in inside}, weight, fixed)
    total = sum(abs(v) for v in before.values())
    factor = SCALE / total if total > 0 else 0.0
    offset = {t: round(float((fixed or {}).get(t, 0.0)) * factor) for t in ids}

    model = cp_model.CpModel()
    x: dict[tuple[str, int], cp_model.IntVar] = {}
    for c in inside:
        # a commune of no weight moves only along with others (fewest moves): Gorbio with
        # Roquebrune-Cap-Martin, which would otherwise cut it off
        targets = {owner[n] for n in neighbours[c]}
        for t in sorted({owner[c]} | targets):
            x[c, t] = model.new_bool_var(f"x_{c}_{t}")
        model.add_exactly_one(v for (cc, _), v in x.items() if cc == c)
    scaled = {(c, t): round(by_code[c].weight_at(t) * factor) for (c, t) in x}
    moved = [x[c, t] for (c, t) in x if t != owner[c]]
    model.add(sum(moved) <= max_moves)
    for (c, t), var in x.items():
        if t != owner[c]:  # joins t next to a commune t keeps
            model.add_bool_or([x[n, t] for n in neighbours[c] if owner[n] == t]).only_enforce_if(
                var
            )
    n = len(ids)
    s_total = sum(scaled[key] * v for key, v in x.items()) + sum(offset.values())
    heaviest: dict[str, int] = defaultdict(int)
    for (c, _), w in scaled.items():
        heaviest[c] = max(heaviest[c], w)
    bound = n * (sum(heaviest.values()) + sum(abs(v) for v in offset.values())) * 2
    squares = []
    for t in ids:
        if members[t]:  # keeps at least one of its communes
            model.add_bool_or([x[c, t] for c in members[t]])
        tot = sum(scaled[c, tt] * v for (c, tt), v in x.items() if tt == t) + offset[t]
        dev = model.new_int_var(-bound, bound, f"dev_{t}")
        model.add(dev == n * tot - s_total)
        sq = model.new_int_var(0, bound**2, f"sq_{t}")
        model.add_multiplication_equality(sq, [dev, dev])
        squares.append(sq)
    objective = sum(squares)

    _contiguity(model, x, inside, owner, members, neighbours)
    # balance first, then the fewest moves: at most max_moves < max_moves + 1 moves
    model.minimize(objective * (max_moves + 1) + sum(moved))
    solver = _solver(deterministic_s)
    best: dict[str, int] | None = None
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best = {c: t for (c, t), var in x.items() if solver.value(var)}
        if broken({c: owner[c] for c in inside}, best, neighbours):
            best = None  # never hand out a proposal that cuts a territory (see the docstring)
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
    after = totals_after(before, moves, units)
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
    neighbours: Mapping[str, set[str]],
) -> None:
    """No piece of a territory is cut: a single-commodity flow per piece it had.

    For each piece of each territory, at most one root among the piece's communes, which the
    territory keeps; every commune of the piece that it keeps receives one unit of flow, sent
    from the root along adjacent communes of the piece that it keeps too. So what a territory
    keeps of a piece touches itself; the newcomers touch a kept commune (a constraint of the
    model), so no new piece appears. Communes that cannot move (all their neighbours are of
    their territory) always stay: each connected group of them is one node.
    """
    fixed = {c for c in inside if all(owner[n] == owner[c] for n in neighbours[c])}
    for t, own in members.items():
        for k, piece in enumerate(pieces(own, neighbours)):
            node = _contract(sorted(piece), fixed & piece, neighbours)
            if len(set(node.values())) <= 1:  # one node holds together
                continue
            lit = {node[c]: x[c, t] for c in piece if c not in fixed}  # absent: always kept
            arcs = sorted(
                {(node[u], node[v]) for u in piece for v in neighbours[u] & piece}
                - {(n, n) for n in node.values()}
            )
            _piece_flow(model, f"{t}_{k}", sorted(set(node.values())), lit, arcs)


def _piece_flow(
    model: cp_model.CpModel,
    name: str,
    nodes: Sequence[str],
    lit: Mapping[str, cp_model.IntVar],
    arcs: Sequence[tuple[str, str]],
) -> None:
    """Flow from one root to every node kept (``lit``; absent: always kept), along ``arcs``
    between nodes kept."""
    size = len(nodes)
    roots = {n: model.new_bool_var(f"root_{n}_{name}") for n in nodes}
    model.add(sum(roots.values()) <= 1)
    inflow: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    outflow: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for u, v in arcs:
        f = model.new_int_var(0, size, f"f_{u}_{v}_{name}")
        for end in (u, v):
            if end in lit:
                model.add(f == 0).only_enforce_if(lit[end].negated())
        outflow[u].append(f)
        inflow[v].append(f)
    for n in nodes:
        supply = model.new_int_var(0, size, f"s_{n}_{name}")
        model.add(supply == 0).only_enforce_if(roots[n].negated())
        if n in lit:
            model.add_implication(roots[n], lit[n])
        model.add(sum(inflow[n]) + supply - sum(outflow[n]) == lit.get(n, 1))


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
