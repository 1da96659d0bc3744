"""Base Adresse Nationale storage: load a département export with COPY, read streets and house
numbers for the offline provider.

A load streams the file (``;``-separated CSV, UTF-8, gzip or not, the official
``adresses-NN.csv`` columns) into a temporary table with one COPY, then, in the caller's
transaction: removes the départements the file holds, writes their streets (each with the key
:func:`fieldcrm.geocoding.ban.street_key` gives, computed once per street) and their house
numbers (one ``INSERT … SELECT``), and notes the load in ``ban_departments``. Reloading a
département therefore replaces it. Nothing here commits.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import InvalidInput
from fieldcrm.geocoding.ban import HouseNumber, Street, street_key, suffix_key

__all__ = ["BanSource", "LoadSummary", "LoadedDepartment", "load_file", "loaded_departments"]

REQUIRED = ("numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune", "lon", "lat")
"""Columns a BAN export must have (the official format has 23; the others are kept aside)."""
CHUNK = 1 << 20
_COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")
_DEPARTMENT = (
    "CASE WHEN code_insee LIKE '97%' THEN left(code_insee, 3) ELSE left(code_insee, 2) END"
)
_VALID = (
    "numero ~ '^[0-9]{1,5}$' AND numero <> '99999' AND code_insee ~ '^[0-9][0-9AB][0-9]{3}$'"
    " AND code_postal ~ '^[0-9]{5}$' AND coalesce(nom_voie, '') <> ''"
    " AND lon ~ '^-?[0-9]+(\\.[0-9]+)?$' AND lat ~ '^-?[0-9]+(\\.[0-9]+)?$'"
)

Progress = Callable[[int, int], None]
"""Called with (bytes read, file size) while the file streams in."""


@dataclass(frozen=True)
class LoadSummary:
    """What a load wrote: départements replaced, streets, house numbers, rows skipped."""

    departments: tuple[str, ...]
    streets: int
    addresses: int
    skipped: int


@dataclass(frozen=True)
class LoadedDepartment:
    """One département in the database: where it came from and how much it holds."""

    department: str
    source: str
    streets: int
    addresses: int
    loaded_at: Any


@contextmanager
def _open(path: Path) -> Iterator[tuple[IO[bytes], IO[bytes]]]:
    """(raw file for progress, decompressed stream)."""
    with path.open("rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=raw) as unzipped:
                yield raw, cast(IO[bytes], io.BufferedReader(unzipped, CHUNK))
        else:
            yield raw, raw


def _header(line: bytes, path: Path) -> list[str]:
    try:
        names = line.decode("utf-8-sig").strip().split(";")
    except UnicodeDecodeError as exc:
        raise InvalidInput("file", "not UTF-8 text", value=str(path)) from exc
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InvalidInput(
            "file",
            "not a Base Adresse Nationale export (adresses-NN.csv): missing column(s) "
            + ", ".join(missing),
            value=str(path),
            allowed="; ".join(REQUIRED),
        )
    bad = [n for n in names if not _COLUMN.match(n)]
    if bad or len(set(names)) != len(names):
        raise InvalidInput("file", "unreadable header", value=";".join(names))
    return names


def _driver(session: Session) -> Any:
    """The session's psycopg connection (for COPY), inside the session's transaction."""
    return session.connection().connection.driver_connection


def _stage(session: Session, path: Path, progress: Progress | None) -> int:
    """COPY the file into the temporary table ``ban_staging``; the rows copied."""
    size = path.stat().st_size
    with _open(path) as (raw, stream):
        names = _header(stream.readline(), path)
        columns = ", ".join(f'"{n}" text' for n in names)
        session.execute(text(f"CREATE TEMP TABLE ban_staging ({columns}) ON COMMIT DROP"))
        conn = _driver(session)
        with conn.cursor() as cursor:
            with cursor.copy(
                "COPY ban_staging FROM STDIN WITH (FORMAT csv, DELIMITER ';', ENCODING 'UTF8')"
            ) as copy:
                while chunk := stream.read(CHUNK):
                    copy.write(chunk)
                    if progress is not None:
                        progress(raw.tell(), size)
            rows = cursor.rowcount
    return int(rows)


def _write_streets(session: Session) -> int:
    """Streets of the staged rows, each with its key; how many."""
    found = session.execute(
        text(
            f"""SELECT DISTINCT ON (code_insee, code_postal, nom_voie)
                       {_DEPARTMENT}, code_insee, code_postal, nom_voie, coalesce(nom_commune, '')
                FROM ban_staging WHERE {_VALID}
                ORDER BY code_insee, code_postal, nom_voie"""
        )
    ).all()
    conn = _driver(session)
    with (
        conn.cursor() as cursor,
        cursor.copy(
            "COPY ban_streets (department, citycode, postcode, name, commune, street_key) "
            "FROM STDIN"
        ) as copy,
    ):
        for department, citycode, postcode, name, commune in found:
            copy.write_row((department, citycode, postcode, name, commune, street_key(name)))
    return len(found)


def load_file(session: Session, path: Path, *, progress: Progress | None = None) -> LoadSummary:
    """Load a BAN département export, replacing the départements it holds.

    Rows without a usable number, postcode, commune code, street name or position (lieux-dits
    numbered 99999, blanks) are skipped and counted. Raises InvalidInput (field ``file``) for a
    file that is not a BAN export or holds no address.
    """
    if not path.is_file():
        raise InvalidInput("file", "no such file", value=str(path))
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('fieldcrm.ban_load'))"))
    staged = _stage(session, path, progress)
    session.execute(text("ANALYZE ban_staging"))  # temporary tables are never auto-analysed
    departments = [
        str(d)
        for d in session.execute(
            text(f"SELECT DISTINCT {_DEPARTMENT} FROM ban_staging WHERE {_VALID} ORDER BY 1")
        ).scalars()
    ]
    if not departments:
        raise InvalidInput("file", "no usable address in the file", value=str(path))
    params = {"deps": departments}
    session.execute(text("DELETE FROM ban_addresses WHERE department = ANY(:deps)"), params)
    session.execute(text("DELETE FROM ban_streets WHERE department = ANY(:deps)"), params)
    streets = _write_streets(session)
    session.execute(text("ANALYZE ban_streets"))
    addresses = session.execute(
        text(
            f"""INSERT INTO ban_addresses (street_id, department, number, suffix, lon, lat)
                SELECT s.id, s.department, b.numero::int, lower(coalesce(b.rep, '')),
                       b.lon::float8, b.lat::float8
                FROM ban_staging b
                JOIN ban_streets s ON s.citycode = b.code_insee AND s.postcode = b.code_postal
                                  AND s.name = b.nom_voie AND s.department = ANY(:deps)
                WHERE {_VALID}"""
        ),
        params,
    ).rowcount  # type: ignore[attr-defined]
    session.execute(
        text(
            """INSERT INTO ban_departments (department, source, streets, addresses, loaded_at)
               SELECT s.department, :source, count(DISTINCT s.id), count(a.id), now()
               FROM ban_streets s LEFT JOIN ban_addresses a ON a.street_id = s.id
               WHERE s.department = ANY(:deps) GROUP BY s.department
               ON CONFLICT (department) DO UPDATE SET source = EXCLUDED.source,
                 streets = EXCLUDED.streets, addresses = EXCLUDED.addresses,
                 loaded_at = EXCLUDED.loaded_at"""
        ),
        {**params, "source": path.name},
    )
    session.execute(text("DROP TABLE ban_staging"))
    session.execute(text("ANALYZE ban_addresses"))
    return LoadSummary(tuple(departments), streets, int(addresses), staged - int(addresses))


def loaded_departments(session: Session) -> list[LoadedDepartment]:
    """The départements loaded, in code order."""
    rows = session.execute(
        text(
            """SELECT department, source, streets, addresses, loaded_at
               FROM ban_departments ORDER BY department"""
        )
    )
    return [LoadedDepartment(*row) for row in rows]


class BanSource:
    """Streets and house numbers read from the database, for
    :meth:`fieldcrm.geocoding.ban.AddressBook.prefetch` (inside the caller's transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def streets(self, citycodes: Sequence[str]) -> list[Street]:
        """Every street of these communes."""
        rows = self.session.execute(
            text(
                """SELECT id, citycode, postcode, name, commune, street_key
                   FROM ban_streets WHERE citycode = ANY(:codes)"""
            ),
            {"codes": list(citycodes)},
        ).all()
        return [Street(*row) for row in rows]

    def numbers(self, street_ids: Sequence[int]) -> list[HouseNumber]:
        """Every house number of these streets."""
        rows = self.session.execute(
            text(
                """SELECT street_id, number, suffix, lon, lat
                   FROM ban_addresses WHERE street_id = ANY(:ids)"""
            ),
            {"ids": list(street_ids)},
        ).all()
        return [
            HouseNumber(sid, number, suffix_key(suffix), lon, lat)
            for sid, number, suffix, lon, lat in rows
        ]
