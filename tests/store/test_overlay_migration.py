"""Migration 0026: the territories' overlay marker; the territories the size rule took for
national ones (above 85 000 km²) come out marked, the others not; it rolls back and again."""

from __future__ import annotations

from sqlalchemy import inspect, text

from fieldcrm.store import migrate
from tests.store.test_migrations import scratch_database

BEFORE = "0025_checkin_distance"


def test_existing_national_territories_are_marked_and_the_marker_rolls_back() -> None:
    with scratch_database("_migrations_0026") as (url, engine):
        migrate.upgrade(url, BEFORE)
        with engine.begin() as conn:
            conn.execute(
                text("""INSERT INTO territories (name, geom) VALUES
                  -- about 640 000 km² (metropolitan France's box): national
                  ('France', ST_Multi(ST_MakeEnvelope(-4.5, 42.5, 8.0, 51.0, 4326))),
                  -- about 73 000 km² (3° × 3° in the south): below 85 000 km², local
                  ('Grand Sud', ST_Multi(ST_MakeEnvelope(1.0, 43.0, 4.0, 46.0, 4326))),
                  ('Riviera', ST_Multi(ST_MakeEnvelope(7.34, 43.70, 7.52, 43.79, 4326)))""")
            )
        migrate.upgrade(url, "0026_territory_overlay")
        with engine.connect() as conn:
            marked = dict(
                conn.execute(text("SELECT name, overlay FROM territories ORDER BY name")).all()
            )
            area = conn.execute(
                text(
                    "SELECT ST_Area(geom::geography) / 1e6 FROM territories WHERE name = 'Grand Sud'"
                )
            ).scalar_one()
        assert 70_000 < area < 85_000
        assert marked == {"France": True, "Grand Sud": False, "Riviera": False}
        with engine.begin() as conn:  # a new territory is local unless marked
            conn.execute(
                text("""INSERT INTO territories (name, geom)
                        VALUES ('Nouveau', ST_Multi(ST_MakeEnvelope(5, 45, 6, 46, 4326)))""")
            )
            fresh = conn.execute(
                text("SELECT overlay FROM territories WHERE name = 'Nouveau'")
            ).scalar_one()
        assert fresh is False
        migrate.downgrade(url, BEFORE)
        columns = {c["name"] for c in inspect(engine).get_columns("territories")}
        assert "overlay" not in columns and "priority" in columns
        migrate.upgrade(url)
        with engine.connect() as conn:
            again = dict(conn.execute(text("SELECT name, overlay FROM territories")).all())
        assert again == {"France": True, "Grand Sud": False, "Riviera": False, "Nouveau": False}
