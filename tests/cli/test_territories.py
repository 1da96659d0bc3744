"""``fieldcrm territories …`` on a real, dedicated PostGIS database."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from fieldcrm.cli import app
from fieldcrm.config import get_settings
from fieldcrm.store import migrate
from tests.conftest import _drop, _recreate, _server_url

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    """Exit code and output with rich's line wrapping undone."""
    result = runner.invoke(app, ["territories", *args])
    return result.exit_code, " ".join(result.output.split())


WEST = [[[7.20, 43.65], [7.26, 43.65], [7.26, 43.72], [7.20, 43.72], [7.20, 43.65]]]
EAST = [[[7.26, 43.65], [7.32, 43.65], [7.32, 43.72], [7.26, 43.72], [7.26, 43.65]]]


@pytest.fixture(scope="module")
def cli_db() -> Iterator[str]:
    name = os.environ.get("FIELDCRM_TEST_DB", "fieldcrm_test") + "_territories_cli"
    url = _recreate(_server_url(), name)
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("""INSERT INTO users (id, email, full_name, role) VALUES
                    (10, 'ouest@t.fr', 'Rep Ouest', 'rep'), (11, 'est@t.fr', 'Rep Est', 'rep')""")
        )
        conn.execute(
            text("""INSERT INTO accounts (name, kind, potential_eur_month, geom, geocode_status)
                    SELECT 'C' || i, CASE WHEN i % 3 = 0 THEN 'client' ELSE 'prospect' END,
                           100 + i, ST_SetSRID(ST_MakePoint(7.205 + (i % 10) * 0.011,
                                                            43.655 + (i / 10) * 0.012), 4326),
                           'matched'
                    FROM generate_series(0, 49) AS i""")
        )
        conn.execute(
            text(
                "INSERT INTO accounts (name, geom, geocode_status) VALUES ('Paris', "
                "ST_SetSRID(ST_MakePoint(2.35, 48.85), 4326), 'matched')"
            )
        )
    engine.dispose()
    yield url
    _drop(url)


@pytest.fixture
def env(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("FIELDCRM_DATABASE_URL", cli_db)
    get_settings.cache_clear()
    yield cli_db
    get_settings.cache_clear()


def _feature(name: str, coords: list, **props: object) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, **props},
        "geometry": {"type": "Polygon", "coordinates": coords},
    }


