"""Euros a person types in a form (Frais: a trip's tolls, a month's adjustment) are read in
their one unambiguous shape — digits, one decimal separator, a sign, spaces and € — by the
same parser as the spreadsheets' amounts (QA 23: « 1e5 » was taken for 100 000 €)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldcrm.accounts.numbers import TYPED_AMOUNT, parse_amount
from fieldcrm.errors import InvalidInput


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,50", Decimal("12.50")),
        ("12.5", Decimal("12.5")),
        ("1 234,50 €", Decimal("1234.50")),
        ("1\u202f234,50\u00a0€", Decimal("1234.50")),
        ("€ 7", Decimal("7")),
        ("-10,50", Decimal("-10.50")),
        ("\u221210,50 €", Decimal("-10.50")),  # the minus sign the report writes
        ("12,505", Decimal("12.505")),  # read as typed: the cents are the use case's rule
        ("", None),
        ("   ", None),
    ],
)
def test_a_typed_amount_in_its_shape_is_read(raw: str, expected: Decimal | None) -> None:
    assert parse_amount(raw, field="tolls_eur", typed=True) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "1e5",
        "1E+05",
        "1.234,50",
        "1,234.50",
        "12,",
        ",5",
        "40 k€",
        "(3,5)",
        "NaN",
        "Infinity",
        "12_000",
        "douze",
        "١٢",
        "12 €€",
        "1" * 41,
    ],
)
def test_anything_else_is_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_amount(raw, field="tolls_eur", typed=True)
    problem = caught.value.problems[0]
    assert problem.field == "tolls_eur"
    assert problem.message == TYPED_AMOUNT == "indiquez un montant en euros, par exemple 12,50"
    assert problem.code == TYPED_AMOUNT, "worded again for an English reader"


def test_spreadsheets_still_read_their_shapes() -> None:
    """The typed shape is an option: files keep their thousands dots and k€."""
    assert parse_amount("12.345,50", field="revenue") == Decimal("12345.50")
    assert parse_amount("40 k€", field="revenue") == Decimal("40000")


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False))
def test_the_way_the_report_writes_an_amount_reads_back(value: Decimal) -> None:
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    sign = "\u2212" if value < 0 else ""
    assert parse_amount(f"{sign}{grouped},{cents}\u00a0€", field="x", typed=True) == value
