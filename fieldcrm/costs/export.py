"""Travel-cost reports as files: CSV (French Excel flavour), XLSX and PDF, in French or English."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fieldcrm.cells import safe_cell
from fieldcrm.costs.basis import basis_text, not_counted_text
from fieldcrm.costs.chart import cost_chart_png
from fieldcrm.costs.report import (
    MINUS,
    Figures,
    TravelReport,
    local_day,
    local_eur,
    local_number,
    rounded,
)
from fieldcrm.costs.trips import TripCost
from fieldcrm.durations import hours_minutes, whole_minutes
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
        "hotel_nights": "Nuits d’hôtel",
        "meals": "Repas",
        "mileage_eur": "Indemnités km (€)",
        "hotel_eur": "Hôtel (€)",
        "meals_eur": "Repas (€)",
        "tolls_eur": "Péages (€)",
        "total_eur": "Total (€)",
        "cost_per_visit_eur": "Coût par visite (€)",
        "revenue_per_km_eur": "CA par km (€)",
        "driving_share": "Part de conduite (%)",
        "saved_km": "Km économisés (réalisés)",
        "saved_eur": "Économies réalisées (€)",
        "expected_saved_km": "Km à économiser (prévus)",
        "expected_saved_eur": "Gain prévu, non réalisé (€)",
        "rep": "Commercial",
        "start_day": "Départ",
        "end_day": "Retour",
        "rate_per_km": "Taux (€/km)",
        "km_status": "État des km",
        "complete": "complets",
        "partial": "incomplets (à vérifier)",
        "unknown": "inconnus (à vérifier)",
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
        "stamp": "{rep}, {month} : validé le {day} à {time} par {by}",
        "deleted_account": "un compte supprimé",
        "adjustment": "{rep}, {month} : ajustement de {amount} — {reason} ({author})",
        "correction": "{rep}, {month} : total validé {validated} ; ajustements {adjustments} ; "
        "total corrigé {corrected}",
        "adjustments_eur": "Ajustements (€)",
        "corrected_total_eur": "Total corrigé (€)",
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
        "saved_km": "Km saved (realised)",
        "saved_eur": "Realised savings (€)",
        "expected_saved_km": "Km to save (expected)",
        "expected_saved_eur": "Expected gain, not realised (€)",
        "rep": "Rep",
        "start_day": "Start",
        "end_day": "End",
        "rate_per_km": "Rate (€/km)",
        "km_status": "Km status",
        "complete": "complete",
        "partial": "incomplete (to check)",
        "unknown": "unknown (to check)",
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
        "stamp": "{rep}, {month}: validated on {day} at {time} by {by}",
        "deleted_account": "a deleted account",
        "adjustment": "{rep}, {month}: adjustment of {amount} — {reason} ({author})",
        "correction": "{rep}, {month}: validated total {validated}; adjustments {adjustments}; "
        "corrected total {corrected}",
        "adjustments_eur": "Adjustments (€)",
        "corrected_total_eur": "Corrected total (€)",
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
    "expected_saved_km",
    "expected_saved_eur",
)
_TOTAL_AT = FIGURE_COLUMNS.index("total_eur") + 1
SUMMARY_COLUMNS = (
    "group",
    "kind",
    *FIGURE_COLUMNS[:_TOTAL_AT],
    # after the total as validated: the adjustments made since and what is paid
    "adjustments_eur",
    "corrected_total_eur",
    *FIGURE_COLUMNS[_TOTAL_AT:],
)
TRIP_COLUMNS = (
    "start_day",
    "end_day",
    "rep",
    "kind",
    "km",
    "km_status",
    "driving_h",
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

# What each column holds: it decides the XLSX number format and how the PDF writes it.
KINDS = {
    **dict.fromkeys(("group", "kind", "rep", "km_status"), "text"),
    **dict.fromkeys(("start_day", "end_day"), "date"),
    **dict.fromkeys(("trips", "days", "visits", "hotel_nights", "meals"), "count"),
    **dict.fromkeys(("km", "saved_km", "expected_saved_km"), "km"),
    **dict.fromkeys(("driving_h", "visiting_h"), "hours"),
    **dict.fromkeys(
        (
            "mileage_eur",
            "hotel_eur",
            "meals_eur",
            "tolls_eur",
            "total_eur",
            "adjustments_eur",
            "corrected_total_eur",
            "cost_per_visit_eur",
            "revenue_per_km_eur",
            "saved_eur",
            "expected_saved_eur",
        ),
        "eur",
    ),
    "rate_per_km": "rate",
    "driving_share": "percent",
}
# Excel number formats; Excel shows the separators of the reader's own locale.
XLSX_FORMATS = {
    "date": "dd/mm/yyyy",
    "count": "#,##0",
    "km": "#,##0.0",
    "hours": "[h]:mm",
    "eur": '#,##0.00 "€";"−"#,##0.00 "€"',  # a minus sign, not a hyphen
    "rate": '0.000 "€"',
    "percent": "0.0",
}
# decimals the PDF writes for each kind of number
_PDF_DIGITS = {"count": 0, "km": 1, "hours": 2, "eur": 2, "rate": 3, "percent": 1}

Cell = str | int | float | Decimal | dt.date | dt.timedelta | None


def hours_cell(seconds: float) -> dt.timedelta:
    """A duration column's cell: whole minutes (:func:`~fieldcrm.durations.whole_minutes`),
    as the page shows and totals them; Excel gets a duration (``[h]:mm``, summable), the CSV
    and the PDF ``h:mm``."""
    return dt.timedelta(minutes=whole_minutes(seconds))


def text(lang: str) -> dict[str, str]:
    """The labels of one language (``fr`` or ``en``)."""
    if lang not in _TEXT:
        raise InvalidInput("lang", "unsupported language", value=lang, allowed=", ".join(LANGUAGES))
    return _TEXT[lang]


def figure_cells(f: Figures) -> list[Cell]:
    """The figures of one row, in :data:`FIGURE_COLUMNS` order (hours in ``h:mm``)."""
    share = f.driving_share
    return [
        f.trips,
        f.days,
        rounded(f.km, 1),
        hours_cell(f.driving_s),
        hours_cell(f.visiting_s),
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
        None if share is None else rounded(share * 100, 1),
        rounded(f.saved_km, 1),
        f.saved_eur,
        rounded(f.expected_saved_km, 1),
        f.expected_saved_eur,
    ]


def summary_rows(report: TravelReport, lang: str) -> list[list[Cell]]:
    """Planned then actual figures of every group, then of the total."""
    words = text(lang)
    rows: list[list[Cell]] = []
    for row in (*report.rows, report.total):
        label = "Total" if row.key == "total" else row.label
        planned, actual = figure_cells(row.planned), figure_cells(row.actual)
        # a plan is not paid: no adjustment, no corrected total
        rows.append([label, words["planned"], *_with(planned, None, None)])
        rows.append(
            [label, words["actual"], *_with(actual, row.adjustments_eur, row.corrected_total_eur)]
        )
    return rows


def _with(cells: list[Cell], adjustments: Cell, corrected: Cell) -> list[Cell]:
    """A row's figure cells with the adjustments and the corrected total after its total."""
    return [*cells[:_TOTAL_AT], adjustments, corrected, *cells[_TOTAL_AT:]]


