"""An import that changes an account counts as an edit: its version goes up and names the
importer, so an editor holding the version read before the import gets a 409 in French naming
who changed it, instead of silently overwriting the imported values."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

KARIM, ADMIN = 2, 3
HEADER = "Raison sociale;Adresse;Code postal;Ville;Potentiel\r\n"
NAME = "Torréfaction Versionnée"


def _csv(potential: str) -> bytes:
    return (HEADER + f"{NAME};3 rue Grimaldi;06240;Beausoleil;{potential}\r\n").encode("cp1252")


def _xlsx(potential: float) -> bytes:
    book = Workbook()
    book.active.append(["Raison sociale", "Adresse", "Code postal", "Ville", "Potentiel"])
    book.active.append([NAME, "3 rue Grimaldi", "06240", "Beausoleil", potential])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(client: TestClient, name: str, data: bytes) -> dict[str, int]:
    response = client.post("/api/imports/accounts", files={"file": (name, data, "text/csv")})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["rejected"] == [], report
    return {k: report[k] for k in ("inserted", "updated", "unchanged")}


def _state(db: Session) -> tuple[object, ...]:
    return tuple(
        db.execute(
            text(
                """SELECT id, potential_eur_month::float8, sector, version, edited_by
                   FROM accounts WHERE name = :n"""
            ),
            {"n": NAME},
        ).one()
    )


def test_an_editor_who_read_before_an_import_gets_a_409_naming_the_importer(
    api_as: ClientFactory, demo_db: Session
) -> None:
    karim, admin = api_as(KARIM), api_as(ADMIN)
    assert _import(karim, "comptes.csv", _csv("1 000,00")) == {
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
    }
    account, _, _, version, _ = _state(demo_db)
    assert version == 1
    read = admin.get(f"/api/accounts/{account}")
    assert read.headers["ETag"] == '"1"'
    # the import changes the potential: one more version, by Karim
    assert _import(karim, "comptes.csv", _csv("2 000,00"))["updated"] == 1
    assert _state(demo_db) == (account, 2000.0, None, 2, KARIM)
    # the editor's stale version is refused, naming the importer; nothing of theirs is kept
    stale = admin.patch(
        f"/api/accounts/{account}",
        json={"sector": "Torréfacteur", "potential_eur_month": 1500},
        headers={"If-Match": read.headers["ETag"]},
    )
    assert stale.status_code == 409, stale.text
    karim_name = demo_db.execute(text("SELECT full_name FROM users WHERE id = 2")).scalar_one()
    assert stale.json()["detail"] == (
        f"Ce compte a été modifié par {karim_name} entre-temps ; rechargez la page."
    )
    assert _state(demo_db) == (account, 2000.0, None, 2, KARIM)
    # the same file again changes nothing: no new version (nobody's edit is refused for it)
    assert _import(karim, "comptes.csv", _csv("2 000,00"))["unchanged"] == 1
    assert _state(demo_db)[3] == 2
    # a workbook update counts the same
    assert _import(karim, "comptes.xlsx", _xlsx(3000))["updated"] == 1
    assert _state(demo_db) == (account, 3000.0, None, 3, KARIM)
    # read again, the editor's change goes through on top of the import
    fresh = admin.get(f"/api/accounts/{account}").headers["ETag"]
    assert fresh == '"3"'
    done = admin.patch(
        f"/api/accounts/{account}", json={"sector": "Torréfacteur"}, headers={"If-Match": fresh}
    )
    assert done.status_code == 200, done.text
    assert _state(demo_db) == (account, 3000.0, "Torréfacteur", 4, ADMIN)


def test_a_geojson_import_that_redraws_a_territory_counts_as_an_edit(
    api_as: ClientFactory, demo_db: Session
) -> None:
    claire = api_as(1)
    read = claire.get("/api/territories/1")
    name, version = read.json()["properties"]["name"], int(read.headers["ETag"].strip('"'))
    square = [[[7.34, 43.70], [7.53, 43.70], [7.53, 43.79], [7.34, 43.79], [7.34, 43.70]]]
    feature = {
        "type": "Feature",
        "properties": {"name": name, "priority": 4},
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    imported = claire.post(
        "/api/territories/import", json={"type": "FeatureCollection", "features": [feature]}
    )
    assert imported.status_code == 200 and imported.json()["updated"] == [name], imported.text
    stale = claire.patch(
        "/api/territories/1", json={"priority": 9}, headers={"If-Match": read.headers["ETag"]}
    )
    assert stale.status_code == 409, stale.text
    assert stale.json()["detail"].startswith("Ce territoire a été modifié par Claire ")
    row = demo_db.execute(text("SELECT priority, version FROM territories WHERE id = 1")).one()
    assert tuple(row) == (4, version + 1)
