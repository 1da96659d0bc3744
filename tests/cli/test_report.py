"""``fieldcrm report travel`` on the demo company (the CLI's session is the rolled-back ``demo_db``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fieldcrm.cli import app
from fieldcrm.cli import report as report_cli
from fieldcrm.cli.common import reported_errors
from fieldcrm.config import Settings

runner = CliRunner()


@pytest.fixture
def cli(demo_db: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    @contextmanager
    def open_session() -> Iterator[Session]:
        with reported_errors():
            yield demo_db
            demo_db.commit()

    monkeypatch.setattr(report_cli, "open_session", open_session)
    monkeypatch.setattr(report_cli, "settings", lambda: Settings(_env_file=None))
    monkeypatch.setattr(report_cli, "console", Console(width=220))
    return demo_db


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["report", "travel", *args], terminal_width=200)
    return result.exit_code, result.output


def test_table_for_one_rep_by_email(cli: Session) -> None:
    code, out = _run("--rep", "sophie.durand@cafes-riviera.fr", "--month", "2026-03")
    assert code == 0, out
    assert "Sophie Durand" in out and "barème 2025" in out and "Total" in out
    assert "Camille Martin" not in out
    # the barème basis of her rate, as the page says it (7 CV, 25 000 km declared)
    assert (
        "Sophie Durand\u00a0: Barème 2025, automobile 7 CV et plus, plus de 20\u202f000 km\u00a0: "
        "d × 0,470\u00a0; d = 25\u202f000 km déclarés par an → 11\u202f750\u00a0€ par an, "
        "soit 0,4700 €/km"
    ) in out


def test_empty_month_says_so(cli: Session) -> None:
    code, out = _run("--month", "2031-01")
    assert code == 0, out
    assert "Aucun trajet sur la période" in out


def test_bad_input_exits_2_naming_the_problem(cli: Session, tmp_path: Path) -> None:
    code, out = _run("--month", "2026-13")
    assert code == 2 and "month" in out
    code, out = _run("--month", "2026-03", "--format", "docx")
    assert code == 2 and "--format" in out
    code, out = _run("--rep", "nobody@example.org", "--month", "2026-03")
    assert code == 1 and "rep" in out


def test_exports_write_the_file_asked_for(cli: Session, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "mars.xlsx"
    code, out = _run("--month", "2026-03", "--format", "xlsx", "--output", str(target))
    assert code == 0, out
    book = load_workbook(target)
    assert book.sheetnames == ["Synthèse", "Trajets"]
    names = {row[2] for row in book["Trajets"].iter_rows(min_row=2, values_only=True)}
    assert {"Camille Martin", "Sophie Durand"} <= names
    csv_file = tmp_path / "mars.csv"
    code, out = _run("--month", "2026-03", "--format", "csv", "-o", str(csv_file), "--lang", "en")
    assert code == 0, out
    assert csv_file.read_text(encoding="utf-8-sig").startswith("Group,Kind,Trips")
