"""Bench: offline house-number geocoding from a Base Adresse Nationale file (issue 21).

    python -m bench.geocode_ban [--accounts 100000] [--batch-size 200] [--keep]

On a fresh database (``fieldcrm_bench_ban``, dropped afterwards unless ``--keep``):

1. ``fieldcrm geocode load-ban`` of the Paris export (158 048 house numbers,
   ``/work/shared/data/addresses/ban-adresses-75-paris.csv.gz``), twice (the reload replaces);
2. ``--accounts`` accounts drawn from those addresses (seeded, without replacement) and typed
   the way people type them (``tests/geocoding/ban_paris.typed``: "bd", "av.", "r.", "St",
   "Gal", "fbg"; wrong case; accents dropped half the time; "bis"/"B"; "Paris 15e",
   "PARIS CEDEX 15"; 15 % without postcode), with the bis/ter left out of a further 20 %;
3. the batch service (``geocode_accounts``, offline chain, batches of ``--batch-size``, one
   commit per batch: claim, BAN prefetch, match, write) over all of them, timed end to end;
4. accuracy read back from the accounts: median / 90th / 99th percentile distance to the BAN
   point of the address, share at house-number precision, share at the right house number
   (house-number precision within 15 m: a missing "bis" lands on the bare number), wrong
   answers not flagged (matched yet more than 50 m away);
5. the peer, in the same run: today's commune-centre path (gazetteer only) on the same typed
   addresses;
6. a mixed French-border batch (Monaco, Menton, Argentat without postcode,
   Saint-Julien-en-Genevois, a Belgian address): every answer right or flagged.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import time

from sqlalchemy import text

from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.geocoding.ban import AddressBook
from fieldcrm.geocoding.chain import GeocoderChain, OfflineProvider, build_chain
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.geocoding.normalize import normalize_address
from fieldcrm.services import ban, geocoding
from fieldcrm.store import migrate
from fieldcrm.store.db import make_engine, session_scope
from fieldcrm.store.embedded import drop_database
from tests.conftest import _recreate, _server_url
from tests.geocoding.ban_paris import FULL_FILE, BanAddress, read_addresses, typed

DB = "fieldcrm_bench_ban"
BORDER = [
    # (line1, postcode, city, country, where it is: INSEE code or "" when it must be flagged)
    ("2 avenue de Monte-Carlo", "98000", "Monaco", "", "99138"),
    ("12 boulevard des Moulins", "98000", "Monte-Carlo", "", "99138"),
    ("5 rue Partouneaux", "06500", "Menton", "", "06083"),
    ("1 place de l'Hôtel de Ville", "", "Argentat", "", "19010"),
    ("3 rue du Jura", "74160", "Saint-Julien-en-Genevois", "", "74243"),
    ("10 rue de la Loi", "1000", "Bruxelles", "Belgique", ""),
]


BIS_TER = ("b", "t", "q")
"""Suffixes people leave out (bis, ter, quater); Paris's other letters name separate lots."""


Item = tuple[BanAddress, tuple[str, str, str], bool]
"""The address meant, as typed (line 1, postcode, city), whether its bis/ter was left out."""


def _typed(addresses: list[BanAddress], n: int, seed: int) -> list[Item]:
    rng = random.Random(seed)
    chosen = rng.sample(addresses, n)
    items = []
    for a in chosen:
        left_out = a.rep in BIS_TER and rng.random() < 0.2
        items.append((a, typed(dataclasses.replace(a, rep="") if left_out else a, rng), left_out))
    return items


