"""Territory use cases on the demo company: CRUD with repairs and refusals, import/export,
overlaps, gaps, balance and the rebalancing proposal (never applied)."""

from __future__ import annotations

import json

import pytest
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.errors import Conflict, Forbidden, InvalidInput, NotFound
from fieldcrm.services import assignment
from fieldcrm.services import territories as svc
from fieldcrm.store import territories as store
from fieldcrm.territories import balance
from tests.conftest import DEMO_TODAY

MANAGER = Actor(id=1, role=Role.MANAGER, name="Claire Lefèvre", team=frozenset({4, 5, 6}))
DISPATCHER = Actor(id=2, role=Role.DISPATCHER, name="Karim Benali")
REP = Actor(id=4, role=Role.REP, name="Camille Martin")

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[7.20, 43.65], [7.25, 43.65], [7.25, 43.70], [7.20, 43.70]]],  # unclosed
}
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[7.2, 43.6], [7.3, 43.7], [7.3, 43.6], [7.2, 43.7], [7.2, 43.6]]],
}


def test_create_repairs_what_is_clear_and_refuses_the_rest(demo_db: Session) -> None:
    new_id, repairs = svc.create_territory(
        demo_db, name="Carré", geometry=SQUARE, rep_id=5, actor=MANAGER
    )
    assert repairs  # the ring was closed
    row = svc.get_territory(demo_db, new_id, actor=REP)
    assert row.geometry is not None and row.geometry.geom_type == "MultiPolygon"
    assert row.geometry.is_valid and row.rep_id == 5 and row.source == "geojson"
    with pytest.raises(InvalidInput) as bow:
        svc.create_territory(demo_db, name="Nœud", geometry=BOW_TIE, actor=MANAGER)
    assert bow.value.field == "geometry" and "bow-tie" in str(bow.value)
    swapped = {
        "type": "Polygon",
        "coordinates": [[[43.65, 7.2], [43.65, 7.25], [43.7, 7.25], [43.65, 7.2]]],
    }
    with pytest.raises(InvalidInput, match="lon/lat swapped"):
        svc.create_territory(demo_db, name="Inversé", geometry=swapped, actor=MANAGER)
    with pytest.raises(InvalidInput, match="empty"):
        svc.create_territory(demo_db, name="Vide", geometry={}, actor=MANAGER)
    with pytest.raises(InvalidInput, match="Polygon"):
        point = {"type": "Point", "coordinates": [7.2, 43.6]}
        svc.create_territory(demo_db, name="Point", geometry=point, actor=MANAGER)


def test_reps_and_dispatchers_may_not_edit_territories(demo_db: Session) -> None:
    for actor in (REP, DISPATCHER):
        with pytest.raises(Forbidden):
            svc.create_territory(demo_db, name="X", geometry=SQUARE, actor=actor)
        with pytest.raises(Forbidden):
            svc.delete_territory(demo_db, 1, actor=actor)
    with pytest.raises(Forbidden):
        svc.balance_report(demo_db, actor=REP)
    assert len(svc.list_territories(demo_db, actor=REP)) == 3


def test_build_update_delete(demo_db: Session) -> None:
    new_id = svc.build_territory(
        demo_db,
        name="Nice et Villefranche",
        communes=["06088"],
        postcodes=["06230"],
        actor=MANAGER,
    )
    row = svc.get_territory(demo_db, new_id, actor=MANAGER)
    nice = svc.boundaries().communes["06088"]
    assert row.geometry is not None and row.geometry.covers(nice.representative_point())
    assert row.source is not None and "06088" in row.source
    dep = svc.build_territory(demo_db, name="Var", departements=["83"], actor=MANAGER)
    assert svc.get_territory(demo_db, dep, actor=MANAGER).area_km2 > 5000
    with pytest.raises(InvalidInput):
        svc.build_territory(demo_db, name="Rien", communes=["99999"], actor=MANAGER)
    repairs = svc.update_territory(
        demo_db, new_id, name="Nice Est", priority=4, geometry=SQUARE, actor=MANAGER
    )
    assert repairs
    row = svc.get_territory(demo_db, new_id, actor=MANAGER)
    assert (row.name, row.priority) == ("Nice Est", 4)
    assert row.geometry is not None and abs(row.geometry.area - 0.05 * 0.05) < 1e-9
    svc.delete_territory(demo_db, new_id, actor=MANAGER)
    with pytest.raises(NotFound):
        svc.get_territory(demo_db, new_id, actor=MANAGER)


