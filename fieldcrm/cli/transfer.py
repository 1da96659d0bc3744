"""``fieldcrm import`` and ``fieldcrm export``: accounts and sales files."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from fieldcrm.accounts.records import ImportReport
from fieldcrm.cli.common import console, err_console, fail, open_session
from fieldcrm.errors import InvalidInput
from fieldcrm.http.i18n import ngettext
from fieldcrm.services import imports

import_app = typer.Typer(
    help="Import accounts or monthly sales from CSV/XLSX.", no_args_is_help=True
)
export_app = typer.Typer(help="Export accounts to CSV/XLSX.", no_args_is_help=True)

MapOption = typer.Option(
    None,
    "--map",
    "-m",
    help="Column mapping 'Header in file=field' (repeatable), e.g. --map 'Nom client=name'.",
)


def _mapping(pairs: list[str] | None) -> dict[str, str]:
    mapping = {}
    for pair in pairs or []:
        header, sep, target = pair.partition("=")
        if not sep:
            fail(f"--map: expected 'Header=field', got {pair!r}", code=2)
        mapping[header.strip()] = target.strip()
    return mapping


def _run(kind: str, path: Path, mapping: dict[str, str]) -> ImportReport:
    if not path.is_file():
        fail(f"Fichier introuvable : {path}", code=2)
    with (
        open_session() as session,
        Progress(
            TextColumn("Import {task.description}", style="bold", markup=False),
            BarColumn(),
            TextColumn("{task.fields[lines]} lignes"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task(kind, total=None, lines=0)

        def progress(line: int) -> None:
            if line % 1000 == 0:
                bar.update(task, lines=line)

        function = imports.import_accounts if kind == "accounts" else imports.import_sales
        try:
            return function(session, path, mapping=mapping, progress=progress)
        except InvalidInput as exc:
            hint = ""
            if any(p.message == "no known column in the header" for p in exc.problems):
                hint = " (or --map 'Header in file=field')"
            fail(f"Import refusé : {exc}{hint}", code=2)
            raise


def _count(n: int, singular: str, plural: str) -> str:
    """``n`` and its noun as French counts it (« 1 ajoutée », « 0 rejetée », « 2 rejetées »)."""
    return ngettext("fr", singular, plural, n) % {"n": n}


def _summary(report: ImportReport) -> None:
    console.print(
        Text.assemble(
            (str(report.read), "bold"),
            " ligne lue : " if report.read < 2 else " lignes lues : ",
            (_count(report.inserted, "%(n)s ajoutée", "%(n)s ajoutées"), "green"),
            f", {_count(report.updated, '%(n)s mise à jour', '%(n)s mises à jour')}",
            f", {_count(report.unchanged, '%(n)s inchangée', '%(n)s inchangées')}, ",
            (_count(len(report.rejected), "%(n)s rejetée", "%(n)s rejetées"), "red"),
            ".",
        )
    )
    for rejected in report.rejected:
        err_console.print(f"  rejet {rejected}")
    if report.rejected:
        raise typer.Exit(1)


@import_app.command("accounts")
def import_accounts(
    file: Path = typer.Argument(..., help="CSV or XLSX file."),
    map_: list[str] | None = MapOption,
) -> None:
    """Import accounts (upsert by external id, else SIRET, else name + postcode)."""
    _summary(_run("accounts", file, _mapping(map_)))


@import_app.command("sales")
def import_sales(
    file: Path = typer.Argument(..., help="CSV or XLSX file: account id or SIRET, month, revenue."),
    map_: list[str] | None = MapOption,
) -> None:
    """Import monthly revenue per account (upsert by account and month)."""
    _summary(_run("sales", file, _mapping(map_)))


@export_app.command("accounts")
def export_accounts(
    output: Path = typer.Option(Path("comptes.csv"), "--output", "-o", help=".csv or .xlsx"),
) -> None:
    """Export every account with its geocoding, owner and territory."""
    with open_session() as session:
        try:
            count = imports.export_accounts(session, output)
        except InvalidInput as exc:
            fail(str(exc), code=2)
    console.print(
        f"{_count(count, '%(n)s compte exporté', '%(n)s comptes exportés')} vers {output}"
    )
