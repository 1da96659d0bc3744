"""``/healthz`` answers while the process is up; ``/readyz`` names the check that fails.

Each test changes the demo database inside its rolled-back transaction (worker heartbeats, the
alembic revision), so nothing outlives it.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.app import create_app
from fieldcrm.config import Settings
from fieldcrm.store.health import migration_heads
from tests.web import TEST_SECRET

WORKER_TABLE_DDL = """
CREATE TABLE procrastinate_workers (
    id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    last_heartbeat timestamptz NOT NULL DEFAULT now()
)"""


def _workers(db: Session, *heartbeat_ages_s: float) -> None:
    """Exactly these workers, whose last heartbeats are so many seconds old."""
    if db.execute(text("SELECT to_regclass('procrastinate_workers')")).scalar() is None:
        db.execute(text(WORKER_TABLE_DDL))  # the queue's migration is not there yet
    db.execute(text("DELETE FROM procrastinate_workers"))
    for age in heartbeat_ages_s:
        db.execute(
            text(
                "INSERT INTO procrastinate_workers (last_heartbeat) "
                "VALUES (clock_timestamp() - make_interval(secs => :age))"
            ),
            {"age": age},
        )


def _checks(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in body["checks"]}


def test_healthz_answers_ok_without_login(anonymous: TestClient) -> None:
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_with_a_fresh_heartbeat_at_the_migrations_head(
    anonymous: TestClient, demo_db: Session
) -> None:
    _workers(demo_db, 5.0)
    response = anonymous.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    checks = _checks(body)
    assert set(checks) == {"database", "migrations", "worker"}
    assert all(c["ok"] for c in checks.values())
    assert all(head in checks["migrations"]["detail"] for head in migration_heads())


def test_an_old_heartbeat_is_not_ready(anonymous: TestClient, demo_db: Session) -> None:
    _workers(demo_db, 300.0)
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    checks = _checks(body)
    assert body["status"] == "fail"
    assert checks["worker"] == {
        "name": "worker",
        "ok": False,
        "detail": "no worker heartbeat within 60 s (start `fieldcrm worker`)",
    }
    assert checks["database"]["ok"] and checks["migrations"]["ok"], "only the worker fails"


def test_no_worker_registered_is_not_ready(anonymous: TestClient, demo_db: Session) -> None:
    _workers(demo_db)
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert not _checks(response.json())["worker"]["ok"]


def test_a_missing_worker_table_is_named(anonymous: TestClient, demo_db: Session) -> None:
    _workers(demo_db, 1.0)
    demo_db.execute(text("ALTER TABLE procrastinate_workers RENAME TO procrastinate_workers_away"))
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    worker = _checks(response.json())["worker"]
    assert worker == {
        "name": "worker",
        "ok": False,
        "detail": "no worker table (migrations not applied?)",
    }


def test_an_old_schema_revision_is_not_ready(anonymous: TestClient, demo_db: Session) -> None:
    _workers(demo_db, 1.0)
    before = demo_db.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    demo_db.execute(text("UPDATE alembic_version SET version_num = '0001_initial'"))
    try:
        response = anonymous.get("/readyz")
    finally:  # the rollback restores it too; say so explicitly
        demo_db.execute(text("DELETE FROM alembic_version"))
        for revision in before:
            demo_db.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:r)"), {"r": revision}
            )
    assert response.status_code == 503
    checks = _checks(response.json())
    assert not checks["migrations"]["ok"]
    assert "0001_initial" in checks["migrations"]["detail"]
    assert "fieldcrm db upgrade" in checks["migrations"]["detail"]
    assert checks["database"]["ok"] and checks["worker"]["ok"], "only the migrations fail"
    assert set(before) == set(migration_heads()), "the test database is back at the head"


@pytest.fixture
def unreachable() -> TestClient:
    """The app on a database server that refuses connections (a password in its URL)."""
    engine = create_engine(
        "postgresql+psycopg://fieldcrm:s3cret-pw-xyz@127.0.0.1:1/nowhere?connect_timeout=2"
    )
    settings = Settings(
        database_url="postgresql+psycopg://unused/unused",
        secret_key=TEST_SECRET,
        secure_cookies=False,
        _env_file=None,
    )
    return TestClient(create_app(settings, sessions=sessionmaker(bind=engine)))


def test_healthz_does_not_touch_the_database(unreachable: TestClient) -> None:
    response = unreachable.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_an_unreachable_database_fails_readiness_without_leaking_it(
    unreachable: TestClient,
) -> None:
    response = unreachable.get("/readyz")
    assert response.status_code == 503
    checks = _checks(response.json())
    assert not checks["database"]["ok"]
    assert checks["database"]["detail"].startswith("database unavailable")
    assert not checks["migrations"]["ok"] and not checks["worker"]["ok"]
    for secret in ("s3cret-pw-xyz", "127.0.0.1", "nowhere", "fieldcrm:"):
        assert secret not in response.text