def test_import_is_all_or_nothing_and_export_round_trips(demo_db: Session) -> None:
    with pytest.raises(InvalidInput) as empty:
        svc.import_geojson(demo_db, "", actor=MANAGER)
    assert empty.value.field == "file"
    bad = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "OK"}, "geometry": SQUARE},
            {"type": "Feature", "properties": {"name": "Nœud"}, "geometry": BOW_TIE},
            {
                "type": "Feature",
                "properties": {"name": "Z", "rep_email": "x@y.z"},
                "geometry": SQUARE,
            },
        ],
    }
    with pytest.raises(InvalidInput) as all_problems:
        svc.import_geojson(demo_db, json.dumps(bad), actor=MANAGER)
    fields = [p.field for p in all_problems.value.problems]
    assert any("Nœud" in f for f in fields) and any("Z" in f for f in fields)
    assert len(svc.list_territories(demo_db, actor=MANAGER, with_geometry=False)) == 3

    exported = svc.export_geojson(demo_db, actor=MANAGER)
    assert [f["properties"]["name"] for f in exported["features"]] == [
        "Riviera – Monaco",
        "Alpes-Maritimes",
        "Grands comptes France",
    ]
    exported["features"][0]["properties"]["priority"] = 20
    exported["features"].append(
        {"type": "Feature", "properties": {"name": "Nouveau", "rep_id": 5}, "geometry": SQUARE}
    )
    result = svc.import_geojson(demo_db, json.dumps(exported), actor=MANAGER)
    assert result.created == ["Nouveau"] and len(result.updated) == 3
    assert "Nouveau" in result.repairs
    rows = {r.name: r for r in svc.list_territories(demo_db, actor=MANAGER)}
    assert rows["Riviera – Monaco"].priority == 20 and rows["Nouveau"].rep_id == 5
    again = svc.export_geojson(demo_db, actor=MANAGER)
    first = shapely.geometry.shape(again["features"][1]["geometry"])
    assert first.equals_exact(rows["Alpes-Maritimes"].geometry, 1e-9)


def test_overlaps_and_gaps_on_the_demo(demo_db: Session) -> None:
    found = svc.overlaps(demo_db, actor=REP)
    riviera = next(o for o in found if {o.first_id, o.second_id} == {1, 2})
    assert riviera.winner_id == 1 and riviera.area_m2 > 1e6  # priority 10 wins the coast
    total, items = svc.gaps(demo_db, actor=DISPATCHER)
    expected = demo_db.execute(
        text("""SELECT count(*) FROM accounts a WHERE a.geom IS NOT NULL AND NOT EXISTS
                (SELECT 1 FROM territories t WHERE ST_Covers(t.geom, a.geom))""")
    ).scalar_one()
    assert total == expected and len(items) == min(total, 500)
    # a short page still counts every gap; a count alone lists none
    few_total, few = svc.gaps(demo_db, limit=2, actor=DISPATCHER)
    assert (few_total, [i.id for i in few]) == (total, [i.id for i in items[:2]])
    assert svc.gaps(demo_db, limit=0, actor=DISPATCHER) == (total, [])


def test_balance_matches_the_database(demo_db: Session) -> None:
    report = svc.balance_report(demo_db, as_of=DEMO_TODAY, actor=MANAGER)
    by_id = {r.territory_id: r for r in report.rows}
    assert set(by_id) == {1, 2, 3}
    counts = dict(
        demo_db.execute(
            text(
                "SELECT territory_id, count(*) FROM account_assignments"
                " GROUP BY 1 HAVING territory_id > 0"
            )
        ).all()
    )
    assert {k: v.accounts for k, v in by_id.items()} == counts
    for row in report.rows:
        assert row.clients + row.prospects == row.accounts
        assert row.workload_hours_month > 0
    potential = demo_db.execute(
        text(
            "SELECT sum(potential_eur_month)::float FROM accounts LEFT JOIN account_assignments ON account_id = id WHERE territory_id = 1"
        )
    ).scalar_one()
    assert by_id[1].potential_eur_month == pytest.approx(potential or 0.0)
    revenue = demo_db.execute(
        text("""SELECT sum(s.revenue)::float FROM monthly_sales s JOIN accounts a
                ON a.id = s.account_id JOIN account_assignments g ON g.account_id = a.id
                WHERE g.territory_id = 2
                AND s.month >= DATE '2025-04-01' AND s.month < DATE '2026-04-01'""")
    ).scalar_one()
    assert by_id[2].revenue_12m == pytest.approx(revenue)
    # Camille lives in Beausoleil, next to the Riviera box's centroid; Sophie is far from hers
    assert by_id[1].centroid_home_km is not None and by_id[1].centroid_home_km < 15
    assert {s.metric for s in report.spreads} == set(svc.BALANCE_METRICS)
    # the sums added up in PostGIS give what the pure balance computes account by account
    infos = svc._infos(demo_db, store.list_territories(demo_db))
    points = store.account_points(demo_db, as_of=DEMO_TODAY)
    pure = balance.balance(infos, svc._facts(points))
    assert [(r.territory_id, r.accounts, r.clients, r.prospects) for r in pure] == [
        (r.territory_id, r.accounts, r.clients, r.prospects) for r in report.rows
    ]
    for mine, ref in zip(report.rows, pure, strict=True):
        assert mine.potential_eur_month == pytest.approx(ref.potential_eur_month, abs=0.01)
        assert mine.revenue_12m == pytest.approx(ref.revenue_12m, abs=0.01)
        assert mine.workload_hours_month == pytest.approx(ref.workload_hours_month, abs=0.01)
        assert mine.workload_hours_month > 1


