"""A rebalancing leaves overlay territories out and shows what it does to every metric."""

from __future__ import annotations

from fieldcrm.territories.rebalance import Unit, propose
from fieldcrm.territories.rebalance_cpsat import propose_cpsat
from fieldcrm.territories.rebalance_effects import OVERLAY, LeftOut, explain, left_out

# a line of communes a - b - c - d: territory 1 holds a, b, c; territory 2 holds d
LINE = [("a", "b"), ("b", "c"), ("c", "d")]


def line(
    values: dict[str, float], weight_in: dict[str, dict[int, float]] | None = None
) -> list[Unit]:
    owner = {"a": 1, "b": 1, "c": 1, "d": 2}
    return [
        Unit(
            code,
            owner[code],
            values[code],
            name=code.upper(),
            weight_in=(weight_in or {}).get(code, {}),
        )
        for code in "abcd"
    ]


def test_a_marked_territory_is_left_out_whatever_its_size() -> None:
    """The demo's shapes: a carved-out box (145 km², it overlaps its neighbour), a
    département (4 284 km²), and France less that département (544 462 km², marked)."""
    areas = {1: 145.0, 2: 4284.0, 3: 544_462.0}
    assert left_out(areas, overlays={3}) == [LeftOut(3, OVERLAY, 544_462.0)]
    # the mark decides, not the size: a large local territory takes part, a small marked one
    # (key accounts of one city) does not
    assert left_out(areas, overlays=set()) == []
    assert left_out(areas, overlays={1}) == [LeftOut(1, OVERLAY, 145.0)]
    assert left_out(areas, overlays={9}) == []  # not among the territories at hand


def test_the_proposal_shows_every_metric_and_says_the_workload_gets_worse() -> None:
    """Evening the potential hands c to territory 2, whose rep lives far from c: territory 2's
    workload goes from 30 h to 35 h (beyond 32 h), the workload spread grows."""
    potential = line({"a": 3, "b": 3, "c": 4, "d": 2})
    workload = line({"a": 10, "b": 10, "c": 1, "d": 30}, {"c": {2: 5.0}})
    accounts = line({"a": 1, "b": 1, "c": 1, "d": 1})
    proposal = propose(potential, LINE, metric="potential_eur_month")
    assert [(m.code, m.from_id, m.to_id) for m in proposal.moves] == [("c", 1, 2)]
    assert proposal.after == {1: 6.0, 2: 6.0}
    units = {
        "potential_eur_month": potential,
        "accounts": accounts,
        "workload_hours_month": workload,
    }
    before = {
        m: {1: sum(u.weight for u in us if u.territory_id == 1), 2: us[3].weight}
        for m, us in units.items()
    }
    told = explain(proposal, units, before, capacity_hours=32.0)
    # workload first, then the balanced metric, then the others
    assert [e.metric for e in told.effects] == [
        "workload_hours_month",
        "potential_eur_month",
        "accounts",
    ]
    work, pot, acc = told.effects
    assert (work.before, work.after) == ({1: 21.0, 2: 30.0}, {1: 20.0, 2: 35.0})
    assert work.worse and not work.balanced and work.overloaded == work.pushed_over == (2,)
    assert work.spread_after.cv > work.spread_before.cv + 0.05
    assert pot.balanced and not pot.worse and pot.after == proposal.after
    assert (acc.before, acc.after) == ({1: 3.0, 2: 1.0}, {1: 2.0, 2: 2.0})
    assert not acc.worse and acc.overloaded == acc.pushed_over == ()
    # without a capacity nothing is called overloaded; the moves themselves are unchanged
    assert explain(proposal, units, before).effects[0].overloaded == ()
    # a territory already beyond the capacity is overloaded, not pushed over
    again = explain(proposal, units, before, capacity_hours=20.5).effects[0]
    assert (again.overloaded, again.pushed_over) == ((2,), ())
    assert told.moves == proposal.moves and told.left_out == ()


def test_a_commune_that_costs_its_receiver_more_is_weighed_there() -> None:
    """b carries 10 h for territory 1's rep; from territory 2's rep it costs 40 h: moving it
    would make the workload less even, so neither method moves it."""
    pairs = [("a", "b"), ("b", "c")]

    def units(far: float | None) -> list[Unit]:
        into = {2: far} if far is not None else {}
        return [Unit("a", 1, 10.0), Unit("b", 1, 10.0, weight_in=into), Unit("c", 2, 2.0)]

    for method in (propose, propose_cpsat):
        same = method(units(None), pairs, metric="workload_hours_month")
        assert [m.code for m in same.moves] == ["b"] and same.after == {1: 10.0, 2: 12.0}
        nearer = method(units(25.0), pairs, metric="workload_hours_month")
        assert [m.code for m in nearer.moves] == ["b"] and nearer.after == {1: 10.0, 2: 27.0}
        assert method(units(40.0), pairs, metric="workload_hours_month").moves == ()
