"""The import report in its reader's language: an English reader reads the rejected rows'
reasons and columns in English, a French reader in French (the import's own headers, never a
field's key); rows stored before the reasons were kept as data are read from their text. A
workbook that cannot be opened is named by the file's own name."""

from __future__ import annotations

import csv
import html
import re
from contextlib import nullcontext

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.services import imports
from tests.web import ClientFactory

QA_FILE = "\n".join(
    [
        "Identifiant;SIRET;Raison sociale;Adresse;Code postal;Ville;Type;Secteur;Effectif;"
        "Potentiel mensuel (€)",
        "QA20-001;;Café QA20 Un;12 Boulevard Albert 1er;98000;Monaco;prospect;Café-bar;5;1200,50",
        "QA20-002;;;3 Rue Grimaldi;98000;Monaco;prospect;Café-bar;4;800",
        "QA20-004;;Café QA20 Quatre;7 Rue Partouneaux;06500;Menton;prospect;Café-bar;deux;1000",
        "QA20-005;;Café QA20 Cinq;9 Quai Bonaparte;06500;Menton;client;Café-bar;8;beaucoup",
        "QA20-006;;Café QA20 Six;1 Avenue Boyer;06500;Menton;prospect;Café-bar;2;-50",
        "QA20-007;;Café QA20 Sept;2 Avenue Boyer;06500;Menton;prospect;Café-bar;20000000;10",
        "QA20-001;;Café QA20 Un bis;12 Boulevard Albert 1er;98000;Monaco;prospect;Café-bar;5;1",
    ]
)


def _run(
    api_as: ClientFactory,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    filename: str = "comptes.csv",
) -> str:
    """The job page of an accounts import of ``data`` run to its end."""
    answer = api_as(3).post(
        "/import",
        data={"kind": "accounts"},
        files={"file": (filename, data, "application/octet-stream")},
        follow_redirects=False,
    )
    job_page = answer.headers["location"]
    monkeypatch.setattr(imports, "PROGRESS_EVERY_S", 1e9)
    imports.run_import_job(lambda: nullcontext(db), int(job_page.rsplit("/", 1)[1]))
    return job_page


def _rows(page: str) -> list[list[str]]:
    start = page.index('id="rejected"')
    table = page[start : page.index("</table>", start)]
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", table)
    return [row.replace("&#34;", '"').split("</td><td>") for row in rows]


