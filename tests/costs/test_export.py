"""Report files read back: CSV figures, XLSX sheets, PDF text, chart PNG; French and English."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fieldcrm.costs import chart, export
from fieldcrm.costs.report import TravelReport, build_report
from fieldcrm.costs.trips import Rates, Trip, cost_trip
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
    lines = [list(r) for r in summary.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(lines) if r[0] == "Groupe")
    header = lines[header_at]
    total = dict(zip(header, lines[-1], strict=True))
    assert total["Groupe"] == "Total" and total["Type"] == "Réalisé"
    assert total["Total (€)"] == pytest.approx(float(report.total.actual.total_eur))
    trips = list(book["Trajets"].iter_rows(values_only=True))
    assert len(trips) == 1 + len(report.trips)
    by_rep = {r[2]: r for r in trips[1:] if r[3] == "Réalisé"}
    assert by_rep["Sophie Durand"][4] == 810.0
    assert by_rep["Sophie Durand"][6] == 1  # hotel nights


def test_pdf_shows_the_period_the_groups_and_the_total(report) -> None:
    pdf = PdfReader(io.BytesIO(export.to_pdf(report, lang="fr")))
    page = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Frais de mars 2026" in page
    assert "Période du 2026-03-01 au 2026-03-31" in page
    assert "Sophie Durand" in page and "Camille Martin" in page
    total = f"{report.total.actual.total_eur:.2f}".replace(".", ",")
    assert total in page.replace("\u202f", "").replace(" ", "")
    english = PdfReader(io.BytesIO(export.to_pdf(report, lang="en")))
    assert "Period 2026-03-01 to 2026-03-31" in english.pages[0].extract_text()


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


def test_chart_draws_one_bar_stack_per_group_and_the_time_split(report) -> None:
    figure = chart.cost_figure(report, lang="fr")
    costs_ax, time_ax = figure.axes
    assert [t.get_text() for t in costs_ax.get_xticklabels()] == ["Camille Martin", "Sophie Durand"]
    heights = {}
    for patch, label in zip(
        costs_ax.patches, [i for i in chart.ITEMS for _ in report.rows], strict=True
    ):
        heights[label] = heights.get(label, 0.0) + patch.get_height()
    assert heights["mileage_eur"] == pytest.approx(float(report.total.actual.mileage_eur))
    assert heights["tolls_eur"] == pytest.approx(18.40)
    driving = sum(p.get_width() for p in time_ax.patches[: len(report.rows)])
    assert driving == pytest.approx(report.total.actual.driving_s / 3600)
    png = chart.cost_chart_png(report, "en")
    assert png.startswith(b"\x89PNG")


def test_chart_of_an_empty_period_says_so() -> None:
    figure = chart.cost_figure(march_report(), lang="en")
    assert [t.get_text() for t in figure.axes[0].texts] == ["No trip in the period"]
