"""What a report's euros rest on, in words a rep or a manager can check by hand.

* The **barème basis** of each rep's rate per km: the scale's year, the vehicle and its
  fiscal horsepower (electric or not), the yearly distance ``d`` the scale is read at and
  where ``d`` comes from (:func:`yearly_km`, the one home of that choice), the band holding
  ``d`` with its formula, and the rate it gives (« Barème 2025, automobile 5 CV, 5 001–20 000
  km : d × 0,357 + 1 395 € ; d = 12 000 km déclarés par an → 5 679 € par an, soit 0,4733 €/km »).
* The **check-ins that are no visits** (far from the account, no report yet): how many, and
  why they are left out of the visits and the cost per visit.

Numbers as the reader of ``fr`` or ``en`` writes them (babel, :func:`local_number`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from fieldcrm.costs.plausible import FAR_FROM_ACCOUNT_M
from fieldcrm.costs.report import local_eur, local_number
from fieldcrm.costs.scale import RateBasis

KM_SOURCES = ("declared", "actual", "planned", "none")
"""Where the yearly distance ``d`` comes from: the rep's declared yearly km, the km of their
actual trips of the year so far, of their planned trips (nothing checked in yet), or none."""


def yearly_km(*, declared: int | None, actual_km: float, planned_km: float) -> tuple[float, str]:
    """The yearly distance the scale is read at, and its source (:data:`KM_SOURCES`): the
    declared yearly km, else the year's actual km, else its planned km, else 0.

    >>> yearly_km(declared=None, actual_km=12_472.4, planned_km=900.0)
    (12472.4, 'actual')
    """
    if declared:
        return float(declared), "declared"
    if actual_km > 0:
        return actual_km, "actual"
    if planned_km > 0:
        return planned_km, "planned"
    return 0.0, "none"


@dataclass(frozen=True)
class MileageBasis:
    """The rate per km of a rep's trips of one calendar year, and what it was read from."""

    rep_id: int
    rep_name: str
    year: int
    """The trips' calendar year (the yearly distance is that year's)."""
    km_source: str
    basis: RateBasis
    frozen: tuple[tuple[dt.date, Decimal], ...] = ()
    """(month, rate) of the rep's validated months in the report: their trips keep the rate
    frozen at validation."""


_WORDS = {
    "fr": {
        "scale": "Barème {year}",
        "electric": "électrique (+{pct}\u00a0%)",
        "first": "jusqu’à {upto} km",
        "middle": "{low}–{upto} km",
        "last": "plus de {low} km",
        "declared": "d = {km} km déclarés par an",
        "actual": "d = {km} km réels en {year} à ce jour",
        "planned": "d = {km} km prévus en {year} (aucun km réel encore)",
        "none": "aucun km en {year} encore\u00a0: taux de la première tranche, {rate} €/km",
        "rate": "{allowance} par an, soit {rate} €/km",
        "frozen": "mois validé {month}\u00a0: taux figé à la validation, {rate} €/km",
        "not_counted_1": "{n} pointage à distance sans compte rendu ne compte pas comme visite",
        "not_counted_n": "{n} pointages à distance sans compte rendu ne comptent pas comme visites",
        "not_counted_why": (
            " (ni dans le coût par visite)\u00a0: fait à plus de {m} m du compte, un pointage ne "
            "compte qu’avec son compte rendu\u00a0; ses kilomètres comptent, sauf s’il est listé "
            "« À vérifier »."
        ),
    },
    "en": {
        "scale": "Scale {year}",
        "electric": "electric (+{pct}%)",
        "first": "up to {upto} km",
        "middle": "{low}–{upto} km",
        "last": "over {low} km",
        "declared": "d = {km} km a year as declared",
        "actual": "d = {km} actual km in {year} so far",
        "planned": "d = {km} planned km in {year} (no actual km yet)",
        "none": "no km in {year} yet: the first band's rate, €{rate}/km",
        "rate": "{allowance} a year, i.e. €{rate}/km",
        "frozen": "validated month {month}: rate frozen at validation, €{rate}/km",
        "not_counted_1": "{n} far check-in without a report does not count as a visit",
        "not_counted_n": "{n} far check-ins without a report do not count as visits",
        "not_counted_why": (
            " (nor in the cost per visit): made more than {m} m from the account, a check-in "
            "counts only with its report; its kilometres count, unless it is listed under "
            "“To check”."
        ),
    },
}


def _words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["fr"])


