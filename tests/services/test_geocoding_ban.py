"""Base Adresse Nationale on PostGIS: loading a département file (COPY, replace on reload),
offline house-number geocoding of accounts, review candidates and the reviewer's choice.

Data: ``tests/data/geocoding/ban_75_sample.csv``, every address of nine Paris streets in the
official export format (Base Adresse Nationale, Licence Ouverte 2.0; see the README beside it).
"""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.geocoding.ban import AddressBook
from fieldcrm.geocoding.chain import build_chain
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.services import ban, geocoding
from fieldcrm.services.geocoding import SYSTEM
from tests.conftest import DATA

SAMPLE = DATA / "geocoding" / "ban_75_sample.csv"


def _rows() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _counts(db: Session) -> tuple[int, int]:
    streets = db.execute(text("SELECT count(*) FROM ban_streets")).scalar_one()
    addresses = db.execute(text("SELECT count(*) FROM ban_addresses")).scalar_one()
    return int(streets), int(addresses)


def _address(rows: list[dict[str, str]], street: str, number: str, rep: str = "") -> dict[str, str]:
    return next(
        r for r in rows if r["nom_voie"] == street and r["numero"] == number and r["rep"] == rep
    )


def _nice_file(tmp_path: Path) -> Path:
    """A made-up two-address export for département 06 (format test only, not real data)."""
    rows = _rows()[:2]
    path = tmp_path / "adresses-06.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow(
                row
                | {
                    "code_insee": "06088",
                    "code_postal": "06000",
                    "nom_commune": "Nice",
                    "nom_voie": "Rue de France",
                    "numero": str(i + 1),
                    "lon": "7.26",
                    "lat": "43.69",
                }
            )
    return path


@pytest.fixture
def loaded(db: Session) -> Session:
    ban.load_ban(db, actor=SYSTEM, path=SAMPLE)
    return db


def test_a_departement_file_is_loaded_with_its_streets_and_numbers(db: Session) -> None:
    rows = _rows()
    summary = ban.load_ban(db, actor=SYSTEM, path=SAMPLE)
    streets = {(r["code_insee"], r["code_postal"], r["nom_voie"]) for r in rows}
    assert summary.departments == ("75",)
    assert (summary.streets, summary.addresses, summary.skipped) == (len(streets), len(rows), 0)
    assert _counts(db) == (len(streets), len(rows))
    [department] = ban.loaded(db, actor=SYSTEM)
    assert (department.department, department.source, department.addresses) == (
        "75",
        SAMPLE.name,
        len(rows),
    )
    row = _address(rows, "Rue de Vaugirard", "100")
    stored = db.execute(
        text(
            """SELECT a.lon, a.lat, s.citycode, s.postcode, s.street_key FROM ban_addresses a
               JOIN ban_streets s ON s.id = a.street_id
               WHERE s.name = 'Rue de Vaugirard' AND a.number = 100 AND a.suffix = ''"""
        )
    ).one()
    assert tuple(stored) == (
        float(row["lon"]),
        float(row["lat"]),
        row["code_insee"],
        row["code_postal"],
        "RUE VAUGIRARD",
    )


def test_reloading_replaces_its_departement_and_keeps_the_others(
    db: Session, tmp_path: Path
) -> None:
    ban.load_ban(db, actor=SYSTEM, path=_nice_file(tmp_path))
    ban.load_ban(db, actor=SYSTEM, path=SAMPLE)
    once = _counts(db)
    gz = tmp_path / "adresses-75.csv.gz"
    with SAMPLE.open("rb") as source, gzip.open(gz, "wb") as target:
        shutil.copyfileobj(source, target)
    seen: list[tuple[int, int]] = []
    ban.load_ban(db, actor=SYSTEM, path=gz, progress=lambda done, size: seen.append((done, size)))
    assert _counts(db) == once  # replaced, not doubled
    assert seen and seen[-1] == (gz.stat().st_size, gz.stat().st_size)
    assert [d.department for d in ban.loaded(db, actor=SYSTEM)] == ["06", "75"]
    nice = db.execute(text("SELECT count(*) FROM ban_addresses WHERE department = '06'"))
    assert nice.scalar_one() == 2


