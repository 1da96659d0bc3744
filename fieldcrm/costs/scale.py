"""The French fiscal mileage scale (barème kilométrique), kept as one data file per year.

A scale gives, for a vehicle kind and fiscal horsepower, the yearly allowance for an annual
professional distance ``d``: ``d × rate + fixed`` in the distance band holding ``d``. Electric
vehicles get the published uplift (+20 % since 2021). A new year is a new YAML file in
``fieldcrm/data/mileage/bareme_<year>.yaml``; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

from fieldcrm.errors import InvalidInput

SCALE_DIR = Path(__file__).resolve().parent.parent / "data" / "mileage"
VEHICLE_KINDS = ("car", "motorcycle", "moped")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    """One distance band of a horsepower class: ``d × rate + fixed`` for ``d`` up to ``upto_km``."""

    upto_km: int | None
    rate: Decimal
    fixed: Decimal


@dataclass(frozen=True)
class HorsepowerClass:
    """The bands of one fiscal horsepower class (``max_hp`` None: and above)."""

    max_hp: int | None
    label: str
    bands: tuple[Band, ...]

    def band(self, annual_km: Decimal) -> Band:
        """The band holding a yearly distance of ``annual_km`` (the one lookup of the scale)."""
        return next(b for b in self.bands if b.upto_km is None or annual_km <= b.upto_km)


@dataclass(frozen=True)
class MileageScale:
    """The scale of one year for every vehicle kind."""

    year: int
    source: str
    electric_uplift: Decimal
    vehicles: dict[str, tuple[HorsepowerClass, ...]]
    vehicle_labels: dict[str, str] = field(default_factory=dict)
    """The scale's name of each vehicle kind (« Automobile »…), as its file gives it."""

    def hp_class(self, vehicle: str, fiscal_hp: int) -> HorsepowerClass:
        """The horsepower class of ``vehicle`` that applies to ``fiscal_hp``."""
        if vehicle not in self.vehicles:
            raise InvalidInput(
                "vehicle",
                "unknown vehicle kind",
                value=vehicle,
                allowed=", ".join(sorted(self.vehicles)),
            )
        if fiscal_hp < 1:
            raise InvalidInput("fiscal_hp", "must be at least 1", value=fiscal_hp)
        for cls in self.vehicles[vehicle]:
            if cls.max_hp is None or fiscal_hp <= cls.max_hp:
                return cls
        raise AssertionError("the last class of a scale has no upper bound")  # pragma: no cover


def available_years(directory: Path = SCALE_DIR) -> list[int]:
    """Years for which a scale file exists, ascending."""
    return sorted(int(p.stem.removeprefix("bareme_")) for p in directory.glob("bareme_*.yaml"))


def load_scale(year: int, directory: Path = SCALE_DIR) -> MileageScale:
    """Read the scale of ``year`` from ``directory``; a missing year names those available."""
    path = directory / f"bareme_{year}.yaml"
    if not path.exists():
        raise InvalidInput(
            "mileage_scale_year",
            "no mileage scale for this year",
            value=year,
            allowed=", ".join(map(str, available_years(directory))),
        )
    return parse_scale(yaml.safe_load(path.read_text(encoding="utf-8")))


def parse_scale(data: dict[str, Any]) -> MileageScale:
    """Build a scale from its YAML mapping, checking that each class has one band per limit."""
    vehicles: dict[str, tuple[HorsepowerClass, ...]] = {}
    labels: dict[str, str] = {}
    for kind, spec in data["vehicles"].items():
        labels[str(kind)] = str(spec.get("label", kind))
        limits = [int(x) for x in spec["band_limits_km"]] + [None]
        classes = []
        for cls in spec["classes"]:
            if len(cls["bands"]) != len(limits):
                raise InvalidInput(
                    f"vehicles.{kind}.{cls['label']}.bands",
                    f"expected {len(limits)} bands, found {len(cls['bands'])}",
                )
            bands = tuple(
                Band(upto, Decimal(str(rate)), Decimal(str(fixed)))
                for upto, (rate, fixed) in zip(limits, cls["bands"], strict=True)
            )
            classes.append(HorsepowerClass(cls.get("max_hp"), str(cls["label"]), bands))
        vehicles[str(kind)] = tuple(classes)
    return MileageScale(
        year=int(data["year"]),
        source=str(data.get("source", "")),
        electric_uplift=Decimal(str(data.get("electric_uplift", 0))),
        vehicles=vehicles,
        vehicle_labels=labels,
    )


