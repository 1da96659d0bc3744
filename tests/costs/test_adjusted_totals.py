"""A validated month's adjustments count in its totals: « total validé » + adjustments =
« total corrigé », on the report's rows, its total and in every export; amounts are signed
with a minus sign (−10,50 €), not a hyphen."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fieldcrm.costs import export
from fieldcrm.costs.report import (
    AdjustmentLine,
    MonthStamp,
    TravelReport,
    build_report,
    local_eur,
)
from fieldcrm.costs.trips import Rates, Trip, TripCost, cost_trip

RATES = Rates(hotel_night_eur=Decimal("95"), meal_eur=Decimal("20"))
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
AT = dt.datetime(2026, 12, 7, 23, 31)
JULIEN, SOPHIE = 5, 6


def costed(day: int, rep: int, name: str, km: float) -> TripCost:
    start = dt.date(2026, 11, day)
    trip = Trip(
        rep_id=rep,
        rep_name=name,
        kind="actual",
        start_day=start,
        end_day=start,
        km=km,
        driving_s=3600,
        visiting_s=3600,
        visits=3,
        team="Équipe Sud",
    )
    return cost_trip(trip, rate_per_km=Decimal("0.447"), rates=RATES)


def adjustment(amount: str, reason: str) -> AdjustmentLine:
    return AdjustmentLine(
        JULIEN, "Julien Bernard", NOVEMBER[0], Decimal(amount), reason, "Claire Lefèvre", AT
    )


def november(group_by: str = "rep") -> TravelReport:
    return build_report(
        [
            costed(3, JULIEN, "Julien Bernard", 150.0),
            costed(10, JULIEN, "Julien Bernard", 250.0),
            costed(4, SOPHIE, "Sophie Durand", 300.0),
        ],
        title="Frais de novembre 2026",
        start=NOVEMBER[0],
        end=NOVEMBER[1],
        group_by=group_by,
        scale_year=2025,
        stamps=[MonthStamp(JULIEN, "Julien Bernard", NOVEMBER[0], "Claire Lefèvre", AT)],
        adjustments=[
            adjustment("-10.50", "Trajet compté deux fois"),
            adjustment("12.00", "Parking"),
        ],
    )


def test_the_reps_row_and_the_total_include_the_adjustments() -> None:
    report = november()
    julien, sophie = report.rows
    assert julien.label == "Julien Bernard" and sophie.label == "Sophie Durand"
    assert julien.actual.total_eur == Decimal("178.80")  # 400 km × 0,447, as validated
    assert julien.adjustments_eur == Decimal("1.50")
    assert julien.corrected_total_eur == Decimal("180.30")
    assert sophie.adjustments_eur == 0 and sophie.corrected_total_eur == sophie.actual.total_eur
    assert report.total.corrected_total_eur == report.total.actual.total_eur + Decimal("1.50")
    assert report.adjusted_total_eur == report.total.corrected_total_eur
    (correction,) = report.corrections
    assert (correction.rep_name, correction.month) == ("Julien Bernard", NOVEMBER[0])
    assert correction.validated_eur == Decimal("178.80")
    assert correction.corrected_eur == Decimal("180.30")


def test_by_month_the_months_row_has_them_by_week_only_the_total() -> None:
    (month,) = november("month").rows
    assert month.adjustments_eur == Decimal("1.50")
    by_week = november("week")
    assert all(r.adjustments_eur == 0 for r in by_week.rows)
    assert by_week.total.corrected_total_eur == by_week.total.actual.total_eur + Decimal("1.50")


def test_a_rep_with_adjustments_and_no_trip_has_a_row() -> None:
    report = build_report(
        [costed(4, SOPHIE, "Sophie Durand", 300.0)],
        title="t",
        start=NOVEMBER[0],
        end=NOVEMBER[1],
        scale_year=2025,
        adjustments=[adjustment("25.00", "Parking")],
    )
    julien = report.rows[0]
    assert (julien.label, julien.corrected_total_eur) == ("Julien Bernard", Decimal("25.00"))
    assert report.total.corrected_total_eur == report.total.actual.total_eur + 25


def test_a_negative_amount_has_a_minus_sign_in_both_languages() -> None:
    assert local_eur(Decimal("-10.5"), "fr", 2) == "\u221210,50\u00a0€"
    assert local_eur(Decimal("-10.5"), "en", 2) == "\u2212€10.50"
    assert local_eur(Decimal("12"), "fr", 2, signed=True) == "+12,00\u00a0€"


def _csv(lang: str) -> tuple[list[str], list[list[str]], list[str]]:
    content = export.to_csv(november(), lang=lang).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";" if lang == "fr" else ","))
    blank = rows.index([])
    header, *body = rows[:blank]
    return header, body, [r[0] for r in rows[blank + 1 :]]


def test_the_csv_has_the_adjustments_and_the_corrected_totals() -> None:
    header, body, notes = _csv("fr")
    assert header.index("Ajustements (€)") == header.index("Total (€)") + 1
    rows = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in body}
    julien = rows[("Julien Bernard", "Réalisé")]
    assert julien["Total (€)"] == "178,80"  # as validated
    assert julien["Ajustements (€)"] == "1,50"
    assert julien["Total corrigé (€)"] == "180,30"
    total = rows[("Total", "Réalisé")]
    assert Decimal(total["Total corrigé (€)"].replace(",", ".")) == Decimal(
        total["Total (€)"].replace(",", ".")
    ) + Decimal("1.50")
    assert rows[("Total", "Prévu")]["Total corrigé (€)"] == ""  # a plan is not paid
    assert notes[-3:] == [
        "Julien Bernard, 11/2026 : ajustement de \u221210,50\u00a0€ — Trajet compté deux fois "
        "(Claire Lefèvre)",
        "Julien Bernard, 11/2026 : ajustement de +12,00\u00a0€ — Parking (Claire Lefèvre)",
        "Julien Bernard, 11/2026 : total validé 178,80\u00a0€ ; ajustements +1,50\u00a0€ ; "
        "total corrigé 180,30\u00a0€",
    ]
    header, body, notes = _csv("en")
    assert dict(zip(header, body[-1], strict=True))["Corrected total (€)"] == (
        f"{november().total.corrected_total_eur}"
    )
    assert notes[-3] == (
        "Julien Bernard, 11/2026: adjustment of \u2212€10.50 — Trajet compté deux fois "
        "(Claire Lefèvre)"
    )


def test_the_xlsx_and_the_pdf_have_the_corrected_totals() -> None:
    report = november()
    book = load_workbook(io.BytesIO(export.to_xlsx(report, lang="fr")))
    lines = [list(r) for r in book["Synthèse"].iter_rows(values_only=True)]
    header = lines[next(i for i, r in enumerate(lines) if r[0] == "Groupe")]
    total = dict(zip(header, lines[-1], strict=True))
    assert total["Total corrigé (€)"] == pytest.approx(float(report.total.corrected_total_eur))
    assert total["Ajustements (€)"] == pytest.approx(1.5)
    pdf = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(export.to_pdf(report, lang="fr"))).pages
    )
    corrected = f"{report.total.corrected_total_eur:.2f}".replace(".", ",")
    assert corrected in pdf
    assert "total corrigé 180,30" in pdf and "ajustement de \u221210,50" in pdf
