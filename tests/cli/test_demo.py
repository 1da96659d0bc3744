"""``fieldcrm demo`` never erases a database silently; ``make demo`` (``--if-empty``) re-runs."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from fieldcrm.cli import app
from fieldcrm.config import get_settings
from fieldcrm.store import migrate
from tests.conftest import _drop, _recreate, _server_url

runner = CliRunner()


@pytest.fixture
def empty_db(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, empty database of its own, configured as FIELDCRM_DATABASE_URL."""
    url = _recreate(_server_url(), os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + "_democli")
    migrate.upgrade(url)
    monkeypatch.setenv("FIELDCRM_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    _drop(url)


def _said(result) -> str:  # type: ignore[no-untyped-def]
    """The command's output on one line (the console wraps long lines)."""
    return " ".join(result.output.split())


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_a_non_empty_database_is_refused_and_kept(empty_db: str) -> None:
    engine = create_engine(empty_db)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO users (email, full_name, role) VALUES ('a@b.fr', 'Alice', 'admin')")
        )
        conn.execute(
            text(
                "INSERT INTO audit_log (action, entity, entity_id) VALUES ('create', 'user', '1'), "
                "('update', 'user', '1')"
            )
        )
    engine.dispose()
    refused = runner.invoke(app, ["demo", "--no-rules", "--today", "2026-04-15"])
    assert refused.exit_code == 1
    assert "1 utilisateur, 2 entrées du journal d’audit" in _said(refused)
    assert "--force" in _said(refused)
    kept = runner.invoke(app, ["demo", "--if-empty", "--no-rules", "--today", "2026-04-15"])
    assert kept.exit_code == 0
    assert "démo non recréée" in _said(kept)
    assert _count(empty_db, "users") == 1 and _count(empty_db, "accounts") == 0
    both = runner.invoke(app, ["demo", "--force", "--if-empty"])
    assert both.exit_code == 2


def test_an_empty_database_is_seeded_then_never_wiped_silently(empty_db: str) -> None:
    first = runner.invoke(app, ["demo", "--if-empty", "--no-rules", "--today", "2026-04-15"])
    assert first.exit_code == 0, first.output
    assert "Démo prête" in _said(first)
    engine = create_engine(empty_db)
    with engine.begin() as conn:  # something the demo does not make: it must survive
        conn.execute(text("UPDATE accounts SET name = 'GARDÉ' WHERE id = 1"))
    engine.dispose()
    again = runner.invoke(app, ["demo", "--no-rules", "--today", "2026-04-15"])
    assert again.exit_code == 1
    assert "2 000 comptes" in _said(again) and "6 utilisateurs" in _said(again)
    served = runner.invoke(app, ["demo", "--if-empty", "--no-rules", "--today", "2026-04-15"])
    assert served.exit_code == 0 and "démo non recréée" in _said(served)
    forced = runner.invoke(app, ["demo", "--force", "--no-rules", "--today", "2026-04-15"])
    assert forced.exit_code == 0, forced.output
    engine = create_engine(empty_db)
    with engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM accounts WHERE id = 1")).scalar_one()
    engine.dispose()
    assert name != "GARDÉ", "--force replaces the data"
