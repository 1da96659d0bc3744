"""The demo's national key-accounts territory (marked overlay) takes no part in a
rebalancing, a large unmarked one does, and the proposal gives every metric before and after,
from the balance summary's figures."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import InvalidInput
from fieldcrm.services import territories as svc
from fieldcrm.territories.rebalance_effects import OVERLAY
from tests.conftest import DEMO_TODAY

MANAGER = Actor(id=1, role=Role.MANAGER, name="Claire Lefèvre", team=frozenset({4, 5, 6}))
NATIONAL_ID = 3  # « Grands comptes France »: France less the Alpes-Maritimes, Sophie Durand


@pytest.mark.parametrize("metric", svc.METRICS)
def test_grands_comptes_france_neither_gives_nor_receives(demo_db: Session, metric: str) -> None:
    view = svc.overview(demo_db, actor=MANAGER, metric=metric, as_of=DEMO_TODAY)
    proposal = view.proposal
    assert proposal is not None and view.balance is not None
    [out] = proposal.left_out
    assert (out.territory_id, out.reason) == (NATIONAL_ID, OVERLAY) and out.area_km2 > 500_000
    assert proposal.moves, "the Riviera box and the Alpes-Maritimes still trade communes"
    assert all(NATIONAL_ID not in (m.from_id, m.to_id) for m in proposal.moves)
    assert set(proposal.before) == set(proposal.after) == {1, 2}
    # every metric, workload first, before = the balance summary, the balanced one = the proposal
    assert [e.metric for e in proposal.effects] == [
        "workload_hours_month",
        "potential_eur_month",
        "accounts",
        "revenue_12m",
    ]
    rows = {r.territory_id: r for r in view.balance.rows}
    for effect in proposal.effects:
        assert effect.before == pytest.approx(
            {t: float(getattr(rows[t], effect.metric)) for t in (1, 2)}, abs=1e-6
        )
        assert effect.balanced == (effect.metric == metric)
    [chosen] = [e for e in proposal.effects if e.balanced]
    assert chosen.after == pytest.approx(proposal.after, abs=1e-6)
    counted = next(e for e in proposal.effects if e.metric == "accounts")
    assert sum(counted.after.values()) == sum(counted.before.values())


def test_the_workload_moves_with_the_rep_who_visits(demo_db: Session) -> None:
    """Camille's communes handed to Julien cost Julien's driving, not Camille's: the workload
    after the moves is measured from the receiver's home, and the Alpes-Maritimes is pushed
    beyond a rep's monthly field time."""
    proposal = svc.rebalance_proposal(
        demo_db, metric="potential_eur_month", as_of=DEMO_TODAY, actor=MANAGER
    )
    work = proposal.effects[0]
    units, _ = svc.rebalance_inputs(demo_db, svc.store.list_territories(demo_db), as_of=DEMO_TODAY)
    hours = {u.code: u for u in units["workload_hours_month"]}
    shifted = {t: v for t, v in work.before.items()}
    for m in proposal.moves:
        shifted[m.from_id] -= hours[m.code].weight
        shifted[m.to_id] += hours[m.code].weight
    # communes with accounts (one without, Gorbio, may go along to keep a territory whole)
    received = [m for m in proposal.moves if m.to_id == 2 and m.accounts]
    assert received and all(hours[m.code].weight_at(2) > hours[m.code].weight for m in received)
    assert work.after[2] > shifted[2] + 1  # more than a naive transfer of Camille's hours
    assert work.after[2] > 140 >= work.before[2] and work.pushed_over == (2,)
    assert set(work.overloaded) == {t for t, h in work.after.items() if h > 140}


@pytest.mark.parametrize("path", ["proposal", "overview", "input", "apply"])
def test_an_unknown_metric_is_refused_on_every_path(demo_db: Session, path: str) -> None:
    """One check of the metric's name (``_weighed``), the same refusal on every path, before
    anything is computed or written."""
    rows = svc.store.list_territories(demo_db)
    calls = {
        "proposal": lambda: svc.rebalance_proposal(demo_db, metric="revenue_12m", actor=MANAGER),
        "overview": lambda: svc.overview(demo_db, actor=MANAGER, metric="revenue_12m"),
        "input": lambda: svc.rebalance_input(demo_db, rows, metric="revenue_12m"),
        "apply": lambda: svc.apply_rebalance(demo_db, metric="revenue_12m", actor=MANAGER),
    }
    with pytest.raises(InvalidInput) as err:
        calls[path]()
    (problem,) = err.value.problems
    assert (problem.field, problem.value) == ("metric", "revenue_12m")
    assert problem.allowed == ", ".join(svc.METRICS)
