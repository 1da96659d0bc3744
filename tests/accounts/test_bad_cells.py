"""Reading damaged files and checking edits, without a database (issue 16)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.accounts.edits import check_changes
from fieldcrm.accounts.french_csv import iter_rows, raw_lines
from fieldcrm.accounts.numbers import parse_month
from fieldcrm.accounts.parse import parse_accounts
from fieldcrm.accounts.records import ACCOUNT_FIELDS, AccountRecord, Rejected
from fieldcrm.errors import InvalidInput


@given(
    st.lists(st.sampled_from([b"a", b";", b"\r", b"\n", b"\xe9", b"\xc3\xa9"]), max_size=60),
    st.integers(1, 7),
)
def test_raw_lines_split_as_the_csv_module_expects_whatever_the_block_size(
    parts: list[bytes], block: int
) -> None:
    data = b"".join(parts)
    assert list(raw_lines(io.BytesIO(data), block=block)) == data.splitlines(keepends=True)


def _read(tmp_path: Path, data: bytes) -> list[tuple[int, object]]:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    return list(iter_rows(path, wanted=ACCOUNT_FIELDS))


def test_each_line_is_decoded_on_its_own(tmp_path: Path) -> None:
    data = (
        b"Raison sociale;Ville\r\n"
        + "Café;Nice\r\n".encode("cp1252")
        + "Crème;Nîmes\r\n".encode()
        + "Zoë;Èze\r\n".encode("cp1252")
    )
    rows = _read(tmp_path, b"\xef\xbb\xbf" + data)
    assert rows == [
        (2, {"name": "Café", "city": "Nice"}),
        (3, {"name": "Crème", "city": "Nîmes"}),
        (4, {"name": "Zoë", "city": "Èze"}),
    ]


def test_a_field_over_the_csv_limit_is_a_rejection_naming_its_column(tmp_path: Path) -> None:
    huge = "x" * (csv.field_size_limit() + 1)
    data = f'Ville;Raison sociale;Secteur\nNice;A;x\nNice;"{huge}";x\nNice;C;x\n'.encode()
    rows = _read(tmp_path, data)
    assert rows[0] == (2, {"city": "Nice", "name": "A", "sector": "x"})
    line, refused = rows[1]
    assert line == 3 and isinstance(refused, Rejected)
    assert (refused.line, refused.field) == (3, "name")
    assert rows[2] == (4, {"city": "Nice", "name": "C", "sector": "x"})


def test_a_broken_header_refuses_the_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="en-tête illisible"):
        _read(tmp_path, b"Raison sociale;" + b"x" * (csv.field_size_limit() + 1) + b"\nA;b\n")


@pytest.mark.parametrize("raw", ["31/02/2026", "2026-02-30", "30/02/2028", "31/04/2026"])
def test_a_date_that_does_not_exist_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput, match="n’existe pas") as caught:
        parse_month(raw, field="month")
    assert caught.value.field == "month"


def test_rows_of_the_reader_already_rejected_pass_through_in_order() -> None:
    refused = Rejected(3, "notes", "champ de plus de 131072 caractères")
    rows = [(2, {"name": "A", "city": "Nice"}), (3, refused), (4, {"name": "B", "city": "Nice"})]
    out = list(parse_accounts(rows))
    assert [type(x).__name__ for x in out] == ["AccountRecord", "Rejected", "AccountRecord"]
    assert out[1] is refused


def test_a_siret_twice_names_the_first_line() -> None:
    siret = "73282932000074"
    rows = [
        (2, {"name": "A", "city": "Nice", "external_id": "1", "siret": siret}),
        (3, {"name": "B", "city": "Nice", "external_id": "2", "siret": "732 829 320 00074"}),
    ]
    first, second = list(parse_accounts(rows))
    assert isinstance(first, AccountRecord) and first.siret == siret
    assert second == Rejected(3, "siret", "SIRET déjà porté par la ligne 2", siret)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"name": None}, ["name"]),
        ({"name": {"x": 1}, "city": [1], "phone": False}, ["name", "city", "phone"]),
        ({"visit_minutes": None}, ["visit_minutes"]),
        ({"visit_minutes": 4.5}, ["visit_minutes"]),
        ({"potential_eur_month": -1}, ["potential_eur_month"]),
        ({"potential_eur_month": "1e12"}, ["potential_eur_month"]),
        ({"country": "France"}, ["country"]),
        ({"email": "pas-un-mail"}, ["email"]),
        ({"siret": "732 829 320 00075"}, ["siret"]),
        ({"siret": "\u0667" * 14}, ["siret"]),  # digits, but not ASCII ones
        ({"notes": "\ud83d"}, ["notes"]),
        ({"opening_hours": {"lundi": []}}, ["opening_hours"]),
        ({"opening_hours": {"mon": [["18:00", "08:00"]]}}, ["opening_hours"]),
    ],
)
def test_bad_edits_name_every_faulty_field(changes: dict[str, object], fields: list[str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_changes(changes)
    assert [p.field for p in caught.value.problems] == fields


def test_good_edits_come_back_normalised() -> None:
    assert check_changes(
        {
            "name": " Café du Port ",
            "country": "fr",
            "potential_eur_month": "12 345,50 €",
            "opening_hours": {"mon": [["08:30", "12:00"]], "sat": []},
            "notes": "",
            "owner_id": 5,  # not an account field: left for the service to refuse
        }
    ) == {
        "name": "Café du Port",
        "country": "FR",
        "potential_eur_month": Decimal("12345.50"),
        "opening_hours": {"mon": [["08:30", "12:00"]], "sat": []},
        "notes": None,
        "owner_id": 5,
    }
