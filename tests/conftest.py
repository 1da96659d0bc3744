"""Shared fixtures: a real, migrated PostGIS test database; each test rolled back.

The database name comes from ``FIELDCRM_TEST_DB`` (default ``fieldcrm_test``); the server is
``FIELDCRM_TEST_SERVER_URL`` if set, else the local PostGIS that ``scripts/setup.sh`` prepared
(role and password from the settings, so from ``.env``). Tests create and drop their databases
``fieldcrm_test*`` with that role (CREATEDB, not a superuser); PostGIS comes from ``template1``.
A database that cannot be reached fails the run: no test is skipped for it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from fieldcrm.config import PROJECT_DIR, Settings
from fieldcrm.store import migrate
from fieldcrm.store.embedded import drop_database, local_database_url, recreate_database

DATA = Path(__file__).parent / "data"
DEMO_TODAY = dt.date(2026, 4, 15)
"""Reference date of the seeded demo database used by the ``demo_db`` fixture."""
PLANNING_NOW = dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
"""The planning clock of every test (:func:`fieldcrm.services.plan_dates.now`): midnight in
Paris before every day the tests plan, none of them past; a test about past days or the
hours of today pins its own."""


@pytest.fixture(autouse=True)
def planning_clock(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Pin the planning clock to :data:`PLANNING_NOW` (the tests' days are fixed dates)."""
    from fieldcrm.services import plan_dates

    monkeypatch.setattr(plan_dates, "now", lambda: PLANNING_NOW)
    return PLANNING_NOW


def _server_url() -> str:
    explicit = os.environ.get("FIELDCRM_TEST_SERVER_URL")
    if explicit:
        return explicit
    return local_database_url(Settings(_env_file=PROJECT_DIR / ".env"))


_recreate = recreate_database
_drop = drop_database


@pytest.fixture(scope="session")
def database_url() -> str:
    """URL of a freshly created and migrated test database."""
    name = os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test")
    url = _recreate(_server_url(), name)
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """Engine on the migrated test database."""
    eng = create_engine(database_url, future=True)
    yield eng
    eng.dispose()


def _rolled_back_session(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction rolled back after the test.

    Services may call ``commit()``: it only releases a savepoint.
    """
    yield from _rolled_back_session(engine)


@pytest.fixture(scope="session")
def demo_engine() -> Iterator[Engine]:
    """Engine on a second test database holding the demo company as of :data:`DEMO_TODAY`."""
    from fieldcrm.services.demo import seed_demo

    name = os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + "_demo"
    url = _recreate(_server_url(), name)
    migrate.upgrade(url)
    eng = create_engine(url, future=True)
    with Session(eng) as session:
        seed_demo(session, today=DEMO_TODAY, reset=True)
    yield eng
    eng.dispose()


@pytest.fixture
def demo_db(demo_engine: Engine) -> Iterator[Session]:
    """A rolled-back session on the seeded demo database (seeded once per run)."""
    yield from _rolled_back_session(demo_engine)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test database and a temporary cache folder."""
    return Settings(database_url=database_url, road_cache_dir=tmp_path / "roads", _env_file=None)
