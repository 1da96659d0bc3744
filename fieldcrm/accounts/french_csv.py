"""Read CSV and XLSX files as French companies export them, row by row.

Handles ``;``/``,``/tab separators, UTF-8 with or without BOM, Windows-1252/latin-1,
French or English headers (or an explicit column mapping), decimal commas and thousands
spaces. Rows stream: memory does not grow with the file.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from fieldcrm.errors import InvalidInput

Row = dict[str, Any]

HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "id",
        "external id",
        "identifiant",
        "id externe",
        "code client",
        "ref",
        "reference",
        "code",
        "numero client",
        "n client",
        "customer id",
        "account id",
    ),
    "siret": ("siret", "n siret", "numero siret", "siret number"),
    "name": (
        "raison sociale",
        "nom",
        "societe",
        "entreprise",
        "name",
        "company",
        "account",
        "account name",
        "denomination",
        "client",
        "nom du client",
    ),
    "address_line1": (
        "adresse",
        "adresse 1",
        "adresse1",
        "address",
        "address 1",
        "address line 1",
        "rue",
        "street",
        "voie",
    ),
    "address_line2": (
        "adresse 2",
        "adresse2",
        "complement",
        "complement d adresse",
        "address 2",
        "address line 2",
    ),
    "postcode": ("code postal", "cp", "postcode", "zip", "zip code", "postal code", "code_postal"),
    "city": ("ville", "commune", "city", "town", "localite"),
    "country": ("pays", "country"),
    "kind": ("type", "statut", "kind", "nature", "categorie client"),
    "sector": ("secteur", "secteur d activite", "activite", "sector", "industry", "naf"),
    "qualification": ("qualification", "qualif", "rating"),
    "employees": ("effectif", "salaries", "employees", "headcount", "nombre de salaries"),
    "potential_eur_month": (
        "potentiel",
        "potentiel mensuel",
        "potentiel eur mois",
        "potential",
        "monthly potential",
        "potentiel eur",
        "potentiel mensuel eur",
    ),
    "phone": ("telephone", "tel", "phone", "telephone fixe"),
    "email": ("email", "e mail", "mail", "courriel", "adresse email"),
    "visit_minutes": ("duree visite", "duree de visite", "visit minutes", "visit duration"),
    "lon": ("longitude", "lon", "lng", "x"),
    "lat": ("latitude", "lat", "y"),
    "notes": ("notes", "commentaire", "commentaires", "remarques", "comment"),
    "month": ("mois", "month", "periode", "date", "period"),
    "revenue": (
        "ca",
        "chiffre d affaires",
        "ca ht",
        "montant",
        "revenue",
        "sales",
        "turnover",
        "ca mensuel",
        "chiffre d affaires ht",
    ),
}

COLUMN_LABELS: dict[str, str] = {
    "external_id": "identifiant",
    "siret": "SIRET",
    "name": "raison sociale",
    "address_line1": "adresse",
    "address_line2": "complément d’adresse",
    "postcode": "code postal",
    "city": "ville",
    "country": "pays",
    "kind": "type",
    "sector": "secteur",
    "qualification": "qualification",
    "employees": "effectif",
    "potential_eur_month": "potentiel mensuel",
    "phone": "téléphone",
    "email": "e-mail",
    "visit_minutes": "durée de visite",
    "lon": "longitude",
    "lat": "latitude",
    "notes": "commentaire",
    "month": "mois",
    "revenue": "chiffre d’affaires",
}
"""The French header people read for each field (one of its :data:`HEADER_SYNONYMS`)."""


def column_label(field: str) -> str:
    """The French header of ``field`` (``"postcode"`` → ``"code postal"``); others as they are."""
    return COLUMN_LABELS.get(field, field)


def fold(text: str) -> str:
    """Lower case, accents dropped, punctuation as single spaces: ``"Code Postal "`` → ``code postal``."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )
    plain = plain.replace("°", " ").replace("€", " eur ")
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


_LOOKUP = {fold(s): canonical for canonical, names in HEADER_SYNONYMS.items() for s in names}


def map_headers(
    headers: list[str], *, wanted: tuple[str, ...], mapping: Mapping[str, str] | None = None
) -> dict[int, str]:
    """Column index → canonical field name, for the fields in ``wanted``.

    ``mapping`` maps a file header (as written) to a canonical field and wins over the
    built-in French/English synonyms. Unknown columns are ignored.

    Raises
    ------
    InvalidInput
        If the mapping names a header that is not in the file or a field that does not exist.
    """
    explicit = {fold(k): v for k, v in (mapping or {}).items()}
    problems = [f"{k} → {v}" for k, v in (mapping or {}).items() if v not in wanted]
    if problems:
        raise InvalidInput(
            "mapping", "unknown target field", value=problems, allowed=", ".join(wanted)
        )
    folded = [fold(h or "") for h in headers]
    missing = [k for k in (mapping or {}) if fold(k) not in folded]
    if missing:
        raise InvalidInput(
            "mapping",
            "header not found in the file",
            value=missing,
            allowed=", ".join(h for h in headers if h),
        )
    result: dict[int, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(folded):
        target = explicit.get(name) or (_LOOKUP.get(name) if name not in explicit else None)
        if target in wanted and target not in taken:
            result[index] = target
            taken.add(target)
    return result


def decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), else Windows-1252 (a superset of latin-1)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == b"\xef\xbb\xbf":
            return "utf-8-sig"
        handle.seek(0)
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                block.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A cut in a multi-byte sequence at the block end is not an error.
            if exc.start < len(block) - 3:
                return "cp1252"
    return "utf-8"


def sniff_delimiter(header_line: str) -> str:
    """The separator of a header line: the most frequent of ``;``, tab, ``,`` and ``|``."""
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


def iter_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a CSV file, header first; line numbers as an editor shows them."""
    encoding = _detect_encoding(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        first = handle.readline()
        delimiter = sniff_delimiter(first)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        for cells in reader:
            yield reader.line_num, cells


def iter_xlsx(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) of the first sheet of an XLSX workbook, header first."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def iter_rows(
    path: Path, *, wanted: tuple[str, ...], mapping: Mapping[str, str] | None = None
) -> Iterator[tuple[int, Row]]:
    """(line number, {field: cell}) for each non-empty data row of a CSV or XLSX file.

    Raises
    ------
    InvalidInput
        ``file`` for an unknown format, an empty file or a file with no recognised column.
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        source: Iterator[tuple[int, list[Any]]] = iter_xlsx(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        source = iter_csv(path)
    else:
        raise InvalidInput("file", "unsupported format", value=path.name, allowed=".csv, .xlsx")
    try:
        _, headers = next(source)
    except StopIteration:
        raise InvalidInput("file", "the file is empty", value=path.name) from None
    columns = map_headers([str(h or "") for h in headers], wanted=wanted, mapping=mapping)
    if not columns:
        raise InvalidInput(
            "file",
            "no known column in the header",
            value=[str(h) for h in headers],
            allowed="Raison sociale, Adresse, Code postal, Ville, SIRET, … or --map",
        )
    for line, cells in source:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        yield line, {name: cells[i] if i < len(cells) else None for i, name in columns.items()}
