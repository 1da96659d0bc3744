"""``fieldcrm geocode load-ban`` and ``fieldcrm geocode ban`` on a dedicated database: the
sample Paris export loads with a summary, a reload replaces it, a wrong file exits with a
French error naming the missing columns, and the offline run then places accounts at the door."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from fieldcrm.cli import app
from fieldcrm.config import get_settings
from fieldcrm.store import migrate
from tests.conftest import DATA, _drop, _recreate, _server_url

runner = CliRunner()
SAMPLE = DATA / "geocoding" / "ban_75_sample.csv"


@pytest.fixture(scope="module")
def cli_db() -> Iterator[str]:
    name = os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + "_load_ban_cli"
    url = _recreate(_server_url(), name)
    migrate.upgrade(url)
    yield url
    _drop(url)


@pytest.fixture
def env(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("FIELDCRM_DATABASE_URL", cli_db)
    monkeypatch.setenv("FIELDCRM_GEOCODERS", '["offline"]')
    get_settings.cache_clear()
    yield cli_db
    get_settings.cache_clear()


def _one(url: str, sql: str) -> object:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar_one()
    engine.dispose()
    return value


def test_load_reload_list_and_geocode_at_the_door(env: str) -> None:
    rows = sum(1 for _ in SAMPLE.open(encoding="utf-8")) - 1
    first = runner.invoke(app, ["geocode", "load-ban", str(SAMPLE)])
    assert first.exit_code == 0, first.output
    # nine street names, fourteen streets: five of them run over two or three arrondissements
    out = first.output.replace("\n", " ")
    assert f"BAN chargée : département(s) 75 — {rows} adresses, 14 voies" in out
    again = runner.invoke(app, ["geocode", "load-ban", str(SAMPLE)])
    assert again.exit_code == 0, again.output
    assert _one(env, "SELECT count(*) FROM ban_addresses") == rows
    listed = runner.invoke(app, ["geocode", "ban"])
    assert listed.exit_code == 0 and "ban_75_sample.csv" in listed.output
    engine = create_engine(env)
    with engine.begin() as conn:
        conn.execute(
            text(
                """INSERT INTO accounts (name, address_line1, postcode, city)
                   VALUES ('DOOR', '100 r. de Vaugirard', '75006', 'Paris')"""
            )
        )
    engine.dispose()
    run = runner.invoke(app, ["geocode", "--offline"])
    assert run.exit_code == 0, run.output
    assert "précision numéro │ 1" in " ".join(run.output.split())
    assert _one(env, "SELECT geocode_provider FROM accounts WHERE name = 'DOOR'") == "offline-ban"


def test_a_wrong_file_is_refused_in_french(env: str, tmp_path: Path) -> None:
    wrong = tmp_path / "comptes.csv"
    wrong.write_text("nom;ville\nA;Nice\n", encoding="utf-8")
    result = runner.invoke(app, ["geocode", "load-ban", str(wrong)])
    assert result.exit_code == 1
    assert "file" in result.output and "numero" in result.output
