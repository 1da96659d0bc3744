"""Territories built from administrative units: communes, postcodes, départements.

The outlines come from files shipped in the repository (``fieldcrm/data/admin``): the
simplified outlines of every département, the commune outlines of a few départements (the
demo's), and the commune list with its postcodes (``fieldcrm/data/communes``). A postcode
maps to every commune that uses it; a municipal arrondissement (Paris, Lyon, Marseille) maps to
its parent commune, whose outline is the one shipped.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, shape
from shapely.geometry.base import BaseGeometry

from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.territories.shapes import as_multipolygon

_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_POSTCODE = re.compile(r"^\d{5}$")
_DEPARTEMENT = re.compile(r"^(\d{2}|2[AB]|97\d)$")


@dataclass(frozen=True)
class AdminBoundaries:
    """Outlines and code tables of the shipped administrative units."""

    communes: Mapping[str, BaseGeometry]
    """Commune outlines by INSEE code (only the départements shipped)."""
    departements: Mapping[str, BaseGeometry]
    """Département outlines by code (all of metropolitan France, simplified)."""
    commune_names: Mapping[str, str] = field(default_factory=dict)
    postcodes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Postcode → INSEE codes of the communes using it (arrondissements → parent)."""
    known_communes: frozenset[str] = frozenset()
    """Every INSEE code of the commune list (outline shipped or not)."""

    @property
    def shipped_departements(self) -> tuple[str, ...]:
        """Départements whose commune outlines are shipped."""
        return tuple(sorted({_dep_of(code) for code in self.communes}))


@dataclass(frozen=True)
class UnitsShape:
    """A territory built from units: its outline and the communes/départements it unites."""

    geometry: MultiPolygon
    communes: tuple[str, ...]
    departements: tuple[str, ...]
    description: str


def _dep_of(insee: str) -> str:
    return insee[:3] if insee.startswith("97") else insee[:2]


def _read_features(path: Path) -> dict[str, BaseGeometry]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, BaseGeometry] = {}
    for feature in doc["features"]:
        geom = shapely.make_valid(shape(feature["geometry"]))
        out[str(feature["properties"]["code"])] = geom
    return out


def load_boundaries(data_dir: Path) -> AdminBoundaries:
    """Load the shipped boundary files.

    Parameters
    ----------
    data_dir
        The package data folder (holding ``admin/`` and ``communes/``).

    Returns
    -------
    AdminBoundaries
        Outlines keyed by code, postcode table and commune names.
    """
    admin = data_dir / "admin"
    departements = _read_features(admin / "departements-version-simplifiee.geojson")
    communes: dict[str, BaseGeometry] = {}
    for path in sorted((admin / "communes").glob("communes-*.geojson")):
        communes.update(_read_features(path))
    names: dict[str, str] = {}
    postcodes: dict[str, list[str]] = {}
    known: set[str] = set()
    with (data_dir / "communes" / "communes_france.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["code_insee"]
            known.add(code)
            names[code] = row["nom"]
            target = row["commune_parent"] or code
            for postcode in filter(None, row["codes_postaux"].split("|")):
                bucket = postcodes.setdefault(postcode, [])
                if target not in bucket:
                    bucket.append(target)
    return AdminBoundaries(
        communes=communes,
        departements=departements,
        commune_names=names,
        postcodes={k: tuple(sorted(v)) for k, v in postcodes.items()},
        known_communes=frozenset(known),
    )


def build_from_units(
    boundaries: AdminBoundaries,
    *,
    communes: Iterable[str] = (),
    postcodes: Iterable[str] = (),
    departements: Iterable[str] = (),
) -> UnitsShape:
    """Union the outlines of the given units into one MultiPolygon.

    Parameters
    ----------
    boundaries
        The loaded outlines (:func:`load_boundaries`).
    communes, postcodes, departements
        INSEE commune codes, postcodes and département codes; any mix, at least one.

    Returns
    -------
    UnitsShape
        The union (valid, EPSG:4326) and the communes and départements it is made of.

    Raises
    ------
    InvalidInput
        Once with every unknown or malformed code, and every commune whose outline is not
        shipped (the message lists the départements that are).
    """
    problems: list[Problem] = []
    chosen_communes: list[str] = []
    chosen_deps: list[str] = []
    shipped = ", ".join(boundaries.shipped_departements)

    def add_commune(code: str, field_name: str, via: str | None = None) -> None:
        if code in boundaries.communes:
            if code not in chosen_communes:
                chosen_communes.append(code)
        elif code in boundaries.known_communes:
            problems.append(
                Problem(
                    field_name,
                    f"commune {code}{' (postcode ' + via + ')' if via else ''} exists but its "
                    "outline is not shipped; use its département or a shipped one",
                    code,
                    allowed=f"communes of départements {shipped}",
                )
            )
        else:
            problems.append(Problem(field_name, "unknown INSEE commune code", code))

    for i, raw in enumerate(communes):
        code = str(raw).strip().upper()
        if not _INSEE.match(code):
            problems.append(Problem(f"communes[{i}]", "an INSEE code has 5 characters", raw))
            continue
        add_commune(code, f"communes[{i}]")
    for i, raw in enumerate(postcodes):
        code = str(raw).strip()
        if not _POSTCODE.match(code):
            problems.append(Problem(f"postcodes[{i}]", "a postcode has 5 digits", raw))
            continue
        targets = boundaries.postcodes.get(code)
        if not targets:
            problems.append(Problem(f"postcodes[{i}]", "unknown postcode", code))
            continue
        for target in targets:
            add_commune(target, f"postcodes[{i}]", via=code)
    for i, raw in enumerate(departements):
        code = str(raw).strip().upper().zfill(2)
        if not _DEPARTEMENT.match(code) or code not in boundaries.departements:
            problems.append(
                Problem(
                    f"departements[{i}]", "unknown département code", raw, allowed="01…95, 2A, 2B"
                )
            )
            continue
        if code not in chosen_deps:
            chosen_deps.append(code)
    if not problems and not chosen_communes and not chosen_deps:
        problems.append(Problem("units", "give at least one commune, postcode or département"))
    InvalidInput.collect(problems)
    geoms = [boundaries.communes[c] for c in chosen_communes]
    geoms += [boundaries.departements[d] for d in chosen_deps]
    union = as_multipolygon(shapely.make_valid(shapely.union_all(geoms)))
    parts = []
    if chosen_deps:
        parts.append("départements " + ", ".join(chosen_deps))
    if chosen_communes:
        parts.append(f"{len(chosen_communes)} commune(s)")
    return UnitsShape(union, tuple(chosen_communes), tuple(chosen_deps), "; ".join(parts))