def test_rebalance_is_a_proposal_that_evens_the_metric(demo_db: Session) -> None:
    before = demo_db.execute(text("SELECT id, md5(ST_AsBinary(geom)) FROM territories")).all()
    proposal = svc.rebalance_proposal(
        demo_db, metric="accounts", max_moves=10, as_of=DEMO_TODAY, actor=MANAGER
    )
    assert proposal.metric == "accounts"
    # the Riviera box holds most accounts: communes leave it for the Alpes-Maritimes
    assert proposal.spread_after.cv < proposal.spread_before.cv - 0.1
    assert 0 < len(proposal.moves) <= 10
    assert any(m.from_id == 1 and m.to_id == 2 for m in proposal.moves)
    for move in proposal.moves:
        assert move.from_id != move.to_id
    assert sum(proposal.before.values()) == pytest.approx(sum(proposal.after.values()))
    after = demo_db.execute(text("SELECT id, md5(ST_AsBinary(geom)) FROM territories")).all()
    assert before == after  # never applied
    with pytest.raises(InvalidInput):
        svc.rebalance_proposal(demo_db, metric="colour", actor=MANAGER)


def test_a_manager_rebalances_between_their_teams_territories_only(demo_db: Session) -> None:
    """Riviera (Camille) gives communes to the Alpes-Maritimes (Julien) for the whole team;
    a manager of Camille and Sophie only never touches Julien's territory."""
    everyone = svc.rebalance_proposal(
        demo_db, metric="accounts", max_moves=10, as_of=DEMO_TODAY, actor=MANAGER
    )
    assert any(2 in (m.from_id, m.to_id) for m in everyone.moves)
    other_team = Actor(id=7, role=Role.MANAGER, name="Autre", team=frozenset({4, 6}))
    theirs = svc.rebalance_proposal(
        demo_db, metric="accounts", max_moves=10, as_of=DEMO_TODAY, actor=other_team
    )
    assert all({m.from_id, m.to_id} <= {1, 3} for m in theirs.moves)
    assert set(theirs.before) <= {1, 3}


def test_applying_the_proposal_redraws_and_the_preview_shows_who_moves(
    demo_db: Session,
) -> None:
    with pytest.raises(Forbidden):
        svc.apply_rebalance(demo_db, metric="accounts", actor=DISPATCHER)
    proposal = svc.rebalance_proposal(
        demo_db, metric="accounts", max_moves=3, as_of=DEMO_TODAY, actor=MANAGER
    )
    first = proposal.moves[0]
    with pytest.raises(Conflict):  # not in the proposal: it changed since it was read
        svc.apply_rebalance(demo_db, metric="accounts", codes=["00000"], actor=MANAGER)
    done = svc.apply_rebalance(
        demo_db,
        metric="accounts",
        max_moves=3,
        as_of=DEMO_TODAY,
        codes=[first.code],
        actor=MANAGER,
    )
    assert [m.code for m in done.moves] == [first.code]
    assert set(done.territory_ids) == {first.from_id, first.to_id}
    point = svc.boundaries().communes[first.code].representative_point()
    giver = svc.get_territory(demo_db, first.from_id, actor=MANAGER)
    taker = svc.get_territory(demo_db, first.to_id, actor=MANAGER)
    assert giver.geometry is not None and not giver.geometry.covers(point)
    assert taker.geometry is not None and taker.geometry.covers(point)
    # the accounts follow at once, in the run: the commune's accounts (metric = accounts)
    assert assignment.preview_assignment(demo_db, actor=MANAGER).total == 0
    moved = demo_db.execute(
        text("""SELECT from_territory_id, to_territory_id, count(*) FROM assignment_history
                WHERE run_id = :r GROUP BY 1, 2"""),
        {"r": done.run_id},
    ).all()
    assert [tuple(m) for m in moved] == [(first.from_id, first.to_id, first.weight)]
    assert done.accounts == first.weight == first.accounts


def test_the_screen_overview_agrees_with_each_report(
    demo_db: Session,
) -> None:
    view = svc.overview(demo_db, actor=MANAGER, metric="accounts", as_of=DEMO_TODAY)
    assert [r.id for r in view.rows] == [r.id for r in svc.list_territories(demo_db, actor=MANAGER)]
    assert view.balance == svc.balance_report(demo_db, as_of=DEMO_TODAY, actor=MANAGER)
    assert view.overlaps == svc.overlaps(demo_db, actor=MANAGER)
    assert view.gaps == svc.gaps(demo_db, limit=20, actor=MANAGER)
    assert view.proposal == svc.rebalance_proposal(
        demo_db, metric="accounts", as_of=DEMO_TODAY, actor=MANAGER
    )
    assert svc.overview(demo_db, actor=MANAGER).proposal is None
    with pytest.raises(InvalidInput):
        svc.overview(demo_db, actor=MANAGER, metric="colour")
    with pytest.raises(Forbidden):
        svc.overview(demo_db, actor=REP)
