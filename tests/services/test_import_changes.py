"""An import names every existing account it changed: line, name before → after, columns."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import imports

HEADER = "Raison sociale;Adresse;Code postal;Ville;SIRET;Potentiel;Type"
FIRST = [
    "Boulangerie Étoile;3 av. de Verdun;06240;Beausoleil;732 829 320 00074;1 234,5;prospect",
    "Café du Port;1 quai Antoine;98000;Monaco;;500;client",
]


def _csv(tmp_path: Path, lines: list[str], name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8"))
    return path


def test_a_reused_siret_is_listed_with_what_it_changed(db: Session, tmp_path: Path) -> None:
    imports.import_accounts(db, _csv(tmp_path, FIRST, "a.csv"))
    etoile = db.execute(text("SELECT id FROM accounts WHERE siret = '73282932000074'")).scalar_one()
    second = [
        # line 2: the same SIRET, another shop: it overwrites the account
        "Garage Central;9 rue Grimaldi;98000;Monaco;732 829 320 00074;9 000;client",
        "Café du Port;1 quai Antoine;98000;Monaco;;500;client",  # unchanged
        "Nouveau;2 rue Neuve;06240;Beausoleil;;;prospect",  # added
    ]
    report = imports.import_accounts(db, _csv(tmp_path, second, "b.csv"))
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 1)
    [changed] = report.changed
    assert (changed.line, changed.account_id) == (2, etoile)
    assert (changed.name_before, changed.name_after) == ("Boulangerie Étoile", "Garage Central")
    assert set(changed.fields) == {
        "name",
        "address_line1",
        "postcode",
        "city",
        "potential_eur_month",
        "kind",
    }
    data = imports.report_dict(report)
    assert data["changed"] == [
        {
            "line": 2,
            "account_id": etoile,
            "name_before": "Boulangerie Étoile",
            "name_after": "Garage Central",
            "fields": list(changed.fields),
        }
    ]


def test_a_reimport_of_the_same_file_lists_no_change(db: Session, tmp_path: Path) -> None:
    path = _csv(tmp_path, FIRST, "a.csv")
    imports.import_accounts(db, path)
    again = imports.import_accounts(db, path)
    assert (again.unchanged, again.changed) == (2, [])
