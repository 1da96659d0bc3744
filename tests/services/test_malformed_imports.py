"""Malformed files: every good row in, every bad row reported with its line and column,
exact counts after each import, nothing half-written (issue 16).

Each file mixes good rows with one kind of damage the attack pass found: NUL bytes, a field
over the CSV reader's 128 kB limit, amounts over ``numeric(14, 2)``, text over its column,
a date that does not exist, lines in two encodings, SIRET clashes within the file and with
the database, broken workbooks.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.accounts.french_csv import XLSX_UNREADABLE
from fieldcrm.accounts.records import AccountRecord, ImportReport
from fieldcrm.errors import InvalidInput
from fieldcrm.services import imports
from fieldcrm.store import account_import

HEADER = "Identifiant;Raison sociale;Ville;Code postal;SIRET;Potentiel;Téléphone;E-mail;Commentaire;Latitude;Longitude"
SIRET_A, SIRET_B = "73282932000074", "55281127400018"


def row(ext: str, name: str, **cells: str) -> str:
    """One line of :data:`HEADER` placed in Nice (coordinates given: no geocoding needed)."""
    values = {
        "ville": "Nice",
        "cp": "06000",
        "siret": "",
        "potentiel": "",
        "tel": "",
        "mail": "",
        "notes": "",
    } | cells
    return ";".join(
        [
            ext,
            name,
            values["ville"],
            values["cp"],
            values["siret"],
            values["potentiel"],
            values["tel"],
            values["mail"],
            values["notes"],
            "43,70",
            "7,26",
        ]
    )


def write(tmp_path: Path, lines: list[str | bytes], name: str = "comptes.csv") -> Path:
    """A CSV file of ``lines`` after the header (text as UTF-8, bytes as they are)."""
    raw = [HEADER.encode("utf-8")] + [
        x if isinstance(x, bytes) else x.encode("utf-8") for x in lines
    ]
    path = tmp_path / name
    path.write_bytes(b"\r\n".join(raw) + b"\r\n")
    return path


def stored(db: Session) -> dict[str, str]:
    """external id → name of every stored account."""
    return dict(db.execute(text("SELECT external_id, name FROM accounts")).all())


def rejected(report: ImportReport) -> list[tuple[int, str]]:
    return [(r.line, r.field) for r in report.rejected]


def test_nul_bytes_reject_their_row_only(db: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("A1", "Alpha"),
            row("A2", "Be\x00ta"),
            row("A3", "Gamma", notes="ok\x00"),
            row("A4", "Delta"),
        ],
    )
    report = imports.import_accounts(db, path)
    assert (report.inserted, report.read) == (2, 4)
    assert rejected(report) == [(3, "name"), (4, "notes")]
    assert report.rejected[0].value == "Be\\x00ta"  # shown, storable as JSON
    assert "caractère nul" in report.rejected[0].reason
    assert stored(db) == {"A1": "Alpha", "A4": "Delta"}
    assert (
        db.execute(text("SELECT jsonb_array_length(rejected) FROM import_runs")).scalar_one() == 2
    )


def test_a_field_over_the_csv_limit_rejects_its_row_and_names_the_column(
    db: Session, tmp_path: Path
) -> None:
    huge = "x" * (csv.field_size_limit() + 10)  # 128 kB: the csv module itself refuses it
    path = write(tmp_path, [row("B1", "Alpha"), row("B2", "Beta", notes=huge), row("B3", "Gamma")])
    report = imports.import_accounts(db, path)
    assert (report.inserted, report.read) == (2, 3)
    assert rejected(report) == [(3, "notes")]
    assert "131\u202f072" in report.rejected[0].reason  # as the pages write numbers
    assert stored(db) == {"B1": "Alpha", "B3": "Gamma"}


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"notes": "n" * 10_001}, "notes"),
        ({"ville": "V" * 201}, "city"),
        ({"tel": "0" * 41}, "phone"),
        ({"mail": "a" * 250 + "@x.fr"}, "email"),
        ({"potentiel": "1e15"}, "potential_eur_month"),
        ({"potentiel": "1 000 000 000 000,00 €"}, "potential_eur_month"),
    ],
)
def test_values_beyond_their_column_are_rejected_per_row(
    db: Session, tmp_path: Path, cells: dict[str, str], field: str
) -> None:
    path = write(tmp_path, [row("C1", "Alpha"), row("C2", "Beta", **cells), row("C3", "Gamma")])
    report = imports.import_accounts(db, path)
    assert (report.inserted, report.read) == (2, 3)
    assert rejected(report) == [(3, field)]
    assert stored(db) == {"C1": "Alpha", "C3": "Gamma"}


def test_a_long_name_is_rejected_never_cut(db: Session, tmp_path: Path) -> None:
    longest, too_long = "N" * 300, "M" * 301
    path = write(tmp_path, [row("D1", longest), row("D2", too_long), row("D3", "Gamma")])
    report = imports.import_accounts(db, path)
    assert (report.inserted, report.read) == (2, 3)
    assert rejected(report) == [(3, "name")]
    assert "300 caractères au plus (301 reçus)" in report.rejected[0].reason
    assert stored(db) == {"D1": longest, "D3": "Gamma"}


def test_mixed_utf8_and_cp1252_lines_are_all_read_right(db: Session, tmp_path: Path) -> None:
    lines: list[str | bytes] = [
        row("E1", "Café de la Gare").encode("utf-8"),
        row("E2", "Boulangerie Étoile").encode("cp1252"),
        row("E3", "Crêperie Œuvre", ville="Nice").encode("utf-8"),
        row("E4", "Brasserie « Le Zoë »").encode("cp1252"),
    ]
    report = imports.import_accounts(db, write(tmp_path, lines))
    assert (report.inserted, report.rejected) == (4, [])
    assert stored(db) == {
        "E1": "Café de la Gare",
        "E2": "Boulangerie Étoile",
        "E3": "Crêperie Œuvre",
        "E4": "Brasserie « Le Zoë »",
    }


def test_a_siret_twice_in_the_file_rejects_the_later_row(db: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [row("F1", "Alpha", siret=SIRET_A), row("F2", "Beta", siret=SIRET_A), row("F3", "Gamma")],
    )
    report = imports.import_accounts(db, path)
    assert (report.inserted, report.read) == (2, 3)
    assert rejected(report) == [(3, "siret")]
    assert report.rejected[0].reason == "SIRET déjà porté par la ligne 2"
    assert stored(db) == {"F1": "Alpha", "F3": "Gamma"}


def test_a_siret_another_stored_account_holds_rejects_that_row(db: Session, tmp_path: Path) -> None:
    imports.import_accounts(db, write(tmp_path, [row("G1", "Alpha", siret=SIRET_A)], "first.csv"))
    path = write(
        tmp_path,
        [
            row("G2", "Beta", siret=SIRET_A),  # a new account with G1's SIRET
            row("G1", "Alpha bis", siret=""),  # G1 itself, renamed
            row("G3", "Gamma", siret=SIRET_B),
        ],
    )
    report = imports.import_accounts(db, path)
    assert (report.inserted, report.updated, report.read) == (1, 1, 3)
    assert rejected(report) == [(2, "siret")]
    assert report.rejected[0].reason == "SIRET déjà porté par le compte « Alpha »"
    assert stored(db) == {"G1": "Alpha bis", "G3": "Gamma"}


def test_two_rows_for_one_stored_account_keep_the_first(db: Session, tmp_path: Path) -> None:
    imports.import_accounts(db, write(tmp_path, [row("H1", "Alpha", siret=SIRET_A)], "first.csv"))
    path = write(tmp_path, [row("H1", "Alpha 2"), row("", "Alpha 3", siret=SIRET_A)])
    report = imports.import_accounts(db, path)
    assert (report.inserted, report.updated, report.read) == (0, 1, 2)
    assert rejected(report) == [(3, "siret")]
    assert report.rejected[0].reason == "même compte que la ligne 2"
    assert stored(db) == {"H1": "Alpha 2"}


def test_a_date_that_does_not_exist_is_rejected_not_read_as_its_month(
    db: Session, tmp_path: Path
) -> None:
    imports.import_accounts(db, write(tmp_path, [row("S1", "Alpha")], "first.csv"))
    sales = tmp_path / "ventes.csv"
    sales.write_text(
        "Identifiant;Date;CA\nS1;28/02/2026;100\nS1;31/02/2026;200\nS1;2026-04-31;300\n"
        "S1;15/01/2026;1e15\nS1;15/03/2026;400\n",
        encoding="utf-8",
    )
    report = imports.import_sales(db, sales)
    assert (report.inserted, report.read) == (2, 5)
    assert rejected(report) == [(3, "month"), (4, "month"), (5, "revenue")]
    assert report.rejected[0].reason == "cette date n’existe pas"
    months = db.execute(text("SELECT month::text, revenue FROM monthly_sales ORDER BY month")).all()
    assert [(m, int(r)) for m, r in months] == [("2026-02-01", 100), ("2026-03-01", 400)]


def _workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for values in rows:
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_BOOK = [
    ["Identifiant", "Raison sociale", "Latitude", "Longitude"],
    ["X1", "Alpha", 43.7, 7.26],
]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-30],  # central directory cut
        lambda _: b"Identifiant;Raison sociale\r\nX1;Alpha\r\n",  # a CSV named .xlsx
        lambda _: bytes.fromhex("d0cf11e0a1b11ae1") + bytes(1000),  # encrypted (OLE)
        lambda _: _zip_of({"[Content_Types].xml": "<Types/>"}),  # a zip, no workbook
        lambda data: _zip_of({"xl/workbook.xml": "<not-closed"}),  # broken XML
    ],
)
def test_a_broken_workbook_is_refused_with_one_message_and_writes_nothing(
    db: Session, tmp_path: Path, damage: object
) -> None:
    path = tmp_path / "comptes.xlsx"
    path.write_bytes(damage(_workbook(GOOD_BOOK)))  # type: ignore[operator]
    with pytest.raises(InvalidInput) as caught:
        imports.import_accounts(db, path)
    assert caught.value.problems[0].message == XLSX_UNREADABLE
    assert stored(db) == {}
    assert db.execute(text("SELECT count(*) FROM import_runs")).scalar_one() == 0


def _zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_good_workbook_with_bad_rows_keeps_its_good_rows(db: Session, tmp_path: Path) -> None:
    path = tmp_path / "comptes.xlsx"
    path.write_bytes(
        _workbook(
            [
                ["Identifiant", "Raison sociale", "Potentiel", "Latitude", "Longitude"],
                ["X1", "Alpha", 1200.5, 43.7, 7.26],
                ["X2", "Beta", 1e15, 43.7, 7.26],
                ["X3", "N" * 301, None, 43.7, 7.26],
                ["X4", "Delta", None, 43.7, 7.26],
            ]
        )
    )
    report = imports.import_accounts(db, path)
    assert (report.inserted, report.read) == (2, 4)
    assert rejected(report) == [(3, "potential_eur_month"), (4, "name")]
    assert stored(db) == {"X1": "Alpha", "X4": "Delta"}


def test_rows_the_database_refuses_are_rejected_and_the_others_copied(db: Session) -> None:
    """The last line of defence: a value that got past the checks fails on its own row."""
    records = [AccountRecord(name=f"Compte {i}", external_id=f"Z{i}", line=i + 2) for i in range(7)]
    records[2] = AccountRecord(name="Nul\x00", external_id="Z2", line=4)
    records[5] = AccountRecord(name="Trop", external_id="Z5", employees=2**40, line=7)
    account_import.create_account_stage(db)
    refused = account_import.copy_accounts(db, records, batch=3)
    assert [(r.line, r.field) for r in refused] == [(4, "name"), (7, "employees")]
    staged = db.execute(text("SELECT line FROM stage_accounts ORDER BY line")).scalars().all()
    assert staged == [2, 3, 5, 6, 8]
