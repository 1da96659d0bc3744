"""The barème basis of a rate per km, in words a reader can check by hand (fr and en), and the
check-ins left out of the visits, said with their count."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fieldcrm.costs.basis import (
    MileageBasis,
    basis_text,
    not_counted_text,
    vehicle_text,
    yearly_km,
)
from fieldcrm.costs.scale import annual_allowance, load_scale, rate_basis, rate_per_km

SCALE = load_scale(2025)
NNBSP = "\u202f"  # French thousands separator (babel)
NBSP = "\u00a0"


def basis(km: float, *, source: str, hp: int = 5, electric: bool = False, **kw) -> MileageBasis:
    found = rate_basis(SCALE, km, fiscal_hp=hp, electric=electric, **kw)
    return MileageBasis(4, "Camille Martin", 2026, source, found)


@pytest.mark.parametrize(
    ("km", "hp", "band", "formula"),
    [
        (3_000, 5, (None, 5000), ("0.636", "0")),
        (5_000, 5, (None, 5000), ("0.636", "0")),  # the edge belongs to the lower band
        (5_001, 5, (5000, 20000), ("0.357", "1395")),
        (12_000, 5, (5000, 20000), ("0.357", "1395")),
        (25_000, 5, (20000, None), ("0.427", "0")),
        (15_000, 9, (5000, 20000), ("0.394", "1515")),  # "7 CV et plus"
    ],
)
def test_the_basis_is_the_band_the_rate_was_computed_in(km, hp, band, formula) -> None:
    b = rate_basis(SCALE, km, fiscal_hp=hp)
    assert (b.band_from_km, b.band.upto_km) == band
    assert (b.band.rate, b.band.fixed) == (Decimal(formula[0]), Decimal(formula[1]))
    assert b.allowance_eur == annual_allowance(SCALE, km, fiscal_hp=hp)
    assert b.rate == rate_per_km(SCALE, km, fiscal_hp=hp)
    # the band's formula at d gives the allowance: what the reader checks by hand
    assert (Decimal(km) * b.band.rate + b.band.fixed).quantize(Decimal("0.01")) == b.allowance_eur


def test_declared_km_in_the_middle_band_in_french() -> None:
    assert basis_text(basis(12_000, source="declared"), "fr") == (
        f"Camille Martin\u00a0: Barème 2025, automobile 5 CV, 5{NNBSP}001–20{NNBSP}000 km\u00a0: "
        f"d × 0,357 + 1{NNBSP}395{NBSP}€\u00a0; d = 12{NNBSP}000 km déclarés par an → "
        f"5{NNBSP}679{NBSP}€ par an, soit 0,4733 €/km"
    )


def test_actual_km_of_the_year_so_far_and_the_last_band() -> None:
    text = basis_text(basis(25_000.4, source="actual"), "fr")
    assert (
        ", plus de 20\u202f000 km\u00a0: d × 0,427\u00a0; d = 25\u202f000 km réels en 2026 à ce jour"
        in text
    )
    assert text.endswith(f"→ 10{NNBSP}675,17{NBSP}€ par an, soit 0,4270 €/km")  # to the cent


def test_electric_car_in_english_shows_the_uplift() -> None:
    text = basis_text(basis(6_000, source="planned", electric=True), "en")
    assert text == (
        "Camille Martin: Scale 2025, car 5 hp (CV) electric (+20%), 5,001–20,000 km: "
        "(d × 0.357 + €1,395) × 1.2; d = 6,000 planned km in 2026 (no actual km yet) → "
        "€4,244.40 a year, i.e. €0.7074/km"
    )
    assert rate_per_km(SCALE, 6_000, fiscal_hp=5, electric=True) == Decimal("0.7074")


def test_no_km_yet_reads_the_first_band() -> None:
    b = basis(0, source="none")
    assert b.basis.rate == Decimal("0.6360")
    assert basis_text(b, "fr") == (
        "Camille Martin\u00a0: Barème 2025, automobile 5 CV\u00a0: aucun km en 2026 encore\u00a0: "
        "taux de la première tranche, 0,6360 €/km"
    )


def test_a_validated_month_keeps_its_frozen_rate_and_says_so() -> None:
    import datetime as dt
    from dataclasses import replace

    b = replace(basis(12_000, source="declared"), frozen=((dt.date(2026, 2, 1), Decimal("0.5")),))
    assert basis_text(b, "fr").endswith(
        "soit 0,4733 €/km\u00a0; mois validé 02/2026\u00a0: taux figé à la validation, 0,5000 €/km"
    )


def test_the_yearly_distance_is_declared_else_actual_else_planned() -> None:
    assert yearly_km(declared=25_000, actual_km=12_472.4, planned_km=1.0) == (25_000.0, "declared")
    assert yearly_km(declared=None, actual_km=12_472.4, planned_km=1.0) == (12_472.4, "actual")
    assert yearly_km(declared=0, actual_km=0.0, planned_km=900.0) == (900.0, "planned")
    assert yearly_km(declared=None, actual_km=0.0, planned_km=0.0) == (0.0, "none")


def test_check_ins_left_out_of_the_visits_are_counted_in_words() -> None:
    assert not_counted_text(0, "fr") == ""
    one = not_counted_text(1, "fr")
    assert one.startswith(
        "1 pointage à distance sans compte rendu ne compte pas comme visite (ni dans le coût "
        "par visite)\u00a0: fait à plus de 500 m du compte"
    )
    assert not_counted_text(2, "fr").startswith(
        "2 pointages à distance sans compte rendu ne comptent pas comme visites"
    )
    assert not_counted_text(3, "en", far_m=1500).startswith(
        "3 far check-ins without a report do not count as visits (nor in the cost per visit): "
        "made more than 1,500 m from the account"
    )


def test_the_exports_carry_the_basis_and_the_check_ins_left_out() -> None:
    import csv
    import datetime as dt
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from fieldcrm.costs import export
    from fieldcrm.costs.report import build_report
    from fieldcrm.costs.trips import NotCounted, Rates, Trip, cost_trip

    day = dt.date(2026, 3, 10)
    trip = Trip(
        4,
        "Camille Martin",
        "actual",
        day,
        day,
        km=42.0,
        driving_s=3600,
        visiting_s=2700,
        visits=1,
        not_counted=(NotCounted(day, 807, "LAMBDA SARL", 11_200.0),),
    )
    b = basis(12_000, source="declared")
    cost = cost_trip(trip, rate_per_km=b.basis.rate, rates=Rates(Decimal(95), Decimal(20)))
    report = build_report(
        [cost],
        title="Frais",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        scale_year=2025,
        bases=[b],
    )
    said = basis_text(b, "fr")
    left_out = not_counted_text(1, "fr")
    sheet = load_workbook(io.BytesIO(export.to_xlsx(report, lang="fr")))["Synthèse"]
    lines = [r[0] for r in sheet.iter_rows(values_only=True)]
    assert said in lines and left_out in lines
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(export.to_pdf(report))).pages)
    pdf = " ".join(pdf.split())  # the PDF wraps long lines
    assert "Barème 2025, automobile 5 CV" in pdf and "0,4733 €/km" in pdf
    assert "1 pointage à distance sans compte rendu" in pdf
    rows = list(csv.reader(io.StringIO(export.to_csv(report).decode("utf-8-sig")), delimiter=";"))
    assert rows[rows.index([]) + 1 :] == [[said], [left_out]]
    english = export.caption(report, "en")
    assert basis_text(b, "en") in english and not_counted_text(1, "en") in english


@pytest.mark.parametrize(
    ("vehicle", "fiscal_hp", "french", "english"),
    [
        ("car", 9, "automobile 7 CV et plus", "car 7 hp (CV) and over"),
        ("car", 2, "automobile 3 CV et moins", "car 3 hp (CV) and under"),
        (
            "motorcycle",
            4,
            "motocyclette (plus de 50 cm³) 3, 4 ou 5 CV",
            "motorcycle (over 50 cm³) 3, 4 or 5 hp (CV)",
        ),
        ("moped", 1, "cyclomoteur", "moped"),
    ],
)
def test_the_vehicle_is_named_in_the_readers_language(
    vehicle: str, fiscal_hp: int, french: str, english: str
) -> None:
    """The scale's data file names vehicles and horsepower classes in French; an English
    reader reads them in English (« automobile 7 CV et plus » was left French)."""
    b = rate_basis(SCALE, 0, fiscal_hp=fiscal_hp, vehicle=vehicle)
    assert vehicle_text(b, "fr") == french
    assert vehicle_text(b, "en") == english
