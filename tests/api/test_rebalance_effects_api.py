"""``GET /api/territories/rebalance`` answers every metric before and after and the
territories left out, as the screen shows them."""

from __future__ import annotations

from tests.web import ClientFactory


def test_the_proposal_lists_every_metric_and_the_national_territory_left_out(
    api_as: ClientFactory,
) -> None:
    answer = api_as(1).get("/api/territories/rebalance?metric=potential_eur_month&as_of=2026-04-15")
    assert answer.status_code == 200, answer.text
    proposal = answer.json()
    [out] = proposal["left_out"]
    assert (out["territory_id"], out["reason"]) == (3, "overlay")
    assert all(3 not in (m["from_id"], m["to_id"]) for m in proposal["moves"]) and proposal["moves"]
    metrics = [e["metric"] for e in proposal["effects"]]
    assert metrics == ["workload_hours_month", "potential_eur_month", "accounts", "revenue_12m"]
    for effect in proposal["effects"]:
        assert set(effect["before"]) == set(effect["after"]) == {"1", "2"}
        assert effect["balanced"] == (effect["metric"] == "potential_eur_month")
    assert proposal["effects"][1]["after"] == proposal["after"]
    assert proposal["effects"][0]["pushed_over"] == [2]
