"""Report files read back: CSV figures, XLSX sheets, PDF text, chart PNG; French and English."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from matplotlib.backends.backend_agg import FigureCanvasAgg
from openpyxl import load_workbook
from pypdf import PdfReader

from fieldcrm.costs import chart, export
from fieldcrm.costs.report import TravelReport, build_report
from fieldcrm.costs.trips import Rates, ToCheck, Trip, cost_trip
from fieldcrm.errors import InvalidInput

RATES = Rates(hotel_night_eur=Decimal("95"), meal_eur=Decimal("20"))
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def costed(day: int, rep: int, name: str, *, kind: str = "actual", km: float = 100.0, **kw):
    start = dt.date(2026, 3, day)
    trip = Trip(
        rep_id=rep,
        rep_name=name,
        kind=kind,
        start_day=start,
        end_day=start + dt.timedelta(days=kw.get("hotel_nights", 0)),
        km=km,
        driving_s=kw.pop("driving_s", 2 * 3600),
        visiting_s=3 * 3600,
        visits=kw.pop("visits", 4),
        team="Équipe Sud",
        **kw,
    )
    return cost_trip(trip, rate_per_km=Decimal("0.603"), rates=RATES)


def march_report(*costs) -> TravelReport:
    return build_report(
        costs, title="Frais de mars 2026", start=MARCH[0], end=MARCH[1], scale_year=2025
    )


@pytest.fixture
def report() -> TravelReport:
    return march_report(
        costed(2, 4, "Camille Martin", km=212.5, tolls_eur=Decimal("18.40")),
        costed(2, 4, "Camille Martin", kind="planned", km=190.0),
        costed(9, 6, "Sophie Durand", km=810.0, hotel_nights=1, meals=2, visits=7),
    )


def test_french_csv_opens_in_excel_and_its_totals_match_the_report(report) -> None:
    content = export.to_csv(report, lang="fr")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header, *body = rows
    assert header[:3] == ["Groupe", "Type", "Trajets"]
    assert [r[0] for r in body] == ["Camille Martin"] * 2 + ["Sophie Durand"] * 2 + ["Total"] * 2
    total_actual = dict(zip(header, body[-1], strict=True))
    assert total_actual["Type"] == "Réalisé"
    assert total_actual["Km"] == "1022,5"
    assert Decimal(total_actual["Total (€)"].replace(",", ".")) == report.total.actual.total_eur
    assert total_actual["Péages (€)"] == "18,40"
    planned = dict(zip(header, body[0], strict=True))
    assert planned["Type"] == "Prévu" and planned["Km"] == "190,0"
    # every figure reads back as a number once its decimal comma is a point (no grouping),
    # durations as h:mm (a spreadsheet reads them as times)
    for title in header[2:]:
        value = total_actual[title]
        if title in ("Conduite (h)", "Visites (h)"):
            assert re.fullmatch(r"\d+:[0-5]\d", value), (title, value)
            continue
        assert value == "" or Decimal(value.replace(",", ".")) is not None, title
        assert "." not in value and " " not in value and "\u202f" not in value, (title, value)
    assert Decimal(total_actual["Indemnités km (€)"].replace(",", ".")) == (
        report.total.actual.mileage_eur
    )


def test_english_csv_uses_commas_and_decimal_points(report) -> None:
    rows = list(csv.reader(io.StringIO(export.to_csv(report, lang="en").decode("utf-8-sig"))))
    header, *body = rows
    assert header[:3] == ["Group", "Kind", "Trips"]
    assert dict(zip(header, body[-1], strict=True))["Km"] == "1022.5"


def test_xlsx_has_a_summary_and_every_trip_as_numbers(report) -> None:
    book = load_workbook(io.BytesIO(export.to_xlsx(report, lang="fr")))
    assert book.sheetnames == ["Synthèse", "Trajets"]
    summary = book["Synthèse"]
    assert summary["A1"].value == "Frais de mars 2026"
    assert summary["A2"].value == "Période du 01/03/2026 au 31/03/2026"
    lines = [list(r) for r in summary.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(lines) if r[0] == "Groupe")
    header = lines[header_at]
    total = dict(zip(header, lines[-1], strict=True))
    assert total["Groupe"] == "Total" and total["Type"] == "Réalisé"
    assert total["Total (€)"] == pytest.approx(float(report.total.actual.total_eur))
    trips = list(book["Trajets"].iter_rows(values_only=True))
    assert len(trips) == 1 + len(report.trips)
    by_rep = {r[2]: dict(zip(trips[0], r, strict=True)) for r in trips[1:] if r[3] == "Réalisé"}
    assert by_rep["Sophie Durand"]["Km"] == 810.0
    assert by_rep["Sophie Durand"]["Conduite (h)"] == dt.timedelta(hours=2)  # beside the km
    hours = [c for c in book["Trajets"][2] if c.value == dt.timedelta(hours=2)]
    assert hours and hours[0].number_format == "[h]:mm"  # a duration Excel sums
    assert by_rep["Sophie Durand"]["État des km"] == "complets"
    assert by_rep["Sophie Durand"]["Nuits d’hôtel"] == 1


def test_a_trip_whose_km_leave_travel_out_says_so_in_every_export() -> None:
    """A trip whose legs could not all be counted: its km read "incomplets" / "inconnus" in
    the spreadsheet and the PDF, not as a plain number, while the totals stay the sums."""
    doubt = ToCheck(dt.date(2026, 3, 9), 7, "Café du Port", "trajet … non compté")
    report = march_report(
        costed(9, 6, "Sophie Durand", km=61.6, hotel_nights=4, to_check=(doubt,)),
        costed(23, 6, "Sophie Durand", km=0.0, to_check=(doubt,)),
    )
    book = load_workbook(io.BytesIO(export.to_xlsx(report, lang="fr")))
    rows = list(book["Trajets"].iter_rows(values_only=True))
    status = [dict(zip(rows[0], r, strict=True))["État des km"] for r in rows[1:]]
    assert status == ["incomplets (à vérifier)", "inconnus (à vérifier)"]
    pdf = _pdf_text(export.to_pdf(report, lang="en"))
    assert "incomplete (to check)" in pdf and "unknown (to check)" in pdf


def _cells_by_header(sheet, header_row: int) -> dict:
    titles = [c.value for c in sheet[header_row]]
    return {
        title: [row[i] for row in sheet.iter_rows(min_row=header_row + 1)]
        for i, title in enumerate(titles)
    }


def test_xlsx_cells_are_typed_dates_and_numbers_with_their_formats(report) -> None:
    book = load_workbook(io.BytesIO(export.to_xlsx(report, lang="fr")))
    trips = book["Trajets"]
    columns = _cells_by_header(trips, 1)
    for cell in columns["Départ"] + columns["Retour"]:
        assert isinstance(cell.value, dt.datetime), cell.value
        assert cell.number_format == "dd/mm/yyyy"
    assert columns["Départ"][-1].value.date() == dt.date(2026, 3, 9)
    for title in ("Indemnités km (€)", "Hôtel (€)", "Péages (€)", "Total (€)"):
        for cell in columns[title]:
            assert type(cell.value) in (int, float), (title, cell.value)  # 0.0 reads back as 0
            assert "€" in cell.number_format and "0.00" in cell.number_format, title
    for cell in columns["Km"]:
        assert type(cell.value) in (int, float) and cell.number_format == "#,##0.0"
    for title in ("Visites", "Nuits d’hôtel", "Repas"):
        for cell in columns[title]:
            assert type(cell.value) is int and cell.number_format == "#,##0", title
    assert all(c.font.bold for c in trips[1])
    assert trips.freeze_panes == "A2"
    assert trips.column_dimensions["C"].width >= len("Sophie Durand")  # rep names
    summary = book["Synthèse"]
    header_row = next(r[0].row for r in summary.iter_rows() if r[0].value == "Groupe")
    assert all(c.font.bold for c in summary[header_row])
    assert summary.freeze_panes == f"C{header_row + 1}"
    figures = _cells_by_header(summary, header_row)
    assert all("€" in c.number_format for c in figures["Total (€)"])
    assert all(type(c.value) is int for c in figures["Trajets"])
    assert figures["Km"][-1].value == 1022.5 and figures["Km"][-1].number_format == "#,##0.0"


def _pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_pdf_shows_the_period_the_groups_and_the_total(report) -> None:
    page = _pdf_text(export.to_pdf(report, lang="fr"))
    assert "Frais de mars 2026" in page
    assert "Période du 01/03/2026 au 31/03/2026" in page
    assert "Sophie Durand" in page and "Camille Martin" in page
    total = f"{report.total.actual.total_eur:.2f}".replace(".", ",")
    assert total in page
    english = _pdf_text(export.to_pdf(report, lang="en"))
    assert "Period 1 Mar 2026 to 31 Mar 2026" in english
    assert "1,022.5" in english  # the total's kilometres, English separators


def _french(value: Decimal | float, digits: int) -> str:
    """``value`` written the French way, independently of babel: 1 234,56."""
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def test_pdf_writes_french_numbers_and_dates_its_font_can_draw() -> None:
    """The sales director's PDF: 2 412,00 € not 2■412,00, dates dd/mm/yyyy, in DejaVu Sans."""
    big = march_report(
        costed(2, 4, "Camille Martin", km=2500.0, tolls_eur=Decimal("1234.56")),
        costed(9, 6, "Sophie Durand", km=810.0, hotel_nights=1, meals=2, visits=7),
    )
    content = export.to_pdf(big, lang="fr")
    page = _pdf_text(content)
    assert "■" not in page and "\ufffd" not in page
    assert "1\u202f234,56" in page  # Camille's tolls
    assert _french(big.total.actual.total_eur, 2) in page
    assert _french(big.total.actual.km, 1) == "3\u202f310,0" and "3\u202f310,0" in page
    assert "02/03/2026" in page and "09/03/2026" in page  # the trips' days
    assert "2026-03-02" not in page and "1,234.56" not in page
    # every character written is one the embedded DejaVu Sans has a glyph for
    fonts = {
        str(font.get_object()["/BaseFont"]): font.get_object()
        for p in PdfReader(io.BytesIO(content)).pages
        for font in p["/Resources"]["/Font"].values()
    }
    embedded = {name.split("+")[-1] for name in fonts if "+" in name}
    assert embedded == {"DejaVuSans", "DejaVuSans-Bold"}
    assert not any("ZapfDingbats" in name for name in fonts)  # what ■ is drawn with
    for name, font in fonts.items():
        if "+" in name:
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), name  # embedded
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    glyphs = TTFont(dejavu).getBestCmap()
    assert not {ch for ch in page if ord(ch) not in glyphs and ch != "\n"}