VEHICLES_EN = {
    "car": "car",
    "motorcycle": "motorcycle (over 50 cm³)",
    "moped": "moped (50 cm³ or less)",
}
"""English names of the scale's vehicles (the data file names them in French)."""
_POWER_EN = (
    ("cyclomoteur", "moped"),
    ("plus de ", "over "),
    (" et plus", " and over"),
    (" et moins", " and under"),
    (" ou ", " or "),
    ("CV", "hp (CV)"),  # the French fiscal horsepower, named as the scale does
)


def vehicle_text(basis: RateBasis, lang: str = "fr") -> str:
    """The vehicle and its fiscal horsepower class in ``lang``: « automobile 7 CV et plus »,
    "car 7 hp (CV) and over"; a class that already names its vehicle (« cyclomoteur (50 cm³
    au plus) ») says it once.

    >>> from fieldcrm.costs.scale import load_scale, rate_basis
    >>> vehicle_text(rate_basis(load_scale(2025), 0, fiscal_hp=9), "en")
    'car 7 hp (CV) and over'
    """
    kind, power = basis.vehicle_label.lower(), basis.hp_class.label
    if lang == "en":
        kind = VEHICLES_EN.get(basis.vehicle, kind)
        for french, english in _POWER_EN:
            power = power.replace(french, english)
    return power if kind in power.lower() or power.lower() in kind else f"{kind} {power}"


def band_text(basis: RateBasis, lang: str) -> str:
    """The band holding ``d``: « 5 001–20 000 km », « jusqu’à 5 000 km », « plus de 20 000 km »."""
    words, upto, low = _words(lang), basis.band.upto_km, basis.band_from_km
    if low is None:
        return words["first"].format(upto=local_number(upto or 0, lang))
    if upto is None:
        return words["last"].format(low=local_number(low, lang))
    return words["middle"].format(low=local_number(low + 1, lang), upto=local_number(upto, lang))


def formula_text(basis: RateBasis, lang: str) -> str:
    """The band's formula: « d × 0,357 + 1 395 € », « (d × 0,357 + 1 395 €) × 1,2 »."""
    band = basis.band
    text = f"d × {local_number(band.rate, lang, 3)}"
    if band.fixed:
        text += f" + {local_eur(band.fixed, lang)}"
    if basis.electric_uplift:
        text = f"({text}) × {local_number(1 + basis.electric_uplift, lang, 1)}"
    return text


def _euros(value: Decimal, lang: str) -> str:
    """Whole euros without decimals (« 5 679 € »), else to the cent (« 4 452,50 € »)."""
    return local_eur(value, lang, 0 if value == value.to_integral_value() else 2)


def basis_text(b: MileageBasis, lang: str = "fr") -> str:
    """One rep's barème basis in a sentence of ``lang``, after their name (see the module
    docstring)."""
    words, basis = _words(lang), b.basis
    vehicle = vehicle_text(basis, lang)
    if basis.electric_uplift:
        vehicle += " " + words["electric"].format(
            pct=local_number(basis.electric_uplift * 100, lang)
        )
    # French: a no-break space before « : » and « ; » (never a line starting with one)
    colon, semicolon = ("\u00a0: ", "\u00a0; ") if lang == "fr" else (": ", "; ")
    head = f"{b.rep_name}{colon}{words['scale'].format(year=basis.scale_year)}, {vehicle}"
    rate = local_number(basis.rate, lang, 4)
    if b.km_source == "none":
        text = f"{head}{colon}{words['none'].format(year=b.year, rate=rate)}"
    else:
        text = (
            f"{head}, {band_text(basis, lang)}{colon}{formula_text(basis, lang)}{semicolon}"
            f"{words[b.km_source].format(km=local_number(basis.annual_km, lang), year=b.year)}"
            f" → {words['rate'].format(allowance=_euros(basis.allowance_eur, lang), rate=rate)}"
        )
    for month, frozen in b.frozen:
        text += semicolon + words["frozen"].format(
            month=f"{month:%m/%Y}", rate=local_number(frozen, lang, 4)
        )
    return text


def not_counted_text(count: int, lang: str = "fr", *, far_m: float = FAR_FROM_ACCOUNT_M) -> str:
    """How many check-ins were left out of the visits, and why, in ``lang`` ("" for none):
    « 2 pointages à distance sans compte rendu ne comptent pas comme visites (…) »."""
    if count <= 0:
        return ""
    words = _words(lang)
    head = words["not_counted_1" if count == 1 else "not_counted_n"].format(n=count)
    return head + words["not_counted_why"].format(m=local_number(far_m, lang))