def test_refused_files_change_nothing(env: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_text("")
    result = runner.invoke(app, ["territories", "import", str(empty)])
    assert result.exit_code == 1 and "file" in result.output
    swapped = tmp_path / "swapped.geojson"
    lat_lon = [[[y, x] for x, y in ring] for ring in WEST]
    swapped.write_text(
        json.dumps({"type": "FeatureCollection", "features": [_feature("Inversé", lat_lon)]})
    )
    result = runner.invoke(app, ["territories", "import", str(swapped)])
    assert result.exit_code == 1 and "swapped" in result.output and "Inversé" in result.output
    missing = runner.invoke(app, ["territories", "import", str(tmp_path / "nope.geojson")])
    assert missing.exit_code == 2
    listed = runner.invoke(app, ["territories", "list"])
    assert listed.exit_code == 0 and "Inversé" not in listed.output


def test_import_assign_export_balance_rebalance(env: str, tmp_path: Path) -> None:
    shapes = tmp_path / "t.geojson"
    shapes.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    _feature("Ouest", WEST, rep_email="ouest@t.fr"),
                    _feature("Est", EAST, rep_id=11, priority=2),
                ],
            }
        )
    )
    result = runner.invoke(app, ["territories", "import", str(shapes)])
    assert result.exit_code == 0, result.output
    assert "2 territoire(s) créé(s), 0 mis à jour" in result.output

    preview = runner.invoke(app, ["territories", "assign", "--preview"])
    assert preview.exit_code == 0, preview.output
    assert "Rep Ouest" in preview.output and "Rep Est" in preview.output
    assert "50 compte(s) changeraient" in preview.output
    engine = create_engine(env)
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(owner_id) FROM account_assignments")).scalar_one() == 0
        )

    applied = runner.invoke(app, ["territories", "assign", "--reason", "test CLI"])
    assert applied.exit_code == 0 and "50 compte(s) ont changé" in applied.output
    with engine.connect() as conn:
        owners = dict(
            conn.execute(
                text(
                    "SELECT owner_id, count(*) FROM accounts LEFT JOIN account_assignments ON account_id = id GROUP BY 1 ORDER BY 1"
                )
            ).all()
        )
        assert (
            conn.execute(
                text("SELECT count(*) FROM assignment_history WHERE reason = 'test CLI'")
            ).scalar_one()
            == 50
        )
    # x = 7.205 + k·0.011 ≤ 7.26 for k ≤ 5 → west; the shared border goes east (priority 2)
    assert owners == {10: 25, 11: 25, None: 1}
    again = runner.invoke(app, ["territories", "assign", "--preview"])
    assert "0 compte(s) changeraient" in again.output

    out = tmp_path / "export.geojson"
    exported = runner.invoke(app, ["territories", "export", str(out)])
    assert exported.exit_code == 0
    doc = json.loads(out.read_text())
    assert [f["properties"]["name"] for f in doc["features"]] == ["Ouest", "Est"]
    stdout = runner.invoke(app, ["territories", "export"])
    assert json.loads(stdout.output)["features"][1]["properties"]["rep_id"] == 11
    reimport = runner.invoke(app, ["territories", "import", str(out)])
    assert "0 territoire(s) créé(s), 2 mis à jour" in reimport.output

    balance = runner.invoke(app, ["territories", "balance", "--as-of", "2026-04-15"])
    assert balance.exit_code == 0, balance.output
    assert "Ouest" in balance.output and "potential_eur_month" in balance.output
    bad_date = runner.invoke(app, ["territories", "balance", "--as-of", "15/04/2026"])
    assert bad_date.exit_code == 2

    code, proposal = _run("rebalance", "--metric", "accounts")
    assert code == 0, proposal
    assert "Rien n’est appliqué" in proposal
    code, applied = _run("rebalance", "--metric", "accounts", "--apply")
    # two small boxes hold no whole commune: nothing to move (the service tests apply moves)
    assert code == 0 and "0 commune(s) proposée(s)" in applied
    assert "rien n’est redessiné" in applied
    wrong = runner.invoke(app, ["territories", "rebalance", "--metric", "couleur"])
    assert wrong.exit_code == 1 and "metric" in wrong.output

    overlaps = runner.invoke(app, ["territories", "overlaps"])
    assert "0 chevauchement(s)" in overlaps.output
    with engine.begin() as conn:  # an account with no place yet: in no territory, no gap
        conn.execute(text("INSERT INTO accounts (name) VALUES ('Sans lieu')"))
    code, gaps = _run("gaps")
    assert code == 0 and "Paris" in gaps and "Sans lieu" not in gaps
    # the figures and words of the territories screen (fieldcrm.http.coverage_text)
    assert "1 compte placé hors de tout territoire." in gaps
    assert "1 compte pas encore placé (lieu inconnu)" in gaps
    assert (
        "Sur 52 comptes : 50 dans un territoire, 1 hors de tout territoire, 0 à position à"
        " vérifier (Géocodage), 1 sans position." in gaps
    )
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM accounts WHERE name = 'Sans lieu'"))

    with engine.connect() as conn:
        paris = conn.execute(text("SELECT id FROM accounts WHERE name = 'Paris'")).scalar_one()
    code, queue = _run("queue")
    assert code == 0 and "Paris" in queue and "outside_territories" in queue
    code, given = _run("give", str(paris), "--rep", "11", "--reason", "siège")
    assert code == 0 and "1 compte(s) attribué(s)" in given
    code, queue = _run("queue")
    assert "0 compte(s) sans commercial" in queue
    assert "0 compte(s) changeraient" in _run("assign", "--preview")[1]  # locked
    code, unlocked = _run("unlock", str(paris))
    assert "1 compte(s) déverrouillé(s)" in unlocked
    assert "1 compte(s) changeraient" in _run("assign", "--preview")[1]
    missing = _run("give", "999999", "--rep", "11")
    assert missing[0] == 1 and "999999" in missing[1]

    built = runner.invoke(
        app, ["territories", "build", "Nice", "-c", "06088", "--rep", "10", "--priority", "1"]
    )
    assert built.exit_code == 0, built.output
    overlaps = runner.invoke(app, ["territories", "overlaps"])
    assert "chevauchement(s)" in overlaps.output and "0 chevauchement" not in overlaps.output
    unknown = runner.invoke(app, ["territories", "build", "X", "-c", "99999"])
    assert unknown.exit_code == 1
    engine.dispose()
