"""``fieldcrm import`` says its counts as French does: « 1 ajoutée », « 0 rejetée », « 2 rejetées »."""

from __future__ import annotations

import pytest
from rich.console import Console

from fieldcrm.accounts.records import ImportReport
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