def test_rejected_rows_are_worded_in_the_readers_language(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_page = _run(api_as, demo_db, monkeypatch, QA_FILE.encode("utf-8"))
    admin = api_as(3)
    assert _rows(admin.get(job_page + "?lang=en").text) == [
        ["3", "company name", "the company name is required", ""],
        ["4", "headcount", "unreadable number", "deux"],
        ["5", "monthly potential", "unreadable amount", "beaucoup"],
        ["6", "monthly potential", "cannot be negative", "-50"],
        ["7", "headcount", "whole number from 0 to 10,000,000 expected", "20000000"],
        ["8", "ID", "duplicate of line 2", "QA20-001"],
    ]
    assert _rows(admin.get(job_page + "?lang=fr").text) == [
        ["3", "raison sociale", "la raison sociale est obligatoire", ""],
        ["4", "effectif", "nombre illisible", "deux"],
        ["5", "potentiel mensuel", "montant illisible", "beaucoup"],
        ["6", "potentiel mensuel", "ne peut pas être négatif", "-50"],
        ["7", "effectif", "nombre entier de 0 à 10\u202f000\u202f000 attendu", "20000000"],
        ["8", "identifiant", "doublon de la ligne 2", "QA20-001"],
    ]


def test_rows_stored_as_french_text_only_are_read_in_english_too(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report stored before its reasons were kept as data: its fixed reasons are worded
    through the catalogue, one with fields it cannot read stays as stored."""
    job_page = _run(api_as, demo_db, monkeypatch, QA_FILE.encode("utf-8"))
    demo_db.execute(
        text("""
        UPDATE jobs SET result = jsonb_set(result, '{rejected}', (
                 SELECT jsonb_agg(r - 'code' - 'params' ORDER BY (r->>'line')::int)
                   FROM jsonb_array_elements(result->'rejected') r))
         WHERE id = :id"""),
        {"id": int(job_page.rsplit("/", 1)[1])},
    )
    rows = _rows(api_as(3).get(job_page + "?lang=en").text)
    assert [row[2] for row in rows] == [
        "the company name is required",
        "unreadable number",
        "unreadable amount",
        "cannot be negative",
        "nombre entier de 0 à 10\u202f000\u202f000 attendu",
        "doublon de la ligne 2",
    ]


def test_a_damaged_workbook_is_named_by_its_own_name(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_page = _run(
        api_as, demo_db, monkeypatch, b"PK\x03\x04 not a workbook", filename="Comptes QA 2026.xlsx"
    )
    page = api_as(3).get(job_page).text
    assert "fichier Excel illisible" in page
    assert "Comptes QA 2026.xlsx" in page
    assert "upload.xlsx" not in page


def _job_error(page: str) -> str:
    found = re.search(r'<p class="error" role="alert" id="job-error">(.*?)</p>', page, re.S)
    assert found, page
    return html.unescape(found.group(1))


FRENCH = re.compile(r"illisible|fichier|abîmé|classeur|caractères|champ|ligne|reçu|en-tête")


def test_a_damaged_workbook_reads_english_to_an_english_reader(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_page = _run(
        api_as, demo_db, monkeypatch, b"PK\x03\x04 not a workbook", filename="Comptes QA.xlsx"
    )
    admin = api_as(3)
    english = _job_error(admin.get(job_page + "?lang=en").text)
    assert english.startswith("file: unreadable Excel file: it is damaged or incomplete")
    assert "(got “Comptes QA.xlsx”)" in english
    assert not FRENCH.search(english), english
    french = _job_error(admin.get(job_page + "?lang=fr").text)
    assert french.startswith(
        "fichier : fichier Excel illisible : il est abîmé ou incomplet, protégé par un mot de passe"
    )
    assert "(reçu : « Comptes QA.xlsx »)" in french


def test_a_csv_field_beyond_the_readers_limit_reads_in_the_readers_language(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = csv.field_size_limit()
    data = "\n".join(
        [
            QA_FILE.split("\n")[0],
            f"QA21-001;;Café Long;1 Rue Longue;06500;Menton;prospect;{'x' * (limit + 1)};2;10",
            "QA21-002;;Café Court;2 Rue Courte;06500;Menton;prospect;Café-bar;2;10",
        ]
    )
    job_page = _run(api_as, demo_db, monkeypatch, data.encode("utf-8"))
    admin = api_as(3)
    (english,) = _rows(admin.get(job_page + "?lang=en").text)
    assert english == ["2", "sector", f"field longer than {limit:,} characters", ""]
    (french,) = _rows(admin.get(job_page + "?lang=fr").text)
    grouped = f"{limit:,}".replace(",", "\u202f")
    assert french == ["2", "secteur", f"champ de plus de {grouped} caractères", ""]


def test_a_header_beyond_the_readers_limit_reads_in_the_readers_language(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = csv.field_size_limit()
    data = f"Identifiant;{'x' * (limit + 1)}\nQA21-001;1\n"
    job_page = _run(api_as, demo_db, monkeypatch, data.encode("utf-8"))
    admin = api_as(3)
    english = _job_error(admin.get(job_page + "?lang=en").text)
    assert english.startswith(f"file: unreadable header: field longer than {limit:,} characters")
    assert not FRENCH.search(english), english
    french = _job_error(admin.get(job_page + "?lang=fr").text)
    grouped = f"{limit:,}".replace(",", "\u202f")
    assert french.startswith(
        f"fichier : en-tête illisible : champ de plus de {grouped} caractères"
    ), french
