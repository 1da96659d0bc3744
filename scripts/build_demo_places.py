"""Build the demo's real places from the shipped data (run once; output is committed).

- ``fieldcrm/data/demo/places_riviera.csv``: points on named streets of the Monaco OSM
  extract (Monaco and its French neighbours), with the street name and the nearest commune.
- ``fieldcrm/data/demo/places_paris.csv``: a sample of real Paris addresses (BAN).

Usage: ``python scripts/build_demo_places.py /path/to/shared/data``
"""

from __future__ import annotations

import csv
import gzip
import math
import random
import sys
from pathlib import Path

import osmium

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "fieldcrm" / "data" / "demo"
DRIVABLE = {
    "primary",
    "secondary",
    "tertiary",
    "residential",
    "unclassified",
    "living_street",
    "primary_link",
    "secondary_link",
    "tertiary_link",
    "trunk",
}
# Communes of the extract: name, postcode, lon, lat (Monaco is not a French commune).
NEIGHBOURS = [
    ("Monaco", "98000", 7.4197, 43.7325),
    ("Monaco", "98000", 7.4270, 43.7400),
    ("Monaco", "98000", 7.4128, 43.7283),
]


class StreetNodes(osmium.SimpleHandler):
    """Collect (street name, lon, lat) for nodes of named drivable ways."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, float, float]] = []

    def way(self, way: osmium.osm.Way) -> None:
        if way.tags.get("highway") in DRIVABLE and "name" in way.tags:
            for node in way.nodes:
                if node.location.valid():
                    self.rows.append((way.tags["name"], node.location.lon, node.location.lat))


def communes(shared: Path) -> list[tuple[str, str, float, float]]:
    rows = []
    with (shared / "communes" / "communes_france.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code_departement"] == "06" and row["latitude"]:
                lon, lat = float(row["longitude"]), float(row["latitude"])
                if 7.30 <= lon <= 7.55 and 43.68 <= lat <= 43.82:
                    rows.append((row["nom"], row["codes_postaux"].split("|")[0], lon, lat))
    return rows + NEIGHBOURS


def main(shared: Path) -> None:
    rng = random.Random(2026)
    handler = StreetNodes()
    handler.apply_file(str(shared / "osm" / "monaco.osm.pbf"), locations=True)
    towns = communes(shared)
    seen: set[tuple[float, float]] = set()
    rows = []
    for name, lon, lat in handler.rows:
        key = (round(lon, 4), round(lat, 4))
        if key in seen:
            continue
        seen.add(key)
        town = min(towns, key=lambda t: math.hypot((t[2] - lon) * 0.72, t[3] - lat))
        rows.append((name, f"{lon:.6f}", f"{lat:.6f}", town[1], town[0]))
    rng.shuffle(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "places_riviera.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["street", "lon", "lat", "postcode", "city"])
        writer.writerows(sorted(rows[:1600]))
    with gzip.open(
        shared / "addresses" / "ban-adresses-75-paris.csv.gz", "rt", encoding="utf-8"
    ) as handle:
        ban = list(csv.DictReader(handle, delimiter=";"))
    sample = rng.sample(ban, 250)
    with (OUT / "places_paris.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["number", "street", "postcode", "city", "lon", "lat"])
        for row in sorted(sample, key=lambda r: r["id"]):
            number = row["numero"] + (f" {row['rep']}" if row["rep"] else "")
            writer.writerow(
                [number, row["nom_voie"], row["code_postal"], "Paris", row["lon"], row["lat"]]
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
