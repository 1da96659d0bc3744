"""``fieldcrm report travel``: travel-cost report of a rep or the team, shown or exported."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import typer
from rich.table import Table

from fieldcrm.auth.roles import SYSTEM
from fieldcrm.cli.common import console, fail, open_session, parse_date, settings
from fieldcrm.costs.basis import basis_text, not_counted_text
from fieldcrm.costs.export import closing_lines
from fieldcrm.costs.report import GROUPINGS, Figures, TravelReport, local_eur, period_bounds
from fieldcrm.errors import InvalidInput
from fieldcrm.services import costs as svc

app = typer.Typer(help="Rapports : frais de déplacement.", no_args_is_help=True)

FORMATS = ("table", *svc.EXPORT_FORMATS)


def _eur(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f} €".replace(",", " ")


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:.1f} h"


def _print(report: TravelReport) -> None:
    table = Table(
        "groupe",
        "trajets",
        "km",
        "conduite",
        "visites",
        "nuits",
        "coût total",
        "ajustements",
        "total corrigé",
        "coût/visite",
        "CA/km",
        "part conduite",
        "prévu km",
        "économies réalisées",
        "gain prévu",
        title=f"{report.title} — {report.start:%d/%m/%Y} au {report.end:%d/%m/%Y} "
        f"(barème {report.scale_year})",
    )
    for row in [*report.rows, report.total]:
        a: Figures = row.actual
        share = a.driving_share
        table.add_row(
            row.label,
            str(a.trips),
            f"{a.km:,.1f}".replace(",", " "),
            _hours(a.driving_s),
            str(a.visits),
            str(a.hotel_nights),
            _eur(a.total_eur),
            local_eur(row.adjustments_eur, "fr", 2, signed=True) if row.adjustments_eur else "—",
            _eur(row.corrected_total_eur),
            _eur(a.cost_per_visit_eur),
            _eur(a.revenue_per_km_eur),
            "—" if share is None else f"{share:.0%}",
            f"{row.planned.km:,.1f}".replace(",", " "),
            _eur(row.planned.saved_eur),
            _eur(row.planned.expected_saved_eur),
        )
    console.print(table)
    if report.empty:
        console.print("Aucun trajet sur la période.")
    # what the euros rest on, as the page and the exports say it
    for basis in report.bases:
        console.print(basis_text(basis, "fr"), highlight=False)
    left_out = not_counted_text(report.total.actual.not_counted, far_m=report.far_checkin_m)
    if left_out:
        console.print(left_out, highlight=False)
    # validated months, the adjustments since and the corrected totals, as the exports say it
    for line in closing_lines(report, "fr"):
        console.print(line, highlight=False)


@app.command("travel")
def travel(
    rep: str = typer.Option(None, "--rep", help="Commercial : id, e-mail ou nom (défaut : tous)."),
    month: str = typer.Option(None, "--month", help="Mois AAAA-MM, p. ex. 2026-03."),
    week: str = typer.Option(None, "--week", help="Semaine ISO AAAA-Wss, p. ex. 2026-W10."),
    year: int = typer.Option(None, "--year", help="Année civile."),
    start: str = typer.Option(None, "--from", help="Premier jour AAAA-MM-JJ (avec --to)."),
    end: str = typer.Option(None, "--to", help="Dernier jour AAAA-MM-JJ (avec --from)."),
    group_by: str = typer.Option(
        "rep", "--group-by", help=f"Regrouper par : {', '.join(GROUPINGS)}."
    ),
    fmt: str = typer.Option("table", "--format", help=f"Sortie : {', '.join(FORMATS)}."),
    output: Path = typer.Option(None, "--output", "-o", help="Fichier de sortie (exports)."),
    lang: str = typer.Option("fr", "--lang", help="Langue des exports : fr ou en."),
) -> None:
    """Kilomètres, temps, barème kilométrique, nuits d'hôtel, coût par visite, prévu/réel."""
    if fmt not in FORMATS:
        fail(f"--format : {fmt!r} inconnu (valeurs : {', '.join(FORMATS)})", 2)
    try:
        first, last = period_bounds(
            month=month,
            week=week,
            year=year,
            start=parse_date(start, "--from") if start else None,
            end=parse_date(end, "--to") if end else None,
        )
    except InvalidInput as exc:
        fail(f"Période : {exc}", 2)
        return
    with open_session() as session:
        rep_id = svc.find_rep(session, rep) if rep else None
        report = svc.travel_report(
            session,
            actor=SYSTEM,
            settings=settings(),
            start=first,
            end=last,
            rep_id=rep_id,
            group_by=group_by,
        )
    if fmt == "table":
        _print(report)
        return
    content, _media, name = svc.export_report(report, fmt, lang=lang)
    path = output or Path(name)
    path.write_bytes(content)
    console.print(f"{path} écrit ({len(content)} octets, {report.total.actual.trips} trajets).")
