"""``fieldcrm geocode`` on a dedicated PostGIS database with no network: finishes, every
account ends matched or flagged with a reason, the summary is printed; resumable."""

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

ACCOUNTS = [
    ("A1", "12 bd Gambetta", "06000", "NICE CEDEX 1"),
    ("A2", "3 av. Robert Soleau", "6600", "antibes"),
    ("A3", None, "75015", "Paris"),
    ("A4", "BP 12", "13008", "Marseille"),
    ("A5", "1 rue de Nulle Part", None, "Qwxzyk"),
    ("A6", "5 place Masséna", "06000", "Nice"),
]


@pytest.fixture(scope="module")
def cli_db() -> Iterator[str]:
    name = os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + "_geocode_cli"
    url = _recreate(_server_url(), name)
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (name, address_line1, postcode, city) VALUES (:n, :l, :p, :c)"
            ),
            [{"n": n, "l": line, "p": p, "c": c} for n, line, p, c in ACCOUNTS],
        )
    engine.dispose()
    yield url
    _drop(url)


@pytest.fixture
def env(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("FIELDCRM_DATABASE_URL", cli_db)
    # No network: the online provider points at a closed loopback port, and --offline is used.
    monkeypatch.setenv("FIELDCRM_GEOCODERS", '["ban=http://127.0.0.1:9", "offline"]')
    monkeypatch.setenv("FIELDCRM_GEOCODER_MAX_RETRIES", "0")
    get_settings.cache_clear()
    yield cli_db
    get_settings.cache_clear()


def _statuses(url: str) -> dict[str, tuple[str, str | None]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, geocode_status, geocode_reason FROM accounts")).all()
    engine.dispose()
    return {n: (s, r) for n, s, r in rows}


def test_geocode_offline_in_batches_then_nothing_left(env: str) -> None:
    result = runner.invoke(app, ["geocode", "--offline", "--batch-size", "2"])
    out = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "Fournisseurs : offline — 6 compte(s) à traiter" in out
    assert "Géocodage : résumé" in out
    assert "précision commune │ 2" in out  # A3 (Paris 15e) and A4 (Marseille 8e, BP only)
    assert "à revoir │ 3" in out and "en échec │ 1" in out
    assert "échec ×1 : aucune correspondance" in out
    states = _statuses(env)
    assert states["A3"] == ("matched", None)
    assert states["A5"] == ("failed", "aucune correspondance")
    assert all(s in ("matched", "to_review", "failed") for s, _ in states.values())
    assert all(r for s, r in states.values() if s != "matched")
    again = runner.invoke(app, ["geocode", "--offline"])
    assert "0 compte(s) à traiter" in " ".join(again.output.split())


def test_geocode_selection_with_dead_provider_falls_back(env: str) -> None:
    result = runner.invoke(app, ["geocode", "--account", "1", "--account", "2", "--refresh"])
    out = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "Fournisseurs : ban, offline — 2 compte(s)" in out
    assert "à revoir │ 2" in out and "appels ban │ 2" in out
    assert "Hors service" not in out  # two failures: still below the three that switch it off


def test_reverse_offline(env: str) -> None:
    result = runner.invoke(app, ["geocode", "reverse", "7.2661", "43.7031", "--offline"])
    assert result.exit_code == 0, result.output
    assert "Nice (06088" in result.output
    bad = runner.invoke(app, ["geocode", "reverse", "700", "43"])
    assert bad.exit_code == 2
