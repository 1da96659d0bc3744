"""Imports on a real PostGIS: upsert, idempotence, rejections, all-or-nothing, export round trip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fieldcrm.services import imports
from fieldcrm.store.tables import Account, MonthlySale

HEADER = (
    "Raison sociale;Adresse;Code postal;Ville;SIRET;Potentiel;Type;Identifiant;Latitude;Longitude"
)
GOOD = [
    'LAMBDA SARL;12 bd des Moulins;06240;Beausoleil;;"40 000,00 €";Client;C001;43,7370;7,4230',
    "Boulangerie Étoile;3 av. de Verdun;6240;Beausoleil;732 829 320 00074;1 234,5;prospect;C002;;",
    "Sans identifiant;8 rue Grimaldi;98000;Monaco;;;client;;;",
]


def _csv(
    tmp_path: Path, lines: list[str], name: str = "comptes.csv", encoding: str = "cp1252"
) -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding))
    return path


def _count(db: Session) -> int:
    return db.execute(select(func.count()).select_from(Account)).scalar_one()


def test_import_then_reimport_changes_nothing(db: Session, tmp_path: Path) -> None:
    path = _csv(tmp_path, GOOD)
    first = imports.import_accounts(db, path)
    assert (first.inserted, first.updated, first.unchanged, first.rejected) == (3, 0, 0, [])
    lambda_ = db.execute(select(Account).where(Account.external_id == "C001")).scalar_one()
    assert lambda_.potential_eur_month == Decimal("40000.00")
    assert lambda_.geocode_status == "matched"
    assert (
        db.execute(
            text("SELECT ST_AsText(geom) FROM accounts WHERE external_id='C001'")
        ).scalar_one()
        == "POINT(7.423 43.737)"
    )
    second = imports.import_accounts(db, path)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    assert _count(db) == 3


def test_changed_address_resets_geocoding_and_siret_matches(db: Session, tmp_path: Path) -> None:
    imports.import_accounts(db, _csv(tmp_path, GOOD))
    db.execute(
        text(
            "UPDATE accounts SET geocode_status='matched', geom=ST_MakePoint(7.43,43.74)::geometry "
            "WHERE siret='73282932000074'"
        )
    )
    db.execute(
        text("UPDATE accounts SET geom = ST_SetSRID(geom, 4326) WHERE siret='73282932000074'")
    )
    moved = [
        "Boulangerie Étoile;5 av. de Verdun;06240;Beausoleil;73282932000074;1 234,5;prospect;;;"
    ]
    report = imports.import_accounts(db, _csv(tmp_path, moved, "moved.csv"))
    assert (report.inserted, report.updated) == (0, 1)
    row = db.execute(select(Account).where(Account.siret == "73282932000074")).scalar_one()
    assert row.address_line1 == "5 av. de Verdun"
    assert row.geocode_status == "pending" and row.geom is None


def test_bad_rows_are_reported_and_good_rows_kept(db: Session, tmp_path: Path) -> None:
    lines = [
        *GOOD,
        ";x;06000;Nice;;;;C9;;",
        "Y;1 rue;6O00;Nice;;abc;;C10;;",
        "Z;1;06000;Nice;;;;C11;95,0;;",
    ]
    report = imports.import_accounts(db, _csv(tmp_path, lines))
    assert report.inserted == 3
    assert [(r.line, r.field) for r in report.rejected] == [
        (5, "name"),
        (6, "postcode"),
        (6, "potential_eur_month"),
        (7, "lat"),  # out of range
        (7, "lon"),  # and missing: a latitude needs its longitude
    ]
    runs = db.execute(text("SELECT inserted, jsonb_array_length(rejected) FROM import_runs")).all()
    assert runs == [(3, 5)]


def test_interruption_midway_writes_nothing(db: Session, tmp_path: Path) -> None:
    imports.import_accounts(db, _csv(tmp_path, GOOD[:1], "first.csv"))
    before = _count(db)

    def interrupt(line: int) -> None:
        if line >= 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        imports.import_accounts(db, _csv(tmp_path, GOOD), progress=interrupt)
    assert _count(db) == before
    assert db.execute(text("SELECT count(*) FROM import_runs")).scalar_one() == 1


def test_sales_import_upserts_and_rejects_unknown_accounts(db: Session, tmp_path: Path) -> None:
    imports.import_accounts(db, _csv(tmp_path, GOOD))
    sales = tmp_path / "ventes.csv"
    sales.write_text(
        "Identifiant;Mois;CA\nC001;2025-03;10 000,00\nC001;mars 2026;8 850,00 €\n"
        "C404;2026-03;1\nC002;03/2026;oops\n",
        encoding="utf-8",
    )
    report = imports.import_sales(db, sales)
    assert (report.inserted, report.updated) == (2, 0)
    assert [(r.line, r.field) for r in report.rejected] == [(4, "external_id"), (5, "revenue")]
    again = imports.import_sales(db, sales)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    total = db.execute(select(func.sum(MonthlySale.revenue))).scalar_one()
    assert total == Decimal("18850.00")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_round_trip_is_unchanged(db: Session, tmp_path: Path, suffix: str) -> None:
    imports.import_accounts(db, _csv(tmp_path, GOOD))
    out = tmp_path / f"export{suffix}"
    assert imports.export_accounts(db, out) == 3
    report = imports.import_accounts(db, out)
    assert (report.inserted, report.updated, report.unchanged, report.rejected) == (0, 0, 3, [])