def test_empty_period_gives_files_that_say_so() -> None:
    empty = march_report()
    assert empty.empty
    pdf = PdfReader(io.BytesIO(export.to_pdf(empty, lang="fr")))
    assert "Aucun trajet sur la période" in pdf.pages[0].extract_text()
    book = load_workbook(io.BytesIO(export.to_xlsx(empty, lang="fr")))
    values = [v for r in book["Synthèse"].iter_rows(values_only=True) for v in r]
    assert "Aucun trajet sur la période" in values
    rows = list(csv.reader(io.StringIO(export.to_csv(empty).decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["Total", "Total"]


def test_unknown_language_is_named() -> None:
    with pytest.raises(InvalidInput) as caught:
        export.to_csv(march_report(), lang="de")
    assert caught.value.field == "lang"


@pytest.mark.parametrize("layout", chart.LAYOUTS)
def test_chart_draws_one_bar_stack_per_group_and_the_time_split(report, layout) -> None:
    figure = chart.cost_figure(report, lang="fr", layout=layout)
    costs_ax, time_ax = figure.axes
    for ax in (costs_ax, time_ax):
        assert [t.get_text() for t in ax.get_yticklabels()] == ["Camille Martin", "Sophie Durand"]
    widths = {}
    for patch, label in zip(
        costs_ax.patches, [i for i in chart.ITEMS for _ in report.rows], strict=True
    ):
        widths[label] = widths.get(label, 0.0) + patch.get_width()
    assert widths["mileage_eur"] == pytest.approx(float(report.total.actual.mileage_eur))
    assert widths["tolls_eur"] == pytest.approx(18.40)
    driving = sum(p.get_width() for p in time_ax.patches[: len(report.rows)])
    assert driving == pytest.approx(report.total.actual.driving_s / 3600)
    png = chart.cost_chart_png(report, "en", layout=layout)
    assert png.startswith(b"\x89PNG")


def test_chart_axis_writes_euros_as_the_reader_does(report) -> None:
    french = chart.cost_figure(report, lang="fr").axes[0].xaxis.get_major_formatter()
    assert french(30000, 0) == "30\u202f000\u00a0€"
    english = chart.cost_figure(report, lang="en").axes[0].xaxis.get_major_formatter()
    assert english(30000, 0) == "€30,000"
    figure = chart.cost_figure(report, lang="fr")
    FigureCanvasAgg(figure).draw()
    ticks = [t.get_text() for t in figure.axes[0].get_xticklabels() if t.get_text()]
    assert ticks and all(t.endswith("\u00a0€") and "," not in t for t in ticks)


def test_screen_chart_stays_readable_once_scaled_to_a_phone(report) -> None:
    """The page's chart, 330 px wide on a 390 px phone: no text under 11 px."""
    figure = chart.cost_figure(report, lang="fr")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    width_in = figure.get_figwidth()
    shown_px_per_point = 330 / width_in / 72
    texts = [t for t in figure.findobj(match=lambda a: hasattr(a, "get_fontsize")) if t.get_text()]
    assert len(texts) > 10
    smallest = min(t.get_fontsize() for t in texts)
    assert smallest * shown_px_per_point >= 11, (smallest, width_in)
    # and nothing drawn outside the image
    box = figure.get_tightbbox(canvas.get_renderer())
    assert box.x0 >= -0.01 and box.x1 <= width_in + 0.01


def test_chart_of_an_empty_period_says_so() -> None:
    figure = chart.cost_figure(march_report(), lang="en")
    assert [t.get_text() for t in figure.axes[0].texts] == ["No trip in the period"]
    with pytest.raises(InvalidInput) as caught:
        chart.cost_figure(march_report(), layout="tiny")
    assert caught.value.field == "layout"


def test_driving_hours_add_up_to_their_total_on_every_export() -> None:
    """Three trips of 20 min 20 s each (QA: rows 4,3 h, total 4,1 h): each shows 0:20, the
    total 1:00 (the sum of the rows shown, as the km), never 1:01 beside them — in the CSV,
    the workbook and the PDF alike."""
    trips = [costed(day, 4, "Camille Martin", driving_s=20 * 60 + 20) for day in (2, 3, 4)]
    report = march_report(*trips)
    assert report.total.actual.driving_s == 3600
    content = export.to_csv(report, lang="fr").decode("utf-8-sig")
    header, *body = list(csv.reader(io.StringIO(content), delimiter=";"))[:7]
    total = dict(zip(header, body[-1], strict=True))
    assert (total["Type"], total["Conduite (h)"]) == ("Réalisé", "1:00")
    book = load_workbook(io.BytesIO(export.to_xlsx(report, lang="fr")))
    rows = list(book["Trajets"].iter_rows(values_only=True))
    column = rows[0].index("Conduite (h)")
    assert [r[column] for r in rows[1:]] == [dt.timedelta(minutes=20)] * 3
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(export.to_pdf(report))).pages)
    assert "0:20" in pdf and "1:00" in pdf and "1,01" not in pdf
