"""Territories in PostGIS: the one-statement assignment agrees with the pure ``assign_points``.

Same shapes, same points, both paths: shared borders, holes, overlaps decided by priority,
then area, then id, points in no territory; locks, history and the preview diff.
"""

from __future__ import annotations

import random

import pytest
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict, InvalidInput, NotFound
from fieldcrm.geo import GeoPoint
from fieldcrm.store import assignment as assign_store
from fieldcrm.store import territories as store
from fieldcrm.territories.assign import TerritoryShape, assign_points

DONUT = Polygon(
    [(7.3, 43.5), (7.5, 43.5), (7.5, 43.7), (7.3, 43.7)],
    [[(7.35, 43.55), (7.45, 43.55), (7.45, 43.65), (7.35, 43.65)]],
)
TRIANGLE = Polygon([(7.2, 43.75), (7.45, 43.9), (7.25, 43.95)])

# id → (geometry, priority, 0 to 1000: the filler lowest). Created in this order so the ids
# are 1..n on a fresh sequence only by luck; the test maps names to the ids the database gives.
SHAPES: dict[str, tuple[BaseGeometry, int]] = {
    "west": (box(7.0, 43.5, 7.1, 43.6), 5),
    "east": (box(7.1, 43.5, 7.2, 43.6), 5),  # shares the border x = 7.1 with west
    "donut": (DONUT, 5),
    "filler": (box(7.37, 43.57, 7.43, 43.63), 0),  # inside the donut's hole
    "big": (box(7.0, 43.6, 7.3, 43.9), 5),
    "small": (box(7.0, 43.6, 7.1, 43.7), 5),  # inside big: smaller area wins
    "twin": (box(7.05, 43.65, 7.15, 43.75), 5),  # same area as small: lowest id wins
    "vip": (box(7.12, 43.62, 7.18, 43.68), 8),  # inside big: priority wins
    "tri": (TRIANGLE, 6),
    "multi": (MultiPolygon([box(7.6, 43.5, 7.65, 43.55), box(7.7, 43.5, 7.75, 43.55)]), 5),
}

EDGE_POINTS = [
    (7.1, 43.55),  # shared border west/east
    (7.0, 43.5),  # outer corner
    (7.4, 43.6),  # in the donut's hole, covered by the filler
    (7.36, 43.56),  # in the hole, outside the filler
    (7.35, 43.6),  # on the hole's edge: the donut covers it
    (7.37, 43.6),  # on the filler's edge
    (7.08, 43.68),  # small ∩ twin ∩ big
    (7.15, 43.65),  # vip ∩ twin ∩ big
    (7.1, 43.7),  # small ∩ twin corner ∩ big
    (7.3, 43.75),  # big's edge, near the triangle
    (7.25, 43.85),  # triangle ∩ big
    (7.625, 43.525),  # first part of the multipolygon
    (7.675, 43.525),  # between the parts
    (2.35, 48.85),  # Paris: nowhere
]


def _user(db: Session, email: str, role: str = "rep") -> int:
    return int(
        db.execute(
            text("INSERT INTO users (email, full_name, role) VALUES (:e, :e, :r) RETURNING id"),
            {"e": email, "r": role},
        ).scalar_one()
    )


def _accounts(db: Session, coords: list[tuple[float, float]]) -> list[int]:
    rows = db.execute(
        text("""INSERT INTO accounts (name, geom, geocode_status)
                SELECT 'A' || n, ST_SetSRID(ST_MakePoint(x, y), 4326), 'matched'
                FROM unnest(CAST(:xs AS float8[]), CAST(:ys AS float8[])) WITH ORDINALITY
                     AS p(x, y, n)
                ORDER BY n RETURNING id"""),
        {"xs": [c[0] for c in coords], "ys": [c[1] for c in coords]},
    ).scalars()
    return [int(i) for i in rows]


@pytest.fixture
def world(db: Session) -> dict[str, int]:
    reps = [_user(db, f"rep{i}@t.fr") for i in range(len(SHAPES))]
    ids = {}
    for (name, (geom, priority)), rep in zip(SHAPES.items(), reps, strict=True):
        ids[name] = store.create_territory(
            db, name=name, geometry=geom, rep_id=rep, priority=priority
        )
    return ids


def test_postgis_assignment_equals_the_pure_path(db: Session, world: dict[str, int]) -> None:
    rng = random.Random(4)
    coords = list(EDGE_POINTS)
    coords += [(rng.uniform(6.95, 7.8), rng.uniform(43.45, 44.0)) for _ in range(1500)]
    # points on vertices and edges of the shapes (grid of 0.01° hits many of them exactly)
    coords += [(7.0 + i * 0.05, 43.5 + j * 0.05) for i in range(16) for j in range(10)]
    account_ids = _accounts(db, coords)
    shapes = [TerritoryShape(world[n], g, p) for n, (g, p) in SHAPES.items()]
    expected = assign_points([GeoPoint(x, y) for x, y in coords], shapes)

    preview = assign_store.preview_assignment(db)
    applied = assign_store.assign_all(db, actor_id=None, reason="test")
    assert sorted(preview, key=repr) == sorted(applied, key=repr)
    got = dict(
        db.execute(
            text(
                "SELECT id, territory_id FROM accounts LEFT JOIN account_assignments ON account_id = id WHERE id = ANY(:ids)"
            ),
            {"ids": account_ids},
        ).all()
    )
    assert [got[i] for i in account_ids] == expected
    # the edge cases by name
    name_of = {v: k for k, v in world.items()}
    edge = [name_of.get(got[i]) for i in account_ids[: len(EDGE_POINTS)]]
    assert edge == [
        "west",
        "west",
        "filler",
        None,
        "donut",
        "filler",
        "small",
        "vip",
        "small",
        "big",
        "tri",
        "multi",
        None,
        None,
    ]
    # owner follows the territory's rep; accounts in no territory have no owner
    owners = db.execute(
        text("""SELECT count(*) FILTER (WHERE s.owner_id IS DISTINCT FROM t.rep_id)
                FROM accounts a LEFT JOIN account_assignments s ON s.account_id = a.id
                LEFT JOIN territories t ON t.id = s.territory_id""")
    ).scalar_one()
    assert owners == 0