def annual_allowance(
    scale: MileageScale,
    annual_km: float,
    *,
    fiscal_hp: int,
    vehicle: str = "car",
    electric: bool = False,
) -> Decimal:
    """Yearly allowance in euros (to the cent) for ``annual_km`` professional kilometres.

    Examples
    --------
    5 CV car, 6 000 km: 6 000 × 0.357 + 1 395 = 3 537 €.
    """
    if annual_km < 0:
        raise InvalidInput("annual_km", "must not be negative", value=annual_km)
    d = Decimal(str(annual_km))
    band = scale.hp_class(vehicle, fiscal_hp).band(d)
    amount = d * band.rate + band.fixed
    if electric:
        amount *= 1 + scale.electric_uplift
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RateBasis:
    """How a rate per km was read from the scale: the vehicle's class, the yearly distance
    ``d`` it was read at, the band holding ``d`` and the yearly allowance there.

    ``rate`` is ``allowance_eur / annual_km`` (to the ten-thousandth); with no distance
    (``annual_km`` 0) it is the first band's rate, the marginal rate at 0 km.
    """

    scale_year: int
    vehicle: str
    vehicle_label: str
    hp_class: HorsepowerClass
    electric_uplift: Decimal
    """The uplift applied (0 for a vehicle that is not electric)."""
    annual_km: float
    band: Band
    band_from_km: int | None
    """The previous band's limit (the band holds ``d`` above it); None for the first band."""
    allowance_eur: Decimal
    rate: Decimal


def rate_basis(
    scale: MileageScale,
    annual_km: float,
    *,
    fiscal_hp: int,
    vehicle: str = "car",
    electric: bool = False,
) -> RateBasis:
    """The rate per km at ``annual_km`` a year and what it was read from (:func:`rate_per_km`).

    Examples
    --------
    >>> b = rate_basis(load_scale(2025), 12_000, fiscal_hp=5)
    >>> b.hp_class.label, b.band_from_km, b.band.upto_km, b.allowance_eur, b.rate
    ('5 CV', 5000, 20000, Decimal('5679.00'), Decimal('0.4733'))
    """
    cls = scale.hp_class(vehicle, fiscal_hp)
    uplift = scale.electric_uplift if electric else Decimal(0)
    d = Decimal(str(max(annual_km, 0.0)))
    band = cls.band(d)  # the first one at 0 km
    if d == 0:
        allowance = Decimal("0.00")
        rate = band.rate * (1 + uplift)
    else:
        allowance = annual_allowance(
            scale, annual_km, fiscal_hp=fiscal_hp, vehicle=vehicle, electric=electric
        )
        rate = allowance / d
    index = cls.bands.index(band)
    return RateBasis(
        scale_year=scale.year,
        vehicle=vehicle,
        vehicle_label=scale.vehicle_labels.get(vehicle, vehicle),
        hp_class=cls,
        electric_uplift=uplift,
        annual_km=max(annual_km, 0.0),
        band=band,
        band_from_km=cls.bands[index - 1].upto_km if index else None,
        allowance_eur=allowance,
        rate=rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
    )


def rate_per_km(
    scale: MileageScale,
    annual_km: float,
    *,
    fiscal_hp: int,
    vehicle: str = "car",
    electric: bool = False,
) -> Decimal:
    """Average euros per km at ``annual_km`` a year: the rate to cost one trip of that year.

    With no distance yet the first band's rate applies (the marginal rate at 0 km).
    """
    return rate_basis(
        scale, annual_km, fiscal_hp=fiscal_hp, vehicle=vehicle, electric=electric
    ).rate
