"""Travel-cost reports as files: CSV (French Excel flavour), XLSX and PDF, in French or English."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fieldcrm.cells import safe_cell
from fieldcrm.costs.chart import cost_chart_png
from fieldcrm.costs.report import Figures, TravelReport
from fieldcrm.costs.trips import TripCost
from fieldcrm.errors import InvalidInput

LANGUAGES = ("fr", "en")

_TEXT = {
    "fr": {
        "group": "Groupe",
        "kind": "Type",
        "planned": "Prévu",
        "actual": "Réalisé",
        "trips": "Trajets",
        "days": "Jours",
        "km": "Km",
        "driving_h": "Conduite (h)",
        "visiting_h": "Visites (h)",
        "visits": "Visites",
        "hotel_nights": "Nuits d'hôtel",
        "meals": "Repas",
        "mileage_eur": "Indemnités km (€)",
        "hotel_eur": "Hôtel (€)",
        "meals_eur": "Repas (€)",
        "tolls_eur": "Péages (€)",
        "total_eur": "Total (€)",
        "cost_per_visit_eur": "Coût par visite (€)",
        "revenue_per_km_eur": "CA par km (€)",
        "driving_share": "Part de conduite (%)",
        "saved_km": "Km économisés",
        "saved_eur": "Économies (€)",
        "rep": "Commercial",
        "start_day": "Départ",
        "end_day": "Retour",
        "rate_per_km": "Taux (€/km)",
        "summary": "Synthèse",
        "trips_sheet": "Trajets",
        "period": "Période du {start} au {end}",
        "scale": "Barème kilométrique {year}",
        "empty": "Aucun trajet sur la période",
        "grouped": "Regroupé par : {group}",
        "rep_group": "commercial",
        "team_group": "équipe",
        "week_group": "semaine",
        "month_group": "mois",
        "year_group": "année",
    },
    "en": {
        "group": "Group",
        "kind": "Kind",
        "planned": "Planned",
        "actual": "Actual",
        "trips": "Trips",
        "days": "Days",
        "km": "Km",
        "driving_h": "Driving (h)",
        "visiting_h": "Visiting (h)",
        "visits": "Visits",
        "hotel_nights": "Hotel nights",
        "meals": "Meals",
        "mileage_eur": "Mileage allowance (€)",
        "hotel_eur": "Hotel (€)",
        "meals_eur": "Meals (€)",
        "tolls_eur": "Tolls (€)",
        "total_eur": "Total (€)",
        "cost_per_visit_eur": "Cost per visit (€)",
        "revenue_per_km_eur": "Revenue per km (€)",
        "driving_share": "Driving share (%)",
        "saved_km": "Km saved",
        "saved_eur": "Savings (€)",
        "rep": "Rep",
        "start_day": "Start",
        "end_day": "End",
        "rate_per_km": "Rate (€/km)",
        "summary": "Summary",
        "trips_sheet": "Trips",
        "period": "Period {start} to {end}",
        "scale": "Mileage scale {year}",
        "empty": "No trip in the period",
        "grouped": "Grouped by: {group}",
        "rep_group": "rep",
        "team_group": "team",
        "week_group": "week",
        "month_group": "month",
        "year_group": "year",
    },
}

FIGURE_COLUMNS = (
    "trips",
    "days",
    "km",
    "driving_h",
    "visiting_h",
    "visits",
    "hotel_nights",
    "meals",
    "mileage_eur",
    "hotel_eur",
    "meals_eur",
    "tolls_eur",
    "total_eur",
    "cost_per_visit_eur",
    "revenue_per_km_eur",
    "driving_share",
    "saved_km",
    "saved_eur",
)
SUMMARY_COLUMNS = ("group", "kind", *FIGURE_COLUMNS)
TRIP_COLUMNS = (
    "start_day",
    "end_day",
    "rep",
    "kind",
    "km",
    "visits",
    "hotel_nights",
    "meals",
    "rate_per_km",
    "mileage_eur",
    "hotel_eur",
    "meals_eur",
    "tolls_eur",
    "total_eur",
)

Cell = str | int | float | Decimal | None


def text(lang: str) -> dict[str, str]:
    """The labels of one language (``fr`` or ``en``)."""
    if lang not in _TEXT:
        raise InvalidInput("lang", "unsupported language", value=lang, allowed=", ".join(LANGUAGES))
    return _TEXT[lang]


def figure_cells(f: Figures) -> list[Cell]:
    """The figures of one row, in :data:`FIGURE_COLUMNS` order (hours to the hundredth)."""
    share = f.driving_share
    return [
        f.trips,
        f.days,
        round(f.km, 1),
        round(f.driving_s / 3600, 2),
        round(f.visiting_s / 3600, 2),
        f.visits,
        f.hotel_nights,
        f.meals,
        f.mileage_eur,
        f.hotel_eur,
        f.meals_eur,
        f.tolls_eur,
        f.total_eur,
        f.cost_per_visit_eur,
        f.revenue_per_km_eur,
        None if share is None else round(share * 100, 1),
        round(f.saved_km, 1),
        f.saved_eur,
    ]


def summary_rows(report: TravelReport, lang: str) -> list[list[Cell]]:
    """Planned then actual figures of every group, then of the total."""
    words = text(lang)
    rows: list[list[Cell]] = []
    for row in (*report.rows, report.total):
        label = "Total" if row.key == "total" else row.label
        rows.append([label, words["planned"], *figure_cells(row.planned)])
        rows.append([label, words["actual"], *figure_cells(row.actual)])
    return rows


def trip_rows(trips: Sequence[TripCost], lang: str) -> list[list[Cell]]:
    """One line per trip, in :data:`TRIP_COLUMNS` order."""
    words = text(lang)
    return [
        [
            c.trip.start_day.isoformat(),
            c.trip.end_day.isoformat(),
            c.trip.rep_name,
            words.get(c.trip.kind, c.trip.kind),
            round(c.trip.km, 1),
            c.trip.visits,
            c.trip.hotel_nights,
            c.trip.meals,
            c.rate_per_km,
            c.mileage_eur,
            c.hotel_eur,
            c.meals_eur,
            c.trip.tolls_eur,
            c.total_eur,
        ]
        for c in trips
    ]


def headers(columns: Sequence[str], lang: str) -> list[str]:
    """Column titles in ``lang``."""
    words = text(lang)
    return [words[c] for c in columns]


def caption(report: TravelReport, lang: str) -> list[str]:
    """The lines that introduce the report: title, period, grouping, scale year."""
    words = text(lang)
    return [
        report.title,
        words["period"].format(start=report.start.isoformat(), end=report.end.isoformat()),
        words["grouped"].format(group=words[f"{report.group_by}_group"]),
        words["scale"].format(year=report.scale_year),
    ]


def _csv_cell(value: Cell, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float | Decimal) and lang == "fr":
        return f"{value}".replace(".", ",")
    return str(value) if isinstance(value, int | float | Decimal) else str(safe_cell(str(value)))


def to_csv(report: TravelReport, *, lang: str = "fr") -> bytes:
    """The summary table (planned and actual per group, then the total) as CSV.

    French: UTF-8 with BOM, ``;``-separated, decimal commas (Excel opens it as is).
    English: UTF-8 with BOM, ``,``-separated, decimal points.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n")
    writer.writerow(headers(SUMMARY_COLUMNS, lang))
    for row in summary_rows(report, lang):
        writer.writerow([_csv_cell(v, lang) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_value(value: Cell) -> Any:
    return float(value) if isinstance(value, Decimal) else safe_cell(value)


def to_xlsx(report: TravelReport, *, lang: str = "fr") -> bytes:
    """The report as an Excel workbook: a summary sheet and a trips sheet, numbers as numbers."""
    words = text(lang)
    workbook = Workbook()
    summary = workbook.active
    summary.title = words["summary"]
    for line in caption(report, lang):
        summary.append([line])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([])
    summary.append(headers(SUMMARY_COLUMNS, lang))
    header_row = summary.max_row
    for cell in summary[header_row]:
        cell.font = Font(bold=True)
    if report.empty:
        summary.append([words["empty"]])
    for row in summary_rows(report, lang):
        summary.append([_xlsx_value(v) for v in row])
    summary.freeze_panes = summary.cell(row=header_row + 1, column=3)
    trips = workbook.create_sheet(words["trips_sheet"])
    trips.append(headers(TRIP_COLUMNS, lang))
    for cell in trips[1]:
        cell.font = Font(bold=True)
    for row in trip_rows(report.trips, lang):
        trips.append([_xlsx_value(v) for v in row])
    trips.freeze_panes = "A2"
    for sheet in (summary, trips):
        for column in sheet.columns:
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = 14
    summary.column_dimensions["A"].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf_cell(value: Cell, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        value = f"{value:,.2f}"
    elif isinstance(value, float):
        value = f"{value:,.1f}" if value != int(value) else f"{value:,.0f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    if lang == "fr":
        return value.replace(",", "\u202f").replace(".", ",")
    return value


def to_pdf(report: TravelReport, *, lang: str = "fr") -> bytes:
    """The report as an A4 landscape PDF: caption, chart, summary table and the trips."""
    words = text(lang)
    styles = getSampleStyleSheet()
    title, *lines = caption(report, lang)
    story: list[Any] = [Paragraph(escape(title), styles["Title"])]
    story += [Paragraph(escape(line), styles["Normal"]) for line in lines]
    story.append(Spacer(1, 0.4 * cm))
    if report.empty:
        story.append(Paragraph(escape(words["empty"]), styles["Heading2"]))
    else:
        story.append(Image(io.BytesIO(cost_chart_png(report, lang)), width=24 * cm, height=8 * cm))
        story.append(Spacer(1, 0.4 * cm))
    small = styles["BodyText"].clone("cell", fontSize=6.5, leading=8)
    story.append(Paragraph(escape(words["summary"]), styles["Heading2"]))
    story.append(_table(SUMMARY_COLUMNS, summary_rows(report, lang), lang, small))
    if report.trips:
        story.append(Paragraph(escape(words["trips_sheet"]), styles["Heading2"]))
        story.append(_table(TRIP_COLUMNS, trip_rows(report.trips, lang), lang, small))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=1 * cm,
        rightMargin=1 * cm,
        topMargin=1 * cm,
        bottomMargin=1 * cm,
        title=report.title,
        author="fieldcrm",
        lang=lang,
    )
    document.build(story)
    return buffer.getvalue()


def _table(
    columns: Sequence[str], rows: Sequence[Sequence[Cell]], lang: str, style: ParagraphStyle
) -> Table:
    data = [[Paragraph(escape(h), style) for h in headers(columns, lang)]]
    data += [[_pdf_cell(v, lang) for v in row] for row in rows]
    result = Table(data, repeatRows=1)
    result.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 6.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#94a3b8")),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return result
