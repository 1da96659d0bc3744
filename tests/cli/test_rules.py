"""``fieldcrm rules …`` and ``fieldcrm notify send`` on a real, dedicated PostGIS database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from fieldcrm.cli import app
from fieldcrm.config import PACKAGE_DATA, get_settings
from fieldcrm.store import migrate
from tests.conftest import _drop, _recreate, _server_url

runner = CliRunner()


@pytest.fixture(scope="module")
def cli_db() -> Iterator[str]:
    name = os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + "_rules_cli"
    url = _recreate(_server_url(), name)
    migrate.upgrade(url)
    yield url
    _drop(url)


@pytest.fixture
def env(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("FIELDCRM_DATABASE_URL", cli_db)
    monkeypatch.setenv("FIELDCRM_SMTP_PORT", "1")  # nothing listens: deliveries must retry
    get_settings.cache_clear()
    yield cli_db
    get_settings.cache_clear()


def test_validate_prints_every_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules:\n  - key: a\n    when: {revenue_vs_last_year: {month: mars, below_pct: 10}}\n"
        "    then: [{priority: {add: x}}]\n"
    )
    result = runner.invoke(app, ["rules", "validate", str(bad)])
    assert result.exit_code == 1
    assert "rules[0].when.revenue_vs_last_year.month" in result.output
    assert "rules[0].then[0].priority.add" in result.output
    ok = runner.invoke(
        app, ["rules", "validate", str(PACKAGE_DATA / "rules" / "stale_prospect.yaml")]
    )
    assert ok.exit_code == 0 and "2 règle(s) valide(s)" in ok.output


def test_import_list_run_and_send(env: str) -> None:
    engine = create_engine(env)
    with engine.begin() as conn:
        conn.execute(
            text("""
            INSERT INTO users (id, email, full_name, role) VALUES (1, 'rep@x.fr', 'Rep', 'rep');
            INSERT INTO accounts (id, name, kind, created_at)
            VALUES (1, 'VIEUX PROSPECT [/b]', 'prospect', '2025-12-01 12:00+01');
            INSERT INTO account_assignments (account_id, owner_id) VALUES (1, 1);""")
        )
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        assert runner.invoke(app, ["rules", "import", str(path)]).exit_code == 0
    listed = runner.invoke(app, ["rules", "list"])
    assert "declining-key-account" in listed.output and "stale-prospect" in listed.output

    dry = runner.invoke(app, ["rules", "run", "--dry-run", "--date", "2026-04-02"])
    assert dry.exit_code == 0, dry.output
    assert "stale-prospect : 1" in dry.output
    # data is printed as it is: brackets are not console markup
    assert "VIEUX PROSPECT [/b]" in dry.output and "[fieldcrm]" in dry.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alerts")).scalar() == 0

    for _ in range(2):
        run = runner.invoke(app, ["rules", "run", "--date", "2026-04-02"])
        assert run.exit_code == 0, run.output
    assert "nouvelles alertes 0" in run.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alerts")).scalar() == 1

    sent = runner.invoke(app, ["notify", "send"])
    assert sent.exit_code == 0 and "envoyées 1, à réessayer 1" in sent.output
    bad_date = runner.invoke(app, ["rules", "run", "--date", "02/04/2026"])
    assert bad_date.exit_code == 2
    engine.dispose()
