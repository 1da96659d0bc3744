"""The territories screen tells one story: the rebalancing proposal starts from the balance
summary's figures (same territories, same measure), moves only communes that carry
something, and a territory whose workload one rep cannot cover is flagged."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.services import territories as svc
from fieldcrm.territories import balance
from tests.conftest import DEMO_TODAY

MANAGER = Actor(id=1, role=Role.MANAGER, name="Claire Lefèvre", team=frozenset({4, 5, 6}))


@pytest.mark.parametrize("metric", svc.METRICS)
def test_the_proposal_starts_from_the_balance_summary(demo_db: Session, metric: str) -> None:
    view = svc.overview(demo_db, actor=MANAGER, metric=metric, as_of=DEMO_TODAY)
    assert view.balance is not None and view.proposal is not None
    # the territories taking part: all but the national one (« Grands comptes France »)
    out = {o.territory_id for o in view.proposal.left_out}
    assert out == {3}
    summary = {
        r.territory_id: float(getattr(r, metric))
        for r in view.balance.rows
        if r.territory_id not in out
    }
    assert view.proposal.before == pytest.approx(summary, abs=1e-6)
    spread = balance.spread(list(summary.values()), metric=metric)
    assert view.proposal.spread_before.cv == pytest.approx(spread.cv, abs=1e-9)
    if metric != "workload_hours_month":  # hours are counted from the receiving rep's home
        assert sum(view.proposal.after.values()) == pytest.approx(sum(summary.values()), abs=1e-6)
    assert view.proposal.spread_after.cv <= spread.cv
    # a commune of no weight (no euros, no accounts) brings nothing by itself: it moves only
    # along with weighed communes between the same territories (to keep them in one piece,
    # Gorbio with Roquebrune-Cap-Martin)
    weighed = {(m.from_id, m.to_id) for m in view.proposal.moves if m.weight > 0 and m.accounts > 0}
    assert weighed
    assert all((m.from_id, m.to_id) in weighed for m in view.proposal.moves)


def test_a_territory_beyond_a_reps_field_time_is_flagged(demo_db: Session) -> None:
    report = svc.balance_report(demo_db, as_of=DEMO_TODAY, actor=MANAGER)
    loads = sorted(r.workload_hours_month for r in report.rows)
    assert report.capacity_hours == balance.FIELD_HOURS_MONTH == 140.0
    assert {r.territory_id for r in report.overloaded} == {
        r.territory_id for r in report.rows if r.workload_hours_month > 140.0
    }
    # between the two largest workloads: exactly the largest is flagged
    cut = (loads[-1] + loads[-2]) / 2
    view = svc.overview(demo_db, actor=MANAGER, as_of=DEMO_TODAY, capacity_hours=cut)
    assert view.balance is not None
    assert [r.workload_hours_month for r in view.balance.overloaded] == [loads[-1]]
    with pytest.raises(Exception, match="capacity_hours"):
        balance.overloaded(report.rows, 0)