def trip_rows(trips: Sequence[TripCost], lang: str) -> list[list[Cell]]:
    """One line per trip, in :data:`TRIP_COLUMNS` order: its km say whether they are
    complete (:attr:`~fieldcrm.costs.trips.Trip.km_status`), beside its driving hours."""
    words = text(lang)
    return [
        [
            c.trip.start_day,
            c.trip.end_day,
            c.trip.rep_name,
            words.get(c.trip.kind, c.trip.kind),
            rounded(c.trip.km, 1),
            words[c.trip.km_status],
            hours_cell(c.trip.driving_s),
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
    """The lines that introduce the report: title, period, grouping, scale year, then the
    barème basis of each rep's rate per km and the check-ins left out of the visits (as the
    page words them, :mod:`fieldcrm.costs.basis`), each validated month ("validé le … par …",
    "validated on … by …"), each adjustment made after and the corrected totals
    (:func:`closing_lines`), all in ``lang``."""
    words = text(lang)
    not_counted = not_counted_text(
        report.total.actual.not_counted, lang, far_m=report.far_checkin_m
    )
    return [
        report.title,
        words["period"].format(
            start=local_day(report.start, lang), end=local_day(report.end, lang)
        ),
        words["grouped"].format(group=words[f"{report.group_by}_group"]),
        words["scale"].format(year=report.scale_year),
        *(basis_text(b, lang) for b in report.bases),
        *([not_counted] if not_counted else []),
        *closing_lines(report, lang),
    ]


def closing_lines(report: TravelReport, lang: str) -> list[str]:
    """Each validated month's stamp, each adjustment made after (signed: ``+12,00 €``,
    ``−10,50 €``) and each corrected month's « total validé ; ajustements ; total corrigé »,
    in ``lang``."""
    words = text(lang)
    return [
        *(
            words["stamp"].format(
                rep=v.rep_name,
                month=f"{v.month:%m/%Y}",
                day=local_day(v.at.date(), lang),
                time=f"{v.at:%H:%M}",
                by=v.by or words["deleted_account"],
            )
            for v in report.stamps
        ),
        *(
            words["adjustment"].format(
                rep=a.rep_name,
                month=f"{a.month:%m/%Y}",
                amount=local_eur(a.amount_eur, lang, 2, signed=True),
                reason=a.reason,
                author=a.author,
            )
            for a in report.adjustments
        ),
        *(
            words["correction"].format(
                rep=c.rep_name,
                month=f"{c.month:%m/%Y}",
                validated=local_eur(c.validated_eur, lang, 2),
                adjustments=local_eur(c.adjustments_eur, lang, 2, signed=True),
                corrected=local_eur(c.corrected_eur, lang, 2),
            )
            for c in report.corrections
        ),
    ]


def _csv_cell(value: Cell, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.timedelta):
        return hours_minutes(value.total_seconds())
    if isinstance(value, float | Decimal) and lang == "fr":
        return f"{value}".replace(".", ",")
    return str(value) if isinstance(value, int | float | Decimal) else str(safe_cell(str(value)))


def to_csv(report: TravelReport, *, lang: str = "fr") -> bytes:
    """The summary table (planned and actual per group, then the total) as CSV.

    French: UTF-8 with BOM, ``;``-separated, decimal commas (Excel opens it as is).
    English: UTF-8 with BOM, ``,``-separated, decimal points. The barème basis of each rep,
    the check-ins left out of the visits, a validated month's stamp and its adjustments
    follow the table, after an empty line.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n")
    writer.writerow(headers(SUMMARY_COLUMNS, lang))
    for row in summary_rows(report, lang):
        writer.writerow([_csv_cell(v, lang) for v in row])
    # barème bases, check-ins left out of the visits, validated months and adjustments
    notes = caption(report, lang)[4:]
    if notes:
        writer.writerow([])
        for line in notes:
            writer.writerow([safe_cell(line)])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_value(value: Cell) -> Any:
    return float(value) if isinstance(value, Decimal) else safe_cell(value)


def _xlsx_table(
    sheet: Worksheet, columns: Sequence[str], rows: Sequence[Sequence[Cell]], lang: str
) -> int:
    """Append a bold header and ``rows`` with each column's number format; the header's row."""
    sheet.append(headers(columns, lang))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
        for cell, column in zip(sheet[sheet.max_row], columns, strict=False):
            number_format = XLSX_FORMATS.get(KINDS[column])
            if number_format and cell.value is not None:
                cell.number_format = number_format
    return header_row


def _xlsx_widths(
    sheet: Worksheet, columns: Sequence[str], rows: Sequence[Sequence[Cell]], lang: str
) -> None:
    """Columns wide enough for their values (and for the header, up to two lines)."""
    for index, (column, title) in enumerate(zip(columns, headers(columns, lang), strict=True)):
        widest = max((len(_pdf_cell(row[index], column, lang)) for row in rows), default=0)
        # the header may wrap onto two lines; text values may be long names
        width = max(widest + 2, len(title) / 2 + 2, 9 if KINDS[column] == "date" else 6)
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = min(width, 40)


def to_xlsx(report: TravelReport, *, lang: str = "fr") -> bytes:
    """The report as an Excel workbook: a summary sheet and a trips sheet.

    Numbers are numbers with a format (euros ``#,##0.00 "€"``, kilometres ``#,##0.0``,
    counts as integers), dates are dates shown ``dd/mm/yyyy``; headers are bold and frozen.
    """
    words = text(lang)
    workbook = Workbook()
    summary = workbook.active
    summary.title = words["summary"]
    for line in caption(report, lang):
        summary.append([safe_cell(line)])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([])
    body = summary_rows(report, lang)
    if report.empty:
        summary.append([words["empty"]])
        summary.append([])
    header_row = _xlsx_table(summary, SUMMARY_COLUMNS, body, lang)
    summary.freeze_panes = summary.cell(row=header_row + 1, column=3)
    _xlsx_widths(summary, SUMMARY_COLUMNS, body, lang)
    trips = workbook.create_sheet(words["trips_sheet"])
    trip_body = trip_rows(report.trips, lang)
    _xlsx_table(trips, TRIP_COLUMNS, trip_body, lang)
    trips.freeze_panes = "A2"
    _xlsx_widths(trips, TRIP_COLUMNS, trip_body, lang)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf_cell(value: Cell, column: str, lang: str) -> str:
    """``value`` of ``column`` as the reader of ``lang`` writes it (``1 234,56``, ``01/03/2026``)."""
    if value is None:
        return "—"
    if isinstance(value, dt.timedelta):
        return hours_minutes(value.total_seconds())
    if isinstance(value, dt.date):
        return local_day(value, lang)
    if isinstance(value, int | float | Decimal):
        number = local_number(value, lang, _PDF_DIGITS.get(KINDS[column], 2))
        # read, not computed: a minus sign, as the page writes it (−10,50)
        return MINUS + number[1:] if number.startswith("-") else number
    return str(value)


@functools.cache
def pdf_fonts() -> tuple[str, str]:
    """Register DejaVu Sans with the PDF writer; (regular, bold) font names.

    The PDF's standard fonts have no glyph for the narrow no-break space French numbers
    group thousands with (``1 234,56`` would print ``1■234,56``) nor for many letters of
    names; DejaVu Sans has them. It is the copy matplotlib ships (its default font, also the
    chart's), embedded as a subset; DejaVu's licence allows it (see ``fieldcrm/data/ATTRIBUTION.md``).
    """
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    names = {"regular": "DejaVuSans", "bold": "DejaVuSans-Bold"}
    for name in names.values():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(folder / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(
        names["regular"],
        normal=names["regular"],
        bold=names["bold"],
        italic=names["regular"],
        boldItalic=names["bold"],
    )
    return names["regular"], names["bold"]


def to_pdf(report: TravelReport, *, lang: str = "fr") -> bytes:
    """The report as an A4 landscape PDF: caption, chart, summary table and the trips.

    Numbers and dates as the reader of ``lang`` writes them (``1 234,56``, ``01/03/2026``),
    in DejaVu Sans (:func:`pdf_fonts`), which has every character they use.
    """
    words = text(lang)
    regular, bold = pdf_fonts()
    sheet = getSampleStyleSheet()
    styles = {
        "title": sheet["Title"].clone("fc-title", fontName=bold),
        "normal": sheet["Normal"].clone("fc-normal", fontName=regular),
        "heading": sheet["Heading2"].clone("fc-heading", fontName=bold),
        "cell": sheet["BodyText"].clone("fc-cell", fontName=regular, fontSize=6.5, leading=8),
        "header": sheet["BodyText"].clone("fc-header", fontName=bold, fontSize=6.5, leading=8),
    }
    title, *lines = caption(report, lang)
    story: list[Any] = [Paragraph(escape(title), styles["title"])]
    story += [Paragraph(escape(line), styles["normal"]) for line in lines]
    story.append(Spacer(1, 0.4 * cm))
    if report.empty:
        story.append(Paragraph(escape(words["empty"]), styles["heading"]))
    else:
        png = cost_chart_png(report, lang, layout="wide")
        story.append(Image(io.BytesIO(png), width=24 * cm, height=8 * cm))
        story.append(Spacer(1, 0.4 * cm))
    story.append(Paragraph(escape(words["summary"]), styles["heading"]))
    story.append(_table(SUMMARY_COLUMNS, summary_rows(report, lang), lang, styles, bold_last=2))
    if report.trips:
        story.append(Paragraph(escape(words["trips_sheet"]), styles["heading"]))
        story.append(_table(TRIP_COLUMNS, trip_rows(report.trips, lang), lang, styles))
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
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    lang: str,
    styles: dict[str, ParagraphStyle],
    *,
    bold_last: int = 0,
) -> Table:
    """A PDF table: wrapped headers and names, numbers right-aligned, the last rows in bold.

    Numbers and dates are plain strings, not paragraphs: a paragraph would break a number
    at its narrow no-break space (``1 234,56``) and print a plain space instead.
    """
    regular, bold = pdf_fonts()
    data: list[list[Any]] = [
        [Paragraph(escape(h), styles["header"]) for h in headers(columns, lang)]
    ]
    for number, row in enumerate(rows, start=1):
        style = styles["header"] if number > len(rows) - bold_last else styles["cell"]
        data.append(
            [
                Paragraph(escape(str(v)), style)
                if KINDS[c] == "text" and v is not None
                else _pdf_cell(v, c, lang)
                for c, v in zip(columns, row, strict=True)
            ]
        )
    size = styles["cell"].fontSize
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), styles["cell"].leading),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#94a3b8")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), _PDF_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PDF_PADDING),
    ]
    for index, column in enumerate(columns):
        if KINDS[column] not in ("text", "date"):
            commands.append(("ALIGN", (index, 1), (index, -1), "RIGHT"))
    if bold_last:
        commands.append(("FONTNAME", (0, -bold_last), (-1, -1), bold))
    result = Table(data, colWidths=_pdf_widths(columns, rows, lang), repeatRows=1)
    result.setStyle(TableStyle(commands))
    return result


_PDF_WIDTH = landscape(A4)[0] - 2 * cm
_PDF_PADDING = 2.5  # points, each side of a cell
_PDF_FLEXIBLE = ("group", "rep")  # names: these columns wrap and take the room left


def _pdf_widths(columns: Sequence[str], rows: Sequence[Sequence[Cell]], lang: str) -> list[float]:
    """Widths in points: a column fits its widest value and its header's longest word
    (headers wrap between words, never inside one); the name columns share the room left."""
    bold = pdf_fonts()[1]

    def width(value: str) -> float:
        return float(pdfmetrics.stringWidth(value, bold, 6.5)) + 2 * _PDF_PADDING + 1

    natural = [
        max(
            max((width(_pdf_cell(row[index], column, lang)) for row in rows), default=0.0),
            max(width(word) for word in title.split()),
        )
        for index, (column, title) in enumerate(zip(columns, headers(columns, lang), strict=True))
    ]
    flexible = [i for i, c in enumerate(columns) if c in _PDF_FLEXIBLE]
    left = _PDF_WIDTH - sum(w for i, w in enumerate(natural) if i not in flexible)
    wanted = sum(natural[i] for i in flexible)
    if wanted > left:
        for index in flexible:
            natural[index] = max(natural[index] * left / wanted, 40.0)
    return natural