def test_preview_writes_nothing_and_history_records_every_change(
    db: Session, world: dict[str, int]
) -> None:
    ids = _accounts(db, [(7.05, 43.55), (7.15, 43.55), (7.15, 43.56), (2.35, 48.85)])
    preview = assign_store.preview_assignment(db)
    assert sum(m.accounts for m in preview) == 3  # Paris has nothing to change
    assert db.execute(text("SELECT count(*) FROM assignment_history")).scalar_one() == 0
    east = next(m for m in preview if m.to_territory_id == world["east"])
    assert east.accounts == 2 and east.from_rep_id is None and east.to_rep_name
    assign_store.assign_all(db, actor_id=None, reason="first")
    hist = assign_store.history(db, account_id=ids[1])
    assert len(hist) == 1 and hist[0].to_territory_id == world["east"]
    assert hist[0].reason == "first" and hist[0].from_rep_id is None
    assert assign_store.preview_assignment(db) == []  # idempotent
    assert assign_store.assign_all(db, actor_id=None, reason="again") == []

    # the border moves: east grows over the west square; one account changes rep
    store.update_territory(db, world["east"], geometry=box(7.0, 43.5, 7.2, 43.6), priority=6)
    moves = assign_store.preview_assignment(db)
    assert len(moves) == 1 and moves[0].accounts == 1
    assert moves[0].from_territory_id == world["west"] and moves[0].to_territory_id == world["east"]


def test_locked_accounts_keep_their_manual_owner(db: Session, world: dict[str, int]) -> None:
    dispatcher = _user(db, "disp@t.fr", "dispatcher")
    special = _user(db, "special@t.fr")
    ids = _accounts(db, [(7.05, 43.55), (7.06, 43.55)])
    assign_store.assign_all(db, actor_id=None, reason="auto")
    changed = assign_store.manual_assign(
        db, [ids[0]], rep_id=special, actor_id=dispatcher, reason="client historique"
    )
    assert changed == 1
    assign_store.assign_all(db, actor_id=None, reason="auto")
    row = db.execute(
        text("SELECT owner_id, locked FROM account_assignments WHERE account_id = :i"),
        {"i": ids[0]},
    ).one()
    assert row.owner_id == special and row.locked
    hist = assign_store.history(db, account_id=ids[0])
    assert hist[0].changed_by == dispatcher and hist[0].reason == "client historique"
    # unlock: the next assignment gives it back to the territory's rep
    assert assign_store.set_lock(db, [ids[0]], locked=False) == 1
    assert assign_store.set_lock(db, [ids[0]], locked=False) == 0
    moves = assign_store.assign_all(db, actor_id=None, reason="auto")
    assert [(m.from_rep_id, m.accounts) for m in moves] == [(special, 1)]
    with pytest.raises(NotFound):
        assign_store.manual_assign(db, [999_999], rep_id=special, actor_id=None, reason="x")
    db.execute(text("UPDATE users SET active = false WHERE id = :i"), {"i": special})
    with pytest.raises(InvalidInput, match="deactivated"):
        assign_store.manual_assign(db, [ids[1]], rep_id=special, actor_id=None, reason="x")


def test_queue_gaps_and_crud(db: Session, world: dict[str, int]) -> None:
    ids = _accounts(db, [(7.05, 43.55), (2.35, 48.85)])
    db.execute(text("INSERT INTO accounts (name) VALUES ('nowhere')"))
    store.update_territory(db, world["west"], rep_id=None)
    assign_store.assign_all(db, actor_id=None, reason="auto")
    total, queue = assign_store.unassigned(db)
    reasons = {q.name: q.reason for q in queue}
    assert total == 3
    assert reasons == {
        "A1": "territory_without_rep",
        "A2": "outside_territories",
        "nowhere": "not_located",
    }
    gap_total, gap_items = store.uncovered_accounts(db)
    assert gap_total == 1 and gap_items[0].id == ids[1]
    with pytest.raises(Conflict):
        store.create_territory(db, name="west", geometry=box(0, 0, 1, 1))
    with pytest.raises(InvalidInput):
        store.update_territory(db, world["west"], colour="red")
    with pytest.raises(InvalidInput) as bad:
        store.create_territory(
            db, name="x" * 201, geometry=box(0, 0, 1, 1), priority=2**40, color="#" * 21
        )
    assert [p.field for p in bad.value.problems] == ["name", "priority", "color"]
    store.delete_territory(db, world["west"])
    with pytest.raises(NotFound):
        store.get_territory(db, world["west"])
    with pytest.raises(NotFound):
        store.delete_territory(db, world["west"])
