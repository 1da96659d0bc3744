"""Bench: geocoding accuracy and throughput on real Paris addresses, beside peers.

    python -m bench.geocoding [--sample 2000] [--keep]

Data: the Base Adresse Nationale export for Paris (158 048 house numbers,
``/work/shared/data/addresses/ban-adresses-75-paris.csv.gz``); a seeded sample is typed the way
people type addresses (abbreviations, case, accents dropped, "bis", "Paris 15e", "PARIS CEDEX
15", 15 % without postcode) and geocoded:

* offline path: fieldcrm's normaliser + gazetteer, beside a naive peer (exact
  ``(postcode, upper-cased city)`` dictionary on the same communes file, no normalisation);
  throughput also measured on 3 000 real La Poste commune names typed badly (distinct
  look-ups, the gazetteer's memo cleared first);
* provider path: the real geopy BAN client against a loopback server answering BAN's JSON
  from the whole file (a simple stand-in for BAN's engine, see ``tests/geocoding/ban_paris``),
  fieldcrm's normalised query beside geopy's ``BANFrance`` sent the raw typed text;
* cached re-run: the batch service on a fresh database (``fieldcrm_bench_geocoding``, dropped
  afterwards unless ``--keep``): first run through the loopback provider, then the same
  accounts again (all answers from the cache table, no request).

Printed: share resolved to the right arrondissement (INSEE code), median distance error,
share at house-number precision, addresses/s.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from geopy.geocoders import BANFrance
from sqlalchemy import text

from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.geocoding.chain import GeocoderChain, OfflineProvider
from fieldcrm.geocoding.gazetteer import COMMUNES_CSV, gazetteer_cache, load_gazetteer
from fieldcrm.geocoding.normalize import normalize_address
from fieldcrm.geocoding.providers import GeopyProvider, ProviderSpec
from fieldcrm.services import geocoding as service
from fieldcrm.store import migrate
from fieldcrm.store.db import make_engine, session_scope
from fieldcrm.store.embedded import drop_database
from tests.conftest import _recreate, _server_url
from tests.geocoding.ban_paris import FULL_FILE, BanAddress, BanIndex, read_addresses, typed
from tests.geocoding.loopback import serving

LAPOSTE_SAMPLE = Path(__file__).resolve().parent.parent / "tests/data/geocoding/laposte_sample.csv"
Typed = tuple[BanAddress, tuple[str, str, str]]


def _row(name: str, n: int, right: int, errors: list[float], fine: int, seconds: float) -> None:
    median = f"{statistics.median(errors):8.0f}" if errors else "       –"
    print(f"| {name:52s} | {right / n:6.1%} | {median} | {fine / n:6.1%} | {n / seconds:9.0f} |")


def _header(title: str) -> None:
    print(f"\n{title}")
    print(f"| {'path':52s} | right  | median m | house# | addr/s    |")


def _score(
    name: str,
    items: list[Typed],
    locate: Callable[[tuple[str, str, str]], tuple[str, GeoPoint | None, bool]],
) -> None:
    right = fine = 0
    errors: list[float] = []
    start = time.perf_counter()
    answers = [locate(t) for _, t in items]
    seconds = time.perf_counter() - start
    for (a, _), (code, point, housenumber) in zip(items, answers, strict=True):
        right += code == a.code_insee
        fine += housenumber
        if point is not None:
            errors.append(haversine_m(point, GeoPoint(a.lon, a.lat)))
    _row(name, len(items), right, errors, fine, seconds)


def _naive_peer() -> Callable[[tuple[str, str, str]], tuple[str, GeoPoint | None, bool]]:
    table: dict[tuple[str, str], tuple[str, GeoPoint]] = {}
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if not r["longitude"]:
                continue
            for pc in r["codes_postaux"].split("|"):
                point = GeoPoint(float(r["longitude"]), float(r["latitude"]))
                table.setdefault((pc, r["nom"].upper()), (r["code_insee"], point))

    def locate(t: tuple[str, str, str]) -> tuple[str, GeoPoint | None, bool]:
        hit = table.get((t[1], t[2].upper()))
        return (hit[0], hit[1], False) if hit else ("", None, False)

    return locate


def offline(items: list[Typed]) -> None:
    start = time.perf_counter()
    gazetteer_cache().clear()
    gaz = load_gazetteer()
    print(f"\ngazetteer load: {time.perf_counter() - start:.2f} s ({len(gaz)} communes)")
    provider = OfflineProvider(gaz)

    def ours(t: tuple[str, str, str]) -> tuple[str, GeoPoint | None, bool]:
        r = provider.geocode(normalize_address(t[0], None, t[1], t[2]))
        return (r.citycode, r.point, False) if r else ("", None, False)

    _header(f"Offline path, {len(items)} Paris addresses")
    _score("fieldcrm normalise + gazetteer", items, ours)
    _score("peer: exact (postcode, CITY) dictionary", items, _naive_peer())

    with LAPOSTE_SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    rng = random.Random(3)
    queries = [
        (
            r["Code_postal"] if rng.random() < 0.8 else "",
            rng.choice([r["Nom_commune"].lower(), r["Nom_commune"] + " CEDEX"]),
        )
        for r in rows
    ]
    gaz._cached_lookup.cache_clear()
    start = time.perf_counter()
    found = sum(gaz.lookup(pc, city) is not None for pc, city in queries)
    seconds = time.perf_counter() - start
    print(
        f"gazetteer, {len(queries)} distinct La Poste commune look-ups (cold memo): "
        f"{len(queries) / seconds:,.0f} look-ups/s, {found} found"
    )


def provider_path(items: list[Typed], index: BanIndex) -> None:
    with serving(index.responder) as server:
        spec = ProviderSpec(name="ban", url=server.url, timeout_s=5.0, max_retries=0)
        chain = GeocoderChain(
            [GeopyProvider(spec), OfflineProvider(load_gazetteer())], threshold=0.6
        )

        def ours(t: tuple[str, str, str]) -> tuple[str, GeoPoint | None, bool]:
            r = chain.geocode(normalize_address(t[0], None, t[1], t[2])).result
            if r is None or r.point is None:
                return "", None, False
            return r.citycode, r.point, r.precision == "housenumber"

        peer_client = BANFrance(domain=spec.domain, scheme="http", timeout=5)

        def peer(t: tuple[str, str, str]) -> tuple[str, GeoPoint | None, bool]:
            loc = peer_client.geocode(" ".join(p for p in t if p))
            if loc is None:
                return "", None, False
            props = loc.raw["properties"]
            return (
                props["citycode"],
                GeoPoint(loc.longitude, loc.latitude),
                props["type"] == "housenumber",
            )

        _header(f"Provider path (loopback BAN answering from {len(index.words)} streets)")
        _score("fieldcrm normalise + geopy BAN + gazetteer fallback", items, ours)
        _score("peer: geopy BANFrance, raw typed text", items, peer)


def cached_rerun(items: list[Typed], index: BanIndex, *, keep: bool) -> None:
    name = "fieldcrm_bench_geocoding"
    url = _recreate(_server_url(), name)
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO accounts (name, address_line1, postcode, city) VALUES (:n, :l, :p, :c)"
                ),
                [{"n": f"B{i}", "l": t[0], "p": t[1], "c": t[2]} for i, (_, t) in enumerate(items)],
            )
        with serving(index.responder) as server:
            spec = ProviderSpec(name="ban", url=server.url, timeout_s=5.0, max_retries=0)
            chain = GeocoderChain(
                [GeopyProvider(spec), OfflineProvider(load_gazetteer())], threshold=0.6
            )
            print(f"\nBatch service on PostGIS, {len(items)} accounts, batches of 200")
            for label in ("first run (provider on loopback)", "re-run (every answer cached)"):
                with session_scope(engine) as session:
                    session.execute(text("UPDATE accounts SET geocode_status = 'pending'"))
                    session.commit()
                    start = time.perf_counter()
                    summary = service.geocode_accounts(session, actor=service.SYSTEM, chain=chain)
                    seconds = time.perf_counter() - start
                print(
                    f"| {label:36s} | {seconds:6.2f} s | {summary.processed / seconds:7.0f} addr/s | "
                    f"cached {summary.cached:5d} | requests {len(server.requests):5d} | "
                    f"matched {summary.matched_total} review {summary.to_review} failed {summary.failed} |"
                )
    finally:
        engine.dispose()
        if not keep:
            drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    addresses = read_addresses(FULL_FILE)
    rng = random.Random(2026)
    chosen = rng.sample(addresses, args.sample)
    items: list[Typed] = [(a, typed(a, rng)) for a in chosen]
    print(f"{len(addresses)} BAN addresses for Paris; sample of {len(items)} typed as people type")
    offline(items)
    start = time.perf_counter()
    index = BanIndex(addresses)
    print(f"\nloopback BAN index built in {time.perf_counter() - start:.1f} s")
    provider_path(items, index)
    cached_rerun(items, index, keep=args.keep)


if __name__ == "__main__":
    main()
