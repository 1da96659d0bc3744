"""Build ``fieldcrm/data/communes/former_names.csv``: names of communes as they were in 2018
(IGN Admin Express COG 2018, as converted by gregoiredavid/france-geojson) that COG 2026 no
longer has, each with the INSEE code of the commune it belongs to now.

* a commune that kept its code under a new name (the seat of a commune nouvelle):
  its 2018 name → the same code;
* a commune absorbed since 2018 (code gone): its 2018 polygon's neighbours are scored and the
  one whose 2026 centre (computed on the merged outlines) moved toward the union of both
  outlines is taken.

    python scripts/build_former_names.py [/work/shared/data/admin/communes]

Checked against La Poste's localities (see the print-out at the end) when that file exists.
"""

from __future__ import annotations

import csv
import glob
import json
import sys
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from fieldcrm.geocoding.gazetteer import COMMUNES_CSV
from fieldcrm.geocoding.normalize import city_key

OUT = COMMUNES_CSV.parent / "former_names.csv"
LAPOSTE = Path("/work/shared/data/admin/laposte_hexasmal.csv")


def main(folder: str = "/work/shared/data/admin/communes") -> None:
    now = {r["code_insee"]: r for r in csv.DictReader(COMMUNES_CSV.open(encoding="utf-8"))}
    old: dict[str, tuple[str, object]] = {}
    for path in sorted(glob.glob(f"{folder}/*.geojson")):
        for feature in json.loads(Path(path).read_text(encoding="utf-8"))["features"]:
            props = feature["properties"]
            old[props["code"]] = (props["nom"], shape(feature["geometry"]))
    rows: list[tuple[str, str, str]] = []
    for code, (name, _) in old.items():
        if code in now and city_key(name) != city_key(now[code]["nom"]):
            rows.append((name, code, code))
    kept = [c for c in old if c in now and now[c]["latitude"]]
    tree = STRtree([old[c][1] for c in kept])
    for code, (name, geom) in old.items():
        if code in now:
            continue
        best, best_gain = None, 0.0
        for i in tree.query(geom, predicate="intersects"):
            other = kept[int(i)]
            own = old[other][1]
            centre = Point(float(now[other]["longitude"]), float(now[other]["latitude"]))
            gain = centre.distance(own.centroid) - centre.distance(own.union(geom).centroid)
            if gain > best_gain:
                best, best_gain = other, gain
        if best is not None:
            rows.append((name, code, best))
    rows.sort(key=lambda r: (r[2], r[0]))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nom_ancien", "code_insee_2018", "code_insee"])
        writer.writerows(rows)
    print(f"{len(rows)} former names written to {OUT}")
    if LAPOSTE.exists():
        _check(rows)


def _check(rows: list[tuple[str, str, str]]) -> None:
    """Compare with La Poste's localities (Ligne 5) that carry a former commune's name."""
    by_key = {city_key(name): target for name, _, target in rows}
    agree = total = 0
    for r in csv.DictReader(LAPOSTE.open(encoding="utf-8"), delimiter=";"):
        key = city_key(r["Ligne_5"]) if r["Ligne_5"] else ""
        if key in by_key:
            total += 1
            agree += by_key[key] == r["Code_commune_INSEE"]
    print(f"La Poste localities named after a former commune: {agree}/{total} same code")


if __name__ == "__main__":
    main(*sys.argv[1:])
