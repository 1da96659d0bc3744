"""A database of its own for the worker tests: workers commit, in other processes too."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.config import Settings
from fieldcrm.store import migrate
from tests.conftest import _drop, _recreate, _server_url

WORKER_TABLES = (
    "procrastinate_periodic_defers, procrastinate_events, procrastinate_jobs, "
    "procrastinate_workers, scheduled_runs, jobs, import_runs, notifications, alerts, "
    "accounts, territories, rules, users"
)  # CASCADE empties the tables that refer to these


@pytest.fixture(scope="session")
def worker_url() -> Iterator[str]:
    """A migrated database for tests whose workers commit."""
    name = os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + "_worker"
    url = _recreate(_server_url(), name)
    migrate.upgrade(url)
    yield url
    _drop(url)


@pytest.fixture
def worker_engine(worker_url: str) -> Iterator[Engine]:
    """An engine on the worker database, emptied after each test."""
    engine = create_engine(worker_url, future=True)
    yield engine
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {WORKER_TABLES} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def sessions(worker_engine: Engine) -> sessionmaker[Session]:
    """Committing sessions on the worker database."""
    return sessionmaker(bind=worker_engine, expire_on_commit=False, autoflush=False)


@pytest.fixture
def worker_settings(worker_url: str, tmp_path: Path) -> Settings:
    """Settings on the worker database (no SMTP server unless a test gives one)."""
    return Settings(database_url=worker_url, road_cache_dir=tmp_path / "roads", _env_file=None)
