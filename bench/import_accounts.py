"""Benchmark: import N generated French-format accounts; time and peak memory.

Runs our streaming import (``services.imports.import_accounts``: csv reader → validation →
COPY into a staging table → set-based merge) beside a peer, ``pandas.read_csv`` +
``DataFrame.to_sql`` of the same file (no validation, no upsert), each in a fresh process so
peak RSS is its own. Sizes 10 000, 50 000, 100 000 show whether memory grows with the file.

Usage: ``python -m bench.import_accounts [--sizes 10000,50000,100000]``
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fieldcrm.store.embedded import drop_database, recreate_database

DB = "fieldcrm_bench_import"
SECTORS = ["Hôtellerie", "Restauration", "Café-bar", "Boulangerie", "Bureaux", "Santé"]


def _real_places(n: int = 500) -> list[str]:
    """``postcode;city`` of the ``n`` most populous communes writable in cp1252: rows the
    import can place in one commune (a made-up postcode is rejected, as it should be)."""
    from fieldcrm.geocoding.gazetteer import load_gazetteer

    communes = sorted(load_gazetteer().communes, key=lambda c: -c.population)
    out = []
    for c in communes:
        if c.postcodes and c.name.encode("cp1252", "ignore").decode("cp1252") == c.name:
            out.append(f"{c.postcodes[0]};{c.name}")
        if len(out) == n:
            break
    return out


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` accounts as a French Excel export (cp1252, ``;``, decimal commas)."""
    rng = random.Random(seed)
    places = _real_places()
    with path.open("w", encoding="cp1252", newline="") as handle:
        handle.write(
            "Identifiant;Raison sociale;Adresse;Code postal;Ville;Secteur;Potentiel;Type\r\n"
        )
        for i in range(rows):
            potential = f"{rng.randint(1, 60)} {rng.randint(0, 999):03d},{rng.randint(0, 99):02d} €"
            handle.write(
                f"C{i:07d};Société {i} SARL;{rng.randint(1, 200)} rue de la République;"
                f"{places[i % len(places)]};"
                f"{rng.choice(SECTORS)};{potential};{rng.choice(['client', 'prospect'])}\r\n"
            )


def _server() -> str:
    from fieldcrm.config import get_settings
    from fieldcrm.store.embedded import local_database_url

    return local_database_url(get_settings())


def _fresh_db() -> str:
    url = recreate_database(_server(), DB)
    from fieldcrm.store import migrate

    migrate.upgrade(url)
    return url


def run_ours(url: str, path: Path) -> dict[str, float]:
    from sqlalchemy.orm import Session

    from fieldcrm.services.imports import import_accounts
    from fieldcrm.store.db import make_engine

    start = time.perf_counter()
    with Session(make_engine(url)) as session:
        report = import_accounts(session, path)
    seconds = time.perf_counter() - start
    assert report.inserted + report.updated + report.unchanged > 0 and not report.rejected
    return {"seconds": seconds, "rows": report.inserted}


def run_peer(url: str, path: Path) -> dict[str, float]:
    import pandas as pd
    from sqlalchemy import create_engine

    start = time.perf_counter()
    frame = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str)
    frame.to_sql(
        "peer_accounts",
        create_engine(url),
        if_exists="replace",
        index=False,
        chunksize=5_000,
        method="multi",
    )
    return {"seconds": time.perf_counter() - start, "rows": len(frame)}


def _child(which: str, url: str, path: str) -> None:
    result = (run_ours if which == "ours" else run_peer)(url, Path(path))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    print(f"{'rows':>8} {'method':<34} {'seconds':>8} {'rows/s':>9} {'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"accounts_{size}.csv"
            generate(path, size)
            for which, label in (
                ("ours", "fieldcrm import (validate+upsert)"),
                ("peer", "pandas read_csv + to_sql"),
            ):
                url = _fresh_db()
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.import_accounts",
                        "--child",
                        which,
                        url,
                        str(path),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                figures = json.loads(out.stdout.strip().splitlines()[-1])
                print(
                    f"{size:>8} {label:<34} {figures['seconds']:>8.2f} "
                    f"{size / figures['seconds']:>9.0f} {figures['peak_rss_mb']:>12.0f}"
                )
    drop_database(_server().rsplit("/", 1)[0] + f"/{DB}")


if __name__ == "__main__":
    main()
