"""``fieldcrm import`` says its counts as French does: « 1 ajoutée », « 0 rejetée », « 2 rejetées »."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import pytest
import typer
from rich.console import Console

from fieldcrm.accounts.french_csv import iter_rows
from fieldcrm.accounts.records import ACCOUNT_FIELDS, ImportReport
from fieldcrm.cli import transfer


def test_the_import_summary_agrees_each_count_with_its_noun(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = Console(width=220, record=True)
    monkeypatch.setattr(transfer, "console", out)
    transfer._summary(ImportReport("accounts", inserted=1))
    assert out.export_text().strip() == (
        "1 ligne lue : 1 ajoutée, 0 mise à jour, 0 inchangée, 0 rejetée."
    )
    out = Console(width=220, record=True)
    monkeypatch.setattr(transfer, "console", out)
    transfer._summary(ImportReport("accounts", inserted=2, updated=1, unchanged=2))
    assert out.export_text().strip() == (
        "5 lignes lues : 2 ajoutées, 1 mise à jour, 2 inchangées, 0 rejetée."
    )


def test_a_file_without_known_columns_is_told_the_command_lines_map_option(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The web import does not know --map; the command line says it has one."""
    odd = tmp_path / "x.csv"
    odd.write_text("foo;bar\n1;2\n")
    err = Console(width=400, record=True)
    monkeypatch.setattr(transfer, "err_console", err)
    monkeypatch.setattr("fieldcrm.cli.common.err_console", err)
    monkeypatch.setattr(transfer, "open_session", nullcontext)

    def refuse(session: object, path: Path, **_: object) -> ImportReport:
        list(iter_rows(path, wanted=ACCOUNT_FIELDS))
        raise AssertionError("refused above")

    monkeypatch.setattr(transfer.imports, "import_accounts", refuse)
    with pytest.raises(typer.Exit):
        transfer._run("accounts", odd, {})
    said = err.export_text()
    assert "no known column in the header" in said
    assert "(or --map 'Header in file=field')" in said
