"""GeoJSON → valid MultiPolygon in EPSG:4326, or :class:`InvalidInput` naming the feature.

Repair rule: a geometry is repaired (``make_valid``) only when the intent is clear, that is
when the repaired area equals the area the drawing states (shell area minus holes, ring by
ring with the shoelace formula). A self-touching ring, a duplicated vertex, an unclosed ring,
overlapping parts of a MultiPolygon or a clockwise shell pass that test. A bow-tie does not:
its two lobes turn in opposite directions, so the drawn (signed) area is the difference of
the lobes while the repaired one is their sum; which lobe was meant cannot be guessed, so it
is an error that names the crossing point.

Coordinates are checked against a plausible area (metropolitan France and its borders by
default): a shape outside it whose swapped coordinates fall inside is reported as
"lon/lat swapped".
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import LinearRing, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.geo import FRANCE_BBOX

BBox = tuple[float, float, float, float]
POLYGON_TYPES = ("Polygon", "MultiPolygon")
_REL_TOL = 1e-6


@dataclass(frozen=True)
class ShapeFeature:
    """One parsed feature: its label, properties, valid geometry and what was repaired."""

    label: str
    properties: dict[str, Any]
    geometry: MultiPolygon
    repairs: tuple[str, ...] = field(default=())


class _Bad(Exception):
    """Internal: one problem of one geometry."""


def _label(index: int, feature: Mapping[str, Any]) -> str:
    props = feature.get("properties") or {}
    name = props.get("name") or props.get("nom") if isinstance(props, Mapping) else None
    ident = feature.get("id")
    tag = name or ident
    return f"features[{index}]" + (f" «{tag}»" if tag not in (None, "") else "")


def _number_pairs(ring: Any, where: str) -> list[tuple[float, float]]:
    if not isinstance(ring, Sequence) or isinstance(ring, str):
        raise _Bad(f"{where}: a ring must be a list of [lon, lat] positions")
    out: list[tuple[float, float]] = []
    for pos in ring:
        if (
            not isinstance(pos, Sequence)
            or isinstance(pos, str)
            or len(pos) < 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in pos[:2])
            or not all(math.isfinite(float(c)) for c in pos[:2])
        ):
            raise _Bad(f"{where}: invalid position {pos!r}, expected [lon, lat] numbers")
        out.append((float(pos[0]), float(pos[1])))
    return out


def _ring(raw: Any, where: str, repairs: list[str]) -> list[tuple[float, float]]:
    coords = _number_pairs(raw, where)
    # Drop consecutive duplicates (clear intent).
    dedup = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
    if len(dedup) != len(coords):
        repairs.append(f"{where}: repeated vertices removed")
    if dedup and dedup[0] != dedup[-1]:
        dedup.append(dedup[0])
        repairs.append(f"{where}: ring closed")
    if len(dedup) < 4:
        raise _Bad(
            f"{where}: a ring needs at least 3 distinct positions, got {max(0, len(dedup) - 1)}"
        )
    return dedup


def _shoelace(coords: Sequence[tuple[float, float]]) -> float:
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(coords))


def _check_ring(coords: list[tuple[float, float]], where: str, repairs: list[str]) -> None:
    ring = LinearRing(coords)
    if ring.is_simple:
        return
    drawn = abs(_shoelace(coords))
    fixed = shapely.make_valid(Polygon(coords)).area
    if drawn > 0 and math.isclose(drawn, fixed, rel_tol=_REL_TOL):
        repairs.append(f"{where}: self-touching ring repaired")
        return
    crossing = _crossing_point(ring)
    at = f" near ({crossing[0]:.6f}, {crossing[1]:.6f})" if crossing else ""
    raise _Bad(
        f"{where}: the ring crosses itself{at} (bow-tie); which part is meant is unclear, "
        "draw it as separate polygons"
    )


def _crossing_point(ring: LinearRing) -> tuple[float, float] | None:
    noded = shapely.node(ring)
    points = shapely.get_coordinates(noded)
    seen: dict[tuple[float, float], int] = {}
    for x, y in points:
        seen[(x, y)] = seen.get((x, y), 0) + 1
    start = tuple(points[0]) if len(points) else None
    for pos, count in seen.items():
        if count > 1 and pos != start:
            return pos
    return None


def _polygon(raw: Any, where: str, repairs: list[str]) -> tuple[Polygon, float]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise _Bad(f"{where}: a polygon needs at least one ring")
    rings = [_ring(r, f"{where}[{i}]", repairs) for i, r in enumerate(raw)]
    for i, coords in enumerate(rings):
        _check_ring(coords, f"{where}[{i}]", repairs)
    shell_area = abs(_shoelace(rings[0]))
    holes_area = sum(abs(_shoelace(h)) for h in rings[1:])
    return Polygon(rings[0], rings[1:]), shell_area - holes_area


def _polygons(geometry: Mapping[str, Any], repairs: list[str]) -> list[tuple[Polygon, float]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        return [_polygon(coords, "coordinates", repairs)]
    if kind == "MultiPolygon":
        if not isinstance(coords, Sequence) or isinstance(coords, str):
            raise _Bad("coordinates: a MultiPolygon needs a list of polygons")
        return [_polygon(p, f"coordinates[{i}]", repairs) for i, p in enumerate(coords)]
    if kind == "GeometryCollection":
        members = geometry.get("geometries") or []
        out: list[tuple[Polygon, float]] = []
        for member in members:
            if not isinstance(member, Mapping) or member.get("type") not in POLYGON_TYPES:
                got = member.get("type") if isinstance(member, Mapping) else member
                raise _Bad(f"non-polygon geometry {got!r} in a GeometryCollection")
            out.extend(_polygons(member, repairs))
        return out
    raise _Bad(f"non-polygon geometry {kind!r}; allowed: Polygon, MultiPolygon")


def _check_area(polys: Sequence[Polygon], plausible: BBox | None) -> None:
    for poly in polys:
        x0, y0, x1, y1 = poly.bounds
        if not (max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90):
            if max(abs(y0), abs(y1)) <= 180 and max(abs(x0), abs(x1)) <= 90:
                raise _Bad(
                    "coordinates look like [lat, lon] (lon/lat swapped); GeoJSON is [lon, lat]"
                )
            raise _Bad(f"coordinates out of range: bounds {poly.bounds}")
    if plausible is None:
        return
    w, s, e, n = plausible
    bounds = shapely.total_bounds(list(polys))
    x0, y0, x1, y1 = (float(v) for v in bounds)
    inside = w <= x0 and x1 <= e and s <= y0 and y1 <= n
    if inside:
        return
    swapped = w <= y0 and y1 <= e and s <= x0 and x1 <= n
    if swapped:
        raise _Bad(
            f"coordinates look like [lat, lon] (lon/lat swapped): bounds "
            f"({x0:.4f}, {y0:.4f}, {x1:.4f}, {y1:.4f}) lie outside the plausible area "
            f"{plausible} but fit it once swapped; GeoJSON is [lon, lat]"
        )
    raise _Bad(
        f"shape outside the plausible area {plausible}: bounds ({x0:.4f}, {y0:.4f}, {x1:.4f}, {y1:.4f})"
    )


def as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """The polygonal parts of ``geom`` as one MultiPolygon, shells counter-clockwise."""
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    nested: list[Polygon] = []
    for part in parts:
        nested.extend(p for p in shapely.get_parts(part) if isinstance(p, Polygon))
    return MultiPolygon([shapely.geometry.polygon.orient(p, 1.0) for p in nested])


def parse_geometry(
    geometry: Mapping[str, Any] | None, *, plausible_bbox: BBox | None = FRANCE_BBOX
) -> tuple[MultiPolygon, tuple[str, ...]]:
    """Validate one GeoJSON geometry and return it as a valid MultiPolygon.

    Parameters
    ----------
    geometry
        A GeoJSON geometry mapping: Polygon, MultiPolygon (holes allowed) or a
        GeometryCollection of those.
    plausible_bbox
        ``(west, south, east, north)`` the shape must lie in; ``None`` disables the check.

    Returns
    -------
    tuple
        The MultiPolygon (shells counter-clockwise) and the repairs made, in words.

    Raises
    ------
    InvalidInput
        Field ``geometry``: empty, non-polygon, self-crossing ring, lon/lat swapped,
        outside the plausible area, or an invalidity whose repair would change the area.
    """
    try:
        return _parse(geometry, plausible_bbox)
    except _Bad as bad:
        raise InvalidInput("geometry", str(bad)) from None


def _parse(
    geometry: Mapping[str, Any] | None, plausible: BBox | None
) -> tuple[MultiPolygon, tuple[str, ...]]:
    if not geometry:
        raise _Bad("empty geometry")
    if not isinstance(geometry, Mapping):
        raise _Bad(f"a geometry must be a GeoJSON object, got {type(geometry).__name__}")
    if geometry.get("type") in POLYGON_TYPES and not geometry.get("coordinates"):
        raise _Bad("empty geometry (no coordinates)")
    repairs: list[str] = []
    pieces = _polygons(geometry, repairs)
    if not pieces:
        raise _Bad("empty geometry")
    polys = [p for p, _ in pieces]
    _check_area(polys, plausible)
    fixed: list[Polygon] = []
    for i, (poly, drawn_area) in enumerate(pieces):
        if poly.is_valid:
            fixed.append(poly)
            continue
        repaired = shapely.make_valid(poly)
        if drawn_area <= 0 or not math.isclose(repaired.area, drawn_area, rel_tol=_REL_TOL):
            raise _Bad(
                f"polygon {i}: {explain_validity(poly)}; cannot be repaired without guessing"
            )
        repairs.append(f"polygon {i}: {explain_validity(poly)} repaired")
        fixed.extend(as_multipolygon(repaired).geoms)
    if len(fixed) > 1:
        merged = shapely.union_all(fixed)
        if shapely.get_num_geometries(merged) != len(fixed) or not MultiPolygon(fixed).is_valid:
            repairs.append("overlapping or touching parts merged")
        result = as_multipolygon(merged)
    else:
        result = as_multipolygon(fixed[0])
    if result.is_empty or result.area == 0:
        raise _Bad("empty geometry (zero area)")
    if not result.is_valid:
        raise _Bad(f"invalid geometry after repair: {explain_validity(result)}")
    return result, tuple(repairs)


def _load(document: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(document, Mapping):
        return document
    text = document.decode("utf-8-sig") if isinstance(document, bytes) else document
    if not text.strip():
        raise InvalidInput("file", "the file is empty")
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("file", f"not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(loaded, Mapping):
        raise InvalidInput(
            "file", "a GeoJSON document must be an object", value=type(loaded).__name__
        )
    return loaded


def parse_features(
    document: str | bytes | Mapping[str, Any],
    *,
    plausible_bbox: BBox | None = FRANCE_BBOX,
    problems: list[Problem] | None = None,
) -> list[ShapeFeature]:
    """Parse a GeoJSON document (FeatureCollection, Feature or bare geometry).

    Parameters
    ----------
    document
        JSON text, bytes or an already decoded mapping.
    plausible_bbox
        Area every shape must lie in (see :func:`parse_geometry`).
    problems
        If given, faulty features are left out and their problems appended here instead of
        raised (so a caller can add its own checks and report everything at once).

    Returns
    -------
    list of ShapeFeature
        One per feature, in file order.

    Raises
    ------
    InvalidInput
        Once, with one problem per faulty feature (field ``features[i] «name»``), or field
        ``file`` for an empty file, invalid JSON or a collection without features.
    """
    doc = _load(document)
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list) or not features:
            raise InvalidInput("file", "the FeatureCollection has no features")
    elif kind == "Feature":
        features = [doc]
    elif kind in (*POLYGON_TYPES, "GeometryCollection"):
        features = [{"type": "Feature", "properties": {}, "geometry": doc}]
    else:
        raise InvalidInput(
            "file", "not a GeoJSON FeatureCollection, Feature or geometry", value=kind
        )
    found: list[Problem] = []
    out: list[ShapeFeature] = []
    for index, feature in enumerate(features):
        if not isinstance(feature, Mapping):
            found.append(Problem(f"features[{index}]", "a feature must be an object"))
            continue
        label = _label(index, feature)
        try:
            geom, repairs = _parse(feature.get("geometry"), plausible_bbox)
        except _Bad as bad:
            found.append(Problem(label, str(bad)))
            continue
        props = feature.get("properties") or {}
        out.append(
            ShapeFeature(label, dict(props) if isinstance(props, Mapping) else {}, geom, repairs)
        )
    if problems is None:
        InvalidInput.collect(found)
    else:
        problems.extend(found)
    return out


def to_geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """The GeoJSON mapping of a geometry (lists, not tuples, so it serialises plainly).

    Written by GEOS (every coordinate kept exactly), a few times faster than walking the
    coordinates in Python.
    """
    result: dict[str, Any] = json.loads(shapely.to_geojson(geometry))
    return result


def feature_collection(
    features: Sequence[tuple[BaseGeometry, Mapping[str, Any]]],
) -> dict[str, Any]:
    """A FeatureCollection from ``(geometry, properties)`` pairs."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": dict(props), "geometry": to_geojson(geom)}
            for geom, props in features
        ],
    }
