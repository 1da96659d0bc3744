"""On the demo, no rebalancing proposal cuts « Riviera – Monaco » (QA: it handed Roquebrune-Cap-
Martin to the Alpes-Maritimes and took Menton, which then touched nothing Riviera kept, and Gorbio
no longer touched La Turbie) nor any other territory."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput
from fieldcrm.services import territories as svc
from tests.conftest import DEMO_TODAY
from tests.services.test_rebalance_overlay import MANAGER
from tests.territories.small_maps import count_pieces, cut, final_owner, neighbours

RIVIERA = 1
RIVIERA_BODY = {"Beausoleil", "Cap-d'Ail", "Èze", "Gorbio", "Roquebrune-Cap-Martin", "La Turbie"}
"""The demo's Riviera communes that touch one another; Peillon, whose point also falls in the
Riviera box, lies apart beyond La Trinité."""


@pytest.mark.parametrize("metric", svc.METRICS)
def test_no_proposal_cuts_the_riviera(demo_db: Session, metric: str) -> None:
    proposal = svc.rebalance_proposal(demo_db, metric=metric, as_of=DEMO_TODAY, actor=MANAGER)
    units, pairs = svc.rebalance_inputs(
        demo_db, svc.store.list_territories(demo_db), as_of=DEMO_TODAY
    )
    weighed = units[metric]
    nb = neighbours(pairs)
    owner = {u.code: u.territory_id for u in weighed}
    name = {u.code: u.name for u in weighed}
    had = {name[c] for c, t in owner.items() if t == RIVIERA}
    assert had == RIVIERA_BODY | {"Peillon"}
    body = {c for c in owner if name[c] in RIVIERA_BODY}
    assert count_pieces(body, nb) == 1

    final = final_owner(weighed, proposal)
    assert not cut(owner, final, nb)
    kept = {c for c in body if final[c] == RIVIERA}
    assert kept and count_pieces(kept, nb) == 1  # what Riviera keeps of its body touches itself
    for t in set(owner.values()):
        ends = {c for c, f in final.items() if f == t}
        assert count_pieces(ends, nb) <= count_pieces({c for c in owner if owner[c] == t}, nb)
    for m in proposal.moves:  # each newcomer touches a commune its receiver had and keeps
        assert any(owner[n] == m.to_id == final[n] for n in nb[m.code]), m.name


def test_part_of_a_proposal_that_would_cut_a_territory_is_refused(demo_db: Session) -> None:
    """Roquebrune-Cap-Martin handed over without Gorbio (a commune without accounts that the
    proposal moves along) would cut Gorbio off the Riviera: nothing is applied."""
    proposal = svc.rebalance_proposal(demo_db, as_of=DEMO_TODAY, actor=MANAGER)
    code = {m.name: m.code for m in proposal.moves}
    assert {"Roquebrune-Cap-Martin", "Gorbio"} <= set(code)
    shapes = {r.id: r.geometry.wkb for r in svc.store.list_territories(demo_db) if r.geometry}
    with pytest.raises(InvalidInput, match="cut a territory") as err:
        svc.apply_rebalance(
            demo_db, codes=[code["Roquebrune-Cap-Martin"]], as_of=DEMO_TODAY, actor=MANAGER
        )
    assert err.value.problems[0].field == "codes" and "Riviera" in str(err.value)
    after = {r.id: r.geometry.wkb for r in svc.store.list_territories(demo_db) if r.geometry}
    assert after == shapes