def test_a_file_that_is_not_a_ban_export_is_refused_and_nothing_is_kept(
    loaded: Session, tmp_path: Path
) -> None:
    before = _counts(loaded)
    wrong = tmp_path / "accounts.csv"
    wrong.write_text("nom;code_postal;ville\nLAMBDA;06000;Nice\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        ban.load_ban(loaded, actor=SYSTEM, path=wrong)
    assert caught.value.field == "file"
    assert "numero" in str(caught.value) and "nom_voie" in str(caught.value)
    with pytest.raises(InvalidInput) as missing:
        ban.load_ban(loaded, actor=SYSTEM, path=tmp_path / "absent.csv.gz")
    assert missing.value.field == "file"
    assert _counts(loaded) == before


def _account(db: Session, line1: str, postcode: str | None, city: str) -> int:
    return int(
        db.execute(
            text(
                """INSERT INTO accounts (name, address_line1, postcode, city)
                   VALUES ('BAN TEST', :l, :p, :c) RETURNING id"""
            ),
            {"l": line1, "p": postcode, "c": city},
        ).scalar_one()
    )


def _geocoded(db: Session, account_id: int) -> tuple[float, float, str, str, str, object]:
    row = db.execute(
        text(
            """SELECT ST_X(geom), ST_Y(geom), geocode_precision, geocode_status,
                      coalesce(geocode_reason, ''), geocode_candidates
               FROM accounts WHERE id = :id"""
        ),
        {"id": account_id},
    ).one()
    return tuple(row)  # type: ignore[return-value]


def _run(db: Session, ids: list[int]) -> geocoding.GeocodeSummary:
    chain = build_chain(
        ["offline"], gazetteer=load_gazetteer(), threshold=0.6, addresses=AddressBook()
    )
    return geocoding.geocode_accounts(db, actor=SYSTEM, chain=chain, account_ids=ids)


def test_accounts_are_placed_at_their_door_offline(loaded: Session) -> None:
    rows = _rows()
    bis = next(r for r in rows if r["nom_voie"] == "Rue du Faubourg Saint-Antoine" and r["rep"])
    plain = _address(rows, "Avenue du Général Leclerc", "40")
    a = _account(loaded, f"{bis['numero']}{bis['rep']} r. du fbg st antoine", None, "PARIS")
    b = _account(loaded, "40, AV DU GAL LECLERC", plain["code_postal"], "paris 14e")
    summary = _run(loaded, [a, b])
    assert summary.matched["housenumber"] == 2
    for account_id, row in ((a, bis), (b, plain)):
        lon, lat, precision, status, reason, candidates = _geocoded(loaded, account_id)
        assert (precision, status, reason, candidates) == ("housenumber", "matched", "", None)
        assert haversine_m(GeoPoint(lon, lat), GeoPoint(float(row["lon"]), float(row["lat"]))) < 0.5


def test_a_missing_number_lands_between_its_neighbours_and_is_flagged(loaded: Session) -> None:
    rows = _rows()
    numbers = sorted(
        int(r["numero"]) for r in rows if r["nom_voie"] == "Impasse Truillot" and not r["rep"]
    )
    gap = next(n for n in range(numbers[0], numbers[-1]) if n not in numbers and n + 2 in numbers)
    account_id = _account(loaded, f"{gap} imp Truillot", "75011", "Paris")
    _run(loaded, [account_id])
    _, _, precision, status, reason, _ = _geocoded(loaded, account_id)
    assert (precision, status) == ("street", "to_review")
    assert "précision à la rue (attendue : au numéro)" in reason


def test_a_postcode_of_another_departement_gives_candidates_and_the_choice_places_it(
    loaded: Session,
) -> None:
    rows = _rows()
    row = _address(rows, "Rue de Vaugirard", "100")
    account_id = _account(loaded, "100 rue de Vaugirard", "06000", "Paris")
    _run(loaded, [account_id])
    _, _, _, status, reason, candidates = _geocoded(loaded, account_id)
    assert status == "to_review"
    assert isinstance(candidates, list)
    labels = [c["label"] for c in candidates]
    assert labels == ["06000 Nice (06)", "75001 Paris (75)"]
    assert "candidats : 06000 Nice (06), 75001 Paris (75)" in reason
    nice = load_gazetteer().commune_of("06088")
    assert nice is not None
    assert (candidates[0]["lon"], candidates[0]["lat"]) == (nice.point.lon, nice.point.lat)
    items, _ = geocoding.review_queue(loaded, actor=SYSTEM)
    assert [i.candidates for i in items if i.id == account_id] == [candidates]

    with pytest.raises(InvalidInput) as caught:
        geocoding.choose_candidate(loaded, actor=SYSTEM, account_id=account_id, index=2)
    assert caught.value.field == "candidate"
    located = geocoding.choose_candidate(loaded, actor=SYSTEM, account_id=account_id, index=1)
    # Paris chosen: the address's BAN point there, not the city's centre
    assert (located.lon, located.lat) == (float(row["lon"]), float(row["lat"]))
    assert (located.status, located.locked) == ("manual", True)
    _, _, _, status, _, candidates = _geocoded(loaded, account_id)
    assert (status, candidates) == ("manual", None)
    assert account_id not in [i.id for i in geocoding.review_queue(loaded, actor=SYSTEM)[0]]
