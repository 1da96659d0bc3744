"""The mileage scale against the published examples of each band, vehicle kind and uplift."""

from decimal import Decimal
from pathlib import Path

import pytest

from fieldcrm.costs.scale import annual_allowance, available_years, load_scale, rate_per_km
from fieldcrm.errors import InvalidInput

SCALE = load_scale(2025)


@pytest.mark.parametrize(
    ("vehicle", "hp", "km", "expected"),
    [
        # Cars: one example per band (d × rate + fixed, as published).
        ("car", 4, 4_000, "2424.00"),  # 4 000 × 0.606
        ("car", 5, 6_000, "3537.00"),  # 6 000 × 0.357 + 1 395 (the example band)
        ("car", 5, 10_000, "4965.00"),  # 10 000 × 0.357 + 1 395
        ("car", 6, 25_000, "11175.00"),  # 25 000 × 0.447
        ("car", 3, 5_000, "2645.00"),  # 3 CV and less, upper edge of the first band
        ("car", 2, 12_000, "4857.00"),  # 2 CV uses the "3 CV and less" line
        ("car", 7, 15_000, "7425.00"),  # 15 000 × 0.394 + 1 515
        ("car", 11, 30_000, "14100.00"),  # "7 CV and more": 30 000 × 0.470
        # Motorcycles (> 50 cm³), bands 3 000 / 6 000 km.
        ("motorcycle", 1, 2_000, "790.00"),  # 2 000 × 0.395
        ("motorcycle", 4, 5_000, "1568.00"),  # 5 000 × 0.082 + 1 158
        ("motorcycle", 8, 10_000, "3430.00"),  # 10 000 × 0.343
        # Mopeds (≤ 50 cm³).
        ("moped", 1, 2_500, "787.50"),  # 2 500 × 0.315
        ("moped", 1, 4_000, "1027.00"),  # 4 000 × 0.079 + 711
        ("moped", 1, 8_000, "1584.00"),  # 8 000 × 0.198
    ],
)
def test_published_examples(vehicle: str, hp: int, km: int, expected: str) -> None:
    assert annual_allowance(SCALE, km, fiscal_hp=hp, vehicle=vehicle) == Decimal(expected)


def test_electric_uplift_is_twenty_percent() -> None:
    thermal = annual_allowance(SCALE, 6_000, fiscal_hp=5)
    electric = annual_allowance(SCALE, 6_000, fiscal_hp=5, electric=True)
    assert electric == Decimal("4244.40")  # (6 000 × 0.357 + 1 395) × 1.2
    assert electric == (thermal * Decimal("1.2")).quantize(Decimal("0.01"))


@pytest.mark.parametrize("vehicle", ["car", "motorcycle", "moped"])
def test_bands_join_without_a_jump(vehicle: str) -> None:
    """The published fixed parts make the scale (almost) continuous: a typo would show."""
    for cls in SCALE.vehicles[vehicle]:
        hp = cls.max_hp or 20
        for band in cls.bands[:-1]:
            assert band.upto_km is not None
            below = annual_allowance(SCALE, band.upto_km, fiscal_hp=hp, vehicle=vehicle)
            above = annual_allowance(SCALE, band.upto_km + 1, fiscal_hp=hp, vehicle=vehicle)
            assert abs(above - below) < 20, (vehicle, cls.label, band.upto_km)


def test_rate_per_km_is_the_average_of_the_year() -> None:
    assert rate_per_km(SCALE, 10_000, fiscal_hp=5) == Decimal("0.4965")
    assert rate_per_km(SCALE, 0, fiscal_hp=5) == Decimal("0.6360")


def test_unknown_year_names_those_available(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        load_scale(1999)
    assert err.value.field == "mileage_scale_year"
    assert 2025 in available_years()


def test_bad_input_names_the_field() -> None:
    with pytest.raises(InvalidInput) as err:
        annual_allowance(SCALE, 100, fiscal_hp=5, vehicle="truck")
    assert err.value.field == "vehicle"
    with pytest.raises(InvalidInput) as err:
        annual_allowance(SCALE, -1, fiscal_hp=5)
    assert err.value.field == "annual_km"
    with pytest.raises(InvalidInput) as err:
        annual_allowance(SCALE, 100, fiscal_hp=0)
    assert err.value.field == "fiscal_hp"
