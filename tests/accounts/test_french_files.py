"""French-proof reading and validation of account and sales files (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.accounts.french_csv import iter_rows, map_headers, sniff_delimiter
from fieldcrm.accounts.numbers import parse_amount, parse_month
from fieldcrm.accounts.parse import parse_accounts, parse_sales
from fieldcrm.accounts.records import ACCOUNT_FIELDS, SALE_FIELDS, AccountRecord, Rejected
from fieldcrm.accounts.siret import luhn_ok, normalize_siret
from fieldcrm.errors import InvalidInput

HEADER_FR = "Raison sociale;Adresse;Code postal;Ville;SIRET;Potentiel;Type;Identifiant"
ROWS = [
    'LAMBDA SARL;12 bd des Moulins;06240;Beausoleil;;"40 000,00 €";Client;C001',
    "Boulangerie Étoile;3 av. de Verdun;6240;Beausoleil;732 829 320 00074;1 234,5;prospect;C002",
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12 345,50 €", Decimal("12345.50")),
        ("12\u202f345,50\u00a0€", Decimal("12345.50")),
        ("12.345,50", Decimal("12345.50")),
        ("12,345.50", Decimal("12345.50")),
        ("1234.5", Decimal("1234.5")),
        ("1.234.567", Decimal("1234567")),
        ("-3,5", Decimal("-3.5")),
        ("(3,5)", Decimal("-3.5")),
        ("40 k€", Decimal("40000")),
        ("", None),
        (12.5, Decimal("12.5")),
    ],
)
def test_amounts_as_french_spreadsheets_write_them(raw: object, expected: Decimal | None) -> None:
    assert parse_amount(raw, field="revenue") == expected


@pytest.mark.parametrize("raw", ["abc", "1,2,3", "12 €€ x", "nan"])
def test_bad_amount_names_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_amount(raw, field="revenue")
    assert caught.value.field == "revenue"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_french_formatting_round_trips(value: Decimal) -> None:
    sign = "-" if value < 0 else ""
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    assert parse_amount(f"{sign}{grouped},{cents} €", field="x") == value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03", dt.date(2026, 3, 1)),
        ("03/2026", dt.date(2026, 3, 1)),
        ("15/03/2026", dt.date(2026, 3, 1)),
        ("mars 2026", dt.date(2026, 3, 1)),
        ("Févr. 2025", dt.date(2025, 2, 1)),
        ("March 2026", dt.date(2026, 3, 1)),
        (dt.datetime(2026, 3, 17, 10), dt.date(2026, 3, 1)),
    ],
)
def test_months(raw: object, expected: dt.date) -> None:
    assert parse_month(raw, field="month") == expected


def test_bad_month_is_rejected_with_field() -> None:
    with pytest.raises(InvalidInput, match="month"):
        parse_month("13/2026", field="month")


def test_siret_checksum_and_la_poste_exception() -> None:
    assert normalize_siret("732 829 320 00074") == "73282932000074"
    assert normalize_siret("356 000 000 49837") == "35600000049837"  # La Poste: digit sum % 5
    with pytest.raises(InvalidInput, match="La Poste"):
        normalize_siret("35600000049838")
    with pytest.raises(InvalidInput, match="clé de contrôle"):
        normalize_siret("73282932000075")
    with pytest.raises(InvalidInput, match="14 chiffres"):
        normalize_siret("7328293200007")
    assert luhn_ok("73282932000074")


def test_delimiter_sniffing() -> None:
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter("a,b,c") == ","
    assert sniff_delimiter("a\tb\tc") == "\t"


def test_headers_french_english_and_explicit_mapping() -> None:
    headers = ["Raison Sociale", "CODE POSTAL", "Ville ", "N° SIRET", "Chiffre d'affaires", "Foo"]
    assert map_headers(headers, wanted=ACCOUNT_FIELDS) == {
        0: "name",
        1: "postcode",
        2: "city",
        3: "siret",
    }
    mapped = map_headers(
        ["Nom client", "Zip"], wanted=ACCOUNT_FIELDS, mapping={"Nom client": "name"}
    )
    assert mapped == {0: "name", 1: "postcode"}
    with pytest.raises(InvalidInput, match="mapping"):
        map_headers(["Nom client"], wanted=ACCOUNT_FIELDS, mapping={"Absent": "name"})
    with pytest.raises(InvalidInput, match="unknown target"):
        map_headers(["Nom client"], wanted=ACCOUNT_FIELDS, mapping={"Nom client": "nope"})


def _write(path: Path, text: str, encoding: str, newline: str = "\r\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_encodings_all_read_the_same(tmp_path: Path, encoding: str) -> None:
    text = "\n".join([HEADER_FR, *ROWS]) + "\n"
    if encoding == "latin-1":
        text = text.replace("€", "EUR")
    path = _write(tmp_path / "comptes.csv", text, encoding)
    records = list(parse_accounts(iter_rows(path, wanted=ACCOUNT_FIELDS)))
    assert all(isinstance(r, AccountRecord) for r in records)
    names = [r.name for r in records if isinstance(r, AccountRecord)]
    assert names == ["LAMBDA SARL", "Boulangerie Étoile"]
    second = records[1]
    assert isinstance(second, AccountRecord)
    assert second.postcode == "06240"  # leading zero restored
    assert second.siret == "73282932000074"
    assert second.potential_eur_month == Decimal("1234.5")


def test_comma_separated_english_headers(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "accounts.csv",
        'Company,Address,Zip,City,Potential,Kind\n"ACME, Inc",1 rue A,75001,Paris,"1,5",client\n',
        "utf-8",
    )
    (record,) = parse_accounts(iter_rows(path, wanted=ACCOUNT_FIELDS))
    assert isinstance(record, AccountRecord)
    assert record.name == "ACME, Inc" and record.kind == "client"
    assert record.potential_eur_month == Decimal("1.5")


def test_every_bad_row_is_reported_with_line_and_column(tmp_path: Path) -> None:
    text = (
        "\n".join(
            [
                HEADER_FR,
                ROWS[0],
                ";sans nom;06000;Nice;;;;C003",
                "Bad;1 rue X;6O00;Nice;;abc;;C004",
                "Bad siret;1 rue Y;06000;Nice;12345678901234;;;C005",
                "",
                "Dup;;06000;Nice;;;;C001",
                "Kind;;06000;Nice;;;fournisseur;C006",
            ]
        )
        + "\n"
    )
    path = _write(tmp_path / "bad.csv", text, "utf-8")
    results = list(parse_accounts(iter_rows(path, wanted=ACCOUNT_FIELDS)))
    rejected = [(r.line, r.field) for r in results if isinstance(r, Rejected)]
    assert rejected == [
        (3, "name"),
        (4, "postcode"),
        (4, "potential_eur_month"),
        (5, "siret"),
        (7, "external_id"),
        (8, "kind"),
    ]
    assert [r.name for r in results if isinstance(r, AccountRecord)] == ["LAMBDA SARL"]


def test_xlsx_with_numbers_and_dates(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Identifiant", "Mois", "CA"])
    sheet.append(["C001", dt.datetime(2026, 3, 1), 12345.5])
    sheet.append(["C001", "avril 2026", "9 876,00 €"])
    sheet.append(["C002", "pas un mois", 1])
    path = tmp_path / "ventes.xlsx"
    workbook.save(path)
    results = list(parse_sales(iter_rows(path, wanted=SALE_FIELDS)))
    assert [getattr(r, "month", None) for r in results[:2]] == [
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    ]
    assert results[1].revenue == Decimal("9876.00")  # type: ignore[union-attr]
    assert isinstance(results[2], Rejected) and (results[2].line, results[2].field) == (4, "month")


def test_empty_and_unknown_files(tmp_path: Path) -> None:
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty"):
        list(iter_rows(empty, wanted=ACCOUNT_FIELDS))
    odd = tmp_path / "x.csv"
    odd.write_text("foo;bar\n1;2\n")
    with pytest.raises(InvalidInput, match="no known column"):
        list(iter_rows(odd, wanted=ACCOUNT_FIELDS))
    with pytest.raises(InvalidInput, match="unsupported"):
        list(iter_rows(tmp_path / "x.pdf", wanted=ACCOUNT_FIELDS))


def test_a_header_without_known_columns_lists_the_headers_read_and_no_cli_option(
    tmp_path: Path,
) -> None:
    """What is allowed is the headers of the kind of file read, as people write them; the
    command line's --map is the command line's to mention, not the web import's."""
    odd = tmp_path / "x.csv"
    odd.write_text("foo;bar\n1;2\n")
    with pytest.raises(InvalidInput) as caught:
        list(iter_rows(odd, wanted=ACCOUNT_FIELDS))
    allowed = caught.value.problems[0].allowed or ""
    assert "--map" not in allowed
    assert allowed.startswith("identifiant, SIRET, raison sociale, adresse")
    with pytest.raises(InvalidInput) as caught:
        list(iter_rows(odd, wanted=("external_id", "month", "revenue")))
    assert caught.value.problems[0].allowed == "identifiant, mois, chiffre d’affaires"
