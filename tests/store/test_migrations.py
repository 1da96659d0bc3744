"""Migrations apply, roll back and re-apply on a real PostGIS database."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, inspect, text

from fieldcrm.store import migrate
from fieldcrm.store.tables import Base
from tests.conftest import _drop, _recreate, _server_url


@contextmanager
def scratch_database(suffix: str) -> Iterator[tuple[str, Engine]]:
    """An empty database of its own (URL and engine), dropped afterwards."""
    name = os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + suffix
    url = _recreate(_server_url(), name)
    engine = create_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()
        _drop(url)


def test_upgrade_downgrade_upgrade_matches_the_model() -> None:
    with scratch_database("_migrations") as (url, engine):
        migrate.upgrade(url)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        migrate.downgrade(url, "base")
        assert set(inspect(engine).get_table_names()) & set(Base.metadata.tables) == set()
        migrate.upgrade(url)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        heads = migrate.current_heads(url)
        assert heads and all(h for h in heads)


def test_accounts_have_a_gist_index_and_french_full_text(db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    indexes = db.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('accounts','activities')"
        )
    ).all()
    defs = {name: d for name, d in indexes}
    assert "gist" in defs["idx_accounts_geom"].lower()
    assert "gin" in defs["ix_activities_report_tsv"].lower()
    db.execute(text("INSERT INTO accounts (name) VALUES ('LAMBDA SARL')"))
    account_id = db.execute(text("SELECT id FROM accounts WHERE name = 'LAMBDA SARL'")).scalar_one()
    db.execute(
        text(
            "INSERT INTO activities (account_id, kind, occurred_at, report) "
            "VALUES (:a, 'visit', now(), 'Les acheteurs souhaitent des remises importantes')"
        ),
        {"a": account_id},
    )
    hits = db.execute(
        text(
            "SELECT count(*) FROM activities WHERE report_tsv @@ plainto_tsquery('french', 'remise')"
        )
    ).scalar_one()
    assert hits == 1


def test_every_foreign_key_leads_an_index(db) -> None:  # type: ignore[no-untyped-def]
    """Deleting a row must not scan the tables that point at it."""
    unindexed = db.execute(
        text(
            """SELECT c.conrelid::regclass::text || '.' || a.attname
               FROM pg_constraint c
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
               WHERE c.contype = 'f' AND NOT EXISTS (
                   SELECT 1 FROM pg_index i
                   WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])"""
        )
    ).scalars()
    assert sorted(unindexed) == []


def test_deleting_accounts_forgets_their_priorities(db) -> None:  # type: ignore[no-untyped-def]
    ids = (
        db.execute(
            text(
                "INSERT INTO accounts (name) VALUES ('Bar du Port'), ('Café de la Gare') RETURNING id"
            )
        )
        .scalars()
        .all()
    )
    db.execute(
        text(
            "INSERT INTO account_priorities (account_id, score, band) "
            "SELECT i, 42, 'high' FROM unnest(CAST(:ids AS int[])) AS i"
        ),
        {"ids": ids},
    )
    db.execute(text("DELETE FROM accounts WHERE id = :i"), {"i": ids[0]})
    kept = db.execute(
        text("SELECT account_id FROM account_priorities WHERE account_id = ANY(:ids)"),
        {"ids": ids},
    ).scalars()
    assert list(kept) == [ids[1]]


def test_priority_parts_survive_the_move_to_typed_columns_and_back() -> None:
    breakdown = {
        "index": 61.5,
        "band": "high",
        "rule_band": "high",
        "rules": [{"rule": "declining-key-account", "points": 30}, {"rule": "sector", "points": 5}],
        "rfm": {"r": 5, "f": 4, "m": 3, "points": 15.0},
        "potential": {"value": 40000.0, "pct": 0.8125, "points": 11.5},
    }
    with scratch_database("_migrations_0005") as (url, engine):
        migrate.upgrade(url, "0004_account_priorities")
        with engine.begin() as conn:
            account = conn.execute(
                text("INSERT INTO accounts (name) VALUES ('LAMBDA SARL') RETURNING id")
            ).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO account_priorities (account_id, score, band, breakdown) "
                    "VALUES (:a, 61.5, 'high', CAST(:b AS jsonb))"
                ),
                {"a": account, "b": json.dumps(breakdown)},
            )
        migrate.upgrade(url)
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT * FROM account_priorities WHERE account_id = :a"), {"a": account}
            ).one()
        assert (row.rule_keys, row.rule_points) == (["declining-key-account", "sector"], [30, 5])
        assert (row.rfm_r, row.rfm_f, row.rfm_m, row.rfm_points) == (5, 4, 3, 15.0)
        assert (row.potential, row.potential_pct, row.potential_points) == (40000.0, 0.8125, 11.5)
        assert row.rule_band == "high"
        migrate.downgrade(url, "0004_account_priorities")
        with engine.connect() as conn:
            back = conn.execute(
                text("SELECT breakdown FROM account_priorities WHERE account_id = :a"),
                {"a": account},
            ).scalar_one()
        assert back == breakdown


def _foreign_keys(conn: Connection, table: str) -> int:
    return int(
        conn.execute(
            text(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid = CAST(:t AS regclass)"
            ),
            {"t": table},
        ).scalar_one()
    )


def test_assignments_survive_the_move_to_their_own_table_and_back() -> None:
    with scratch_database("_migrations_0006") as (url, engine):
        migrate.upgrade(url, "0005_priority_columns")
        with engine.begin() as conn:
            rep = conn.execute(
                text(
                    "INSERT INTO users (email, full_name, role) VALUES ('r@t.fr', 'R', 'rep') "
                    "RETURNING id"
                )
            ).scalar_one()
            zone = conn.execute(
                text(
                    "INSERT INTO territories (name, geom) VALUES "
                    "('Z', ST_Multi(ST_MakeEnvelope(0, 0, 1, 1, 4326))) RETURNING id"
                )
            ).scalar_one()
            owned, locked, free = (
                conn.execute(
                    text(
                        "INSERT INTO accounts (name, owner_id, territory_id, assignment_locked) "
                        "VALUES ('A', :r, :z, false), ('B', NULL, NULL, true), "
                        "('C', NULL, NULL, false) RETURNING id"
                    ),
                    {"r": rep, "z": zone},
                )
                .scalars()
                .all()
            )
        migrate.upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT account_id, owner_id, territory_id, locked "
                    "FROM account_assignments ORDER BY account_id"
                )
            ).all()
            fks = _foreign_keys(conn, "alerts")
        assert [tuple(r) for r in rows] == [(owned, rep, zone, False), (locked, None, None, True)]
        assert fks == 0
        migrate.downgrade(url, "0005_priority_columns")
        with engine.connect() as conn:
            back = conn.execute(
                text(
                    "SELECT id, owner_id, territory_id, assignment_locked FROM accounts ORDER BY id"
                )
            ).all()
            fks = _foreign_keys(conn, "alerts")
        assert [tuple(r) for r in back] == [
            (owned, rep, zone, False),
            (locked, None, None, True),
            (free, None, None, False),
        ]
        assert fks == 3
