"""Build ``fieldcrm/data/communes/former_seats.csv``: names of former communes that became the
seat of a commune nouvelle under a longer name since the 2018 outlines were drawn
(``Argentat`` → ``Argentat-sur-Dordogne``, ``Cherbourg`` → ``Cherbourg-en-Cotentin``), which
``former_names.csv`` (built from those outlines) cannot know.

Source: La Poste's localities (column ``Ligne_5`` of the base officielle des codes postaux), kept
only where the locality's name is the start of its own commune's current name (same INSEE
code: the seat kept its code) and is neither a current commune's name nor already a former name.

    python scripts/build_former_seats.py [/work/shared/data/admin/laposte_hexasmal.csv]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from fieldcrm.geocoding.gazetteer import COMMUNES_CSV
from fieldcrm.geocoding.normalize import city_key

OUT = COMMUNES_CSV.parent / "former_seats.csv"


def main(laposte: str = "/work/shared/data/admin/laposte_hexasmal.csv") -> None:
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        now = {r["code_insee"]: r for r in csv.DictReader(handle)}
    current = {city_key(r["nom"]) for r in now.values()}
    with (COMMUNES_CSV.parent / "former_names.csv").open(encoding="utf-8") as handle:
        former = {city_key(r["nom_ancien"]) for r in csv.DictReader(handle)}
    rows: dict[tuple[str, str], str] = {}
    with Path(laposte).open(encoding="utf-8") as handle:
        places = list(csv.DictReader(handle, delimiter=";"))
    for r in places:
        commune = now.get(r["Code_commune_INSEE"])
        key = city_key(r["Ligne_5"])
        if not key or commune is None or key in current or key in former:
            continue
        if city_key(commune["nom"]).startswith(key + " "):
            rows.setdefault((key, commune["code_insee"]), r["Ligne_5"].title())
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nom_ancien", "code_insee_2018", "code_insee"])
        for (_, code), name in sorted(rows.items(), key=lambda item: (item[0][1], item[0][0])):
            writer.writerow([name, code, code])
    print(f"{len(rows)} former seats written to {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:])