def _as_typed(addresses: list[BanAddress]) -> dict[tuple[str, str, str], GeoPoint]:
    """Bare numbers' points: where "12" is when "12 bis" was meant and the bis left out."""
    return {
        (a.nom_voie, a.code_postal, a.numero): GeoPoint(a.lon, a.lat)
        for a in addresses
        if not a.rep
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _line(
    name: str, n: int, errors: list[float], fine: int, right: int, wrong: int, s: float
) -> None:
    print(
        f"| {name:34s} | {n:7d} | {statistics.median(errors):8.1f} | "
        f"{_percentile(errors, 0.9):8.1f} | {_percentile(errors, 0.99):8.0f} | "
        f"{fine / n:6.1%} | {right / n:6.1%} | {wrong:5d} | {n / s:8.0f} |"
    )


def _header() -> None:
    print(
        f"| {'path':34s} | {'n':>7s} | {'median m':>8s} | {'p90 m':>8s} | {'p99 m':>8s} | "
        f"{'house#':>6s} | {'right#':>6s} | {'wrong':>5s} | {'addr/s':>8s} |"
    )


def load(url: str) -> None:
    engine = make_engine(url)
    for label in ("load", "reload (replaces)"):
        with session_scope(engine) as session:
            start = time.perf_counter()
            summary = ban.load_ban(session, actor=geocoding.SYSTEM, path=FULL_FILE)
            seconds = time.perf_counter() - start
        print(
            f"BAN {label}: {summary.addresses} addresses, {summary.streets} streets in "
            f"{seconds:.1f} s ({summary.addresses / seconds:,.0f} rows/s)"
        )
    engine.dispose()


def _wrong(a: BanAddress, point: GeoPoint, left_out: bool, bare: dict) -> bool:
    """More than 50 m from the address meant, and from the bare number when the suffix was
    left out (then "12" is the right answer to what was typed)."""
    if haversine_m(point, GeoPoint(a.lon, a.lat)) <= 50:
        return False
    plain = bare.get((a.nom_voie, a.code_postal, a.numero))
    return not (left_out and plain is not None and haversine_m(point, plain) <= 50)


def service_run(url: str, items: list[Item], batch_size: int, bare: dict) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (name, address_line1, postcode, city) VALUES (:n, :l, :p, :c)"
            ),
            [
                {"n": f"B{i}", "l": t[0], "p": t[1] or None, "c": t[2]}
                for i, (_, t, _) in enumerate(items)
            ],
        )
    chain = build_chain(
        ["offline"], gazetteer=load_gazetteer(), threshold=0.6, addresses=AddressBook()
    )
    with session_scope(engine) as session:
        start = time.perf_counter()
        summary = geocoding.geocode_accounts(
            session, actor=geocoding.SYSTEM, chain=chain, batch_size=batch_size
        )
        seconds = time.perf_counter() - start
    print(
        f"\nBatch service, {summary.processed} accounts, batches of {batch_size}: {seconds:.1f} s "
        f"({summary.processed / seconds:,.0f} accounts/s); matched {dict(summary.matched)}, "
        f"to review {summary.to_review}, failed {summary.failed}"
    )
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                """SELECT ST_X(geom), ST_Y(geom), geocode_precision, geocode_status
                   FROM accounts ORDER BY id"""
            )
        ).all()
    engine.dispose()
    errors, fine, right, wrong = [], 0, 0, 0
    for (a, _, left_out), (lon, lat, precision, status) in zip(items, rows, strict=True):
        error = haversine_m(GeoPoint(lon, lat), GeoPoint(a.lon, a.lat)) if lon is not None else 1e6
        errors.append(error)
        fine += precision == "housenumber"
        right += precision == "housenumber" and error <= 15
        wrong += status == "matched" and _wrong(a, GeoPoint(lon, lat), left_out, bare)
    _header()
    _line("fieldcrm offline: BAN, then commune", len(items), errors, fine, right, wrong, seconds)


def peer(items: list[Item]) -> None:
    chain = GeocoderChain([OfflineProvider(load_gazetteer())], threshold=0.6)
    errors, wrong = [], 0
    start = time.perf_counter()
    outcomes = [chain.geocode(normalize_address(t[0], None, t[1], t[2])) for _, t, _ in items]
    seconds = time.perf_counter() - start
    for (a, _, _), outcome in zip(items, outcomes, strict=True):
        r = outcome.result
        error = haversine_m(r.point, GeoPoint(a.lon, a.lat)) if r and r.point else 1e6
        errors.append(error)
        wrong += outcome.assessment.status == "matched" and error > 50
    _line("peer: commune centre (gazetteer)", len(items), errors, 0, 0, wrong, seconds)


def border() -> None:
    chain = build_chain(["offline"], gazetteer=load_gazetteer(), threshold=0.6)
    print("\nMixed French-border batch (offline):")
    ok = 0
    for line1, postcode, city, country, where in BORDER:
        outcome = chain.geocode(normalize_address(line1, None, postcode, city, country))
        r, status = outcome.result, outcome.assessment.status
        code = r.citycode if r else ""
        right = bool(where) and code == where and status == "matched"
        flagged = status != "matched"
        ok += right or flagged
        verdict = "right" if right else ("flagged" if flagged else "WRONG")
        print(f"  {line1}, {postcode} {city} {country}: {status} {code or '-'} → {verdict}")
    print(f"  {ok}/{len(BORDER)} right or flagged")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    start = time.perf_counter()
    sum(range(10**7))
    print(
        f"machine: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"sum(range(10**7)) in {time.perf_counter() - start:.2f} s (about 0.2 s when idle)"
    )
    url = _recreate(_server_url(), DB)
    migrate.upgrade(url)
    try:
        load(url)
        addresses = read_addresses(FULL_FILE)
        items = _typed(addresses, args.accounts, seed=2026)
        service_run(url, items, args.batch_size, _as_typed(addresses))
        peer(items)
        border()
    finally:
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
