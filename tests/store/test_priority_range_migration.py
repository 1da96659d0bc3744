"""Migration 0028: territory priorities out of 0–1000 are brought to the nearest bound, the
table refuses any other value afterwards, and the rule rolls back and again."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fieldcrm.store import migrate
from tests.store.test_migrations import scratch_database

BEFORE = "0027_corridor_points_owner"
AFTER = "0028_territory_priority_range"
INSERT = """INSERT INTO territories (name, geom, priority) VALUES
  (:name, ST_Multi(ST_MakeEnvelope(7.0, 43.5, 7.1, 43.6, 4326)), :priority)"""


def test_out_of_range_priorities_are_clamped_then_refused() -> None:
    with scratch_database("_migrations_0028") as (url, engine):
        migrate.upgrade(url, BEFORE)
        with engine.begin() as conn:
            for name, priority in [("Négatif", -3), ("Trop haut", 1200), ("Normal", 40)]:
                conn.execute(text(INSERT), {"name": name, "priority": priority})
        migrate.upgrade(url, AFTER)
        with engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT name, priority FROM territories")).all())
        assert stored == {"Négatif": 0, "Trop haut": 1000, "Normal": 40}
        with (
            pytest.raises(IntegrityError, match="ck_territories_priority_range"),
            engine.begin() as conn,
        ):
            conn.execute(text(INSERT), {"name": "Refusé", "priority": 1001})
        migrate.downgrade(url, BEFORE)
        with engine.begin() as conn:  # the rule is gone with the revision
            conn.execute(text(INSERT), {"name": "Ancien", "priority": -1})
            conn.execute(text("DELETE FROM territories WHERE name = 'Ancien'"))
        migrate.upgrade(url)
        with engine.connect() as conn:
            again = dict(conn.execute(text("SELECT name, priority FROM territories")).all())
        assert again == stored
