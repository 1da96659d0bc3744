"""Row checks of account and sales files (no database): postcodes that cannot exist, months
to come, one message per true problem, numbers written the French way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fieldcrm.accounts.parse import parse_accounts, parse_sales
from fieldcrm.accounts.postcodes import french_postcode
from fieldcrm.accounts.records import AccountRecord, Rejected, SaleRecord
from fieldcrm.errors import InvalidInput


def _accounts(*rows: dict[str, Any], **checks: Any) -> list[AccountRecord | Rejected]:
    return list(parse_accounts(enumerate(rows, start=2), **checks))


def _problems(results: list[AccountRecord | Rejected]) -> list[tuple[int, str, str]]:
    return [(r.line, r.field, r.reason) for r in results if isinstance(r, Rejected)]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("6000", "06000"),  # Excel dropped the zero of 06000
        ("1000", "01000"),
        ("9200", "09200"),
        ("75015", "75015"),
        ("95000", "95000"),
        ("20000", "20000"),  # Ajaccio: Corsica's codes start with 20
        ("20200", "20200"),
        ("97133", "97133"),
        ("97600", "97600"),
        ("98000", "98000"),  # Monaco, which French files carry
        ("98800", "98800"),
    ],
)
def test_a_french_postcode_is_read_with_the_zero_excel_dropped(typed: str, read: str) -> None:
    assert french_postcode(typed) == read


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0600", "5 chiffres"),  # a lost zero cannot come before another zero
        ("0000", "5 chiffres"),
        ("600", "5 chiffres"),
        ("060000", "5 chiffres"),
        ("00600", "aucun département ne commence par 00"),
        ("96000", "aucun département ne commence par 96"),
        ("99100", "aucun département ne commence par 99"),
        ("97700", "aucun département ne commence par 977"),
        ("98100", "aucun département ne commence par 981"),
    ],
)
def test_a_postcode_that_cannot_exist_is_refused(typed: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        french_postcode(typed)
    (problem,) = caught.value.problems
    assert problem.field == "postcode" and reason in problem.message


def test_a_four_digit_code_starting_with_zero_rejects_its_row_even_where_the_city_places_it() -> (
    None
):
    row = {"name": "Café Code Postal Faux", "postcode": "0600", "city": "Nice"}
    results = _accounts(row, commune_check=lambda postcode, city: None)
    assert _problems(results) == [(2, "postcode", "un code postal français a 5 chiffres")]
    assert (results[0].value,) == ("0600",)  # type: ignore[union-attr]


def test_a_postcode_no_commune_has_is_a_row_error_beside_the_others() -> None:
    asked: list[tuple[str, str | None]] = []

    def check(postcode: str, city: str | None) -> str | None:
        asked.append((postcode, city))
        return "code postal 06999 inconnu" if postcode == "06999" else None

    results = _accounts(
        {"name": "Bon", "postcode": "6000", "city": "Nice"},
        {"name": "Faux", "postcode": "06999", "city": "Nice", "email": "pas-un-mail"},
        {"name": "Étranger", "postcode": "06999", "city": "Ventimiglia", "country": "IT"},
        postcode_check=check,
    )
    assert _problems(results) == [
        (3, "postcode", "code postal 06999 inconnu"),
        (3, "email", "adresse e-mail invalide"),
    ]
    assert [r.line for r in results if isinstance(r, AccountRecord)] == [2, 4]
    assert asked == [("06000", "Nice"), ("06999", "Nice")]  # French rows only, zero restored


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("95", "7,27", [("lat", "doit être compris entre -90 et 90")]),
        ("43,7", "190", [("lon", "doit être compris entre -180 et 180")]),
        ("nord", "7,27", [("lat", "nombre illisible")]),  # a coordinate is no amount
        ("43,7", "", [("lon", "la longitude et la latitude vont ensemble")]),
        ("", "7,27", [("lat", "la longitude et la latitude vont ensemble")]),
        (
            "95",
            "",
            [
                ("lat", "doit être compris entre -90 et 90"),
                ("lon", "la longitude et la latitude vont ensemble"),
            ],
        ),
    ],
)
def test_each_coordinate_problem_is_reported_once(
    lat: str, lon: str, expected: list[tuple[str, str]]
) -> None:
    row = {"name": "Café Latitude Folle", "city": "Nice", "postcode": "06300", "lat": lat}
    results = _accounts({**row, "lon": lon})
    assert [(field, reason) for _, field, reason in _problems(results)] == expected


def test_numbers_in_reasons_are_written_the_french_way() -> None:
    results = _accounts({"name": "Café Effectif Négatif", "city": "Nice", "employees": "-5"})
    assert _problems(results) == [
        (2, "employees", "nombre entier de 0 à 10\u202f000\u202f000 attendu")
    ]


def _sales(*rows: tuple[str, object], latest: dt.date) -> list[SaleRecord | Rejected]:
    cells = [{"external_id": "QA16-012", "month": m, "revenue": r} for m, r in rows]
    return list(parse_sales(enumerate(cells, start=2), latest_month=latest))


def test_sales_of_a_month_to_come_are_refused_naming_the_month() -> None:
    results = _sales(
        ("2026-11", "300,5"),
        ("12/2026", "900"),
        ("2027-01", "900"),
        ("mai 2027", "900"),
        (dt.datetime(2027, 1, 3), 900),  # an Excel date cell
        latest=dt.date(2026, 12, 7),
    )
    assert [r.month for r in results if isinstance(r, SaleRecord)] == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
    ]
    refused = [r for r in results if isinstance(r, Rejected)]
    assert [(r.line, r.field, r.value) for r in refused] == [
        (4, "month", "2027-01"),
        (5, "month", "mai 2027"),
        (6, "month", "2027-01-03 00:00:00"),
    ]
    assert refused[1].reason == (
        "mois à venir (05/2027) : les ventes s’importent jusqu’au mois en cours (12/2026)"
    )
