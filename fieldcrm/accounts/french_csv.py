"""Read CSV and XLSX files as French companies export them, row by row.

Handles ``;``/``,``/tab separators, UTF-8 with or without BOM, Windows-1252/latin-1 (line
by line: a file that mixes both is read right), French or English headers (or an explicit
column mapping), decimal commas and thousands spaces. Rows stream: memory does not grow with
the file. A line that cannot be split comes out as a :class:`Rejected` naming its line and
column; a workbook that cannot be opened is refused with one French message.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fieldcrm.accounts.fields import french_words, worded, worded_rejection
from fieldcrm.accounts.records import Rejected
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


BOM = b"\xef\xbb\xbf"
BLOCK = 1 << 20
XLSX_UNREADABLE = (
    "fichier Excel illisible : il est abîmé ou incomplet, protégé par un mot de passe, ou ce "
    "n’est pas un classeur .xlsx. Ouvrez-le dans Excel, enregistrez-le au format .xlsx (sans "
    "mot de passe) ou en CSV, puis importez-le à nouveau."
)
"""The one message for a workbook that cannot be read, whatever broke inside (a catalogue
msgid: a reader of another language reads it worded, :func:`unreadable_workbook`)."""
OVERLONG_FIELD = "champ de plus de %(most)s caractères"
"""Why the CSV reader refuses a line (a catalogue msgid): a field beyond its limit."""
UNREADABLE_LINE = "ligne illisible (%(error)s)"
"""Why the CSV reader refuses a line (a catalogue msgid): anything else (the reader's own
words, ``error``)."""
UNREADABLE_HEADER = "en-tête illisible : "
"""The lead-in of a header line the CSV reader refuses (its reason follows)."""


def unreadable_workbook(name: str) -> InvalidInput:
    """The refusal of the workbook ``name`` that cannot be read (:data:`XLSX_UNREADABLE`),
    kept as a catalogue msgid (``code``) for readers of another language."""
    return worded("file", XLSX_UNREADABLE, value=name)


def decode_line(raw: bytes) -> str:
    """Text of one line: UTF-8 when it is valid UTF-8, else Windows-1252 (a superset of latin-1).

    >>> decode_line("Café".encode("utf-8")), decode_line("Café".encode("cp1252"))
    ('Café', 'Café')
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def decode(data: bytes) -> str:
    """Text of a CSV file, decoded line by line (:func:`decode_line`), without its BOM."""
    return "".join(decode_line(line) for line in data.removeprefix(BOM).splitlines(True))


def raw_lines(handle: IO[bytes], *, block: int = BLOCK) -> Iterator[bytes]:
    """Lines of a binary stream with their ends (``\\n``, ``\\r\\n`` or ``\\r``), as the
    ``csv`` module reads a text file opened with ``newline=""``."""
    held = b""
    for chunk in iter(lambda: handle.read(block), b""):
        lines = (held + chunk).splitlines(keepends=True)
        held = lines.pop()  # may go on in the next block (even a CR before its LF)
        yield from lines
    if held:
        yield held


def sniff_delimiter(header_line: str) -> str:
    """The separator of a header line: the most frequent of ``;``, tab, ``,`` and ``|``."""
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


@dataclass(frozen=True, slots=True)
class Unsplit:
    """A line the CSV reader refused: the 0-based ``column`` where it broke, and why: a
    French template (a catalogue msgid, ``code``) and the fields it is filled with
    (``params``), worded in its reader's language when read."""

    column: int | None
    code: str
    params: Mapping[str, Any]

    @property
    def reason(self) -> str:
        """Why, in French."""
        return french_words(self.code, self.params)


def _overlong_column(text: str, delimiter: str, limit: int) -> int | None:
    """The 0-based column of the first field longer than ``limit`` in ``text`` (quotes honoured)."""
    column = length = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            column, length = column + 1, 0
            continue
        length += 1
        if length > limit:
            return column
    return None


def iter_csv(path: Path) -> Iterator[tuple[int, list[str] | Unsplit]]:
    """(line number, cells) of a CSV file, header first; line numbers as an editor shows them.

    Each line is decoded on its own (:func:`decode_line`). A record the reader refuses (a
    field longer than the ``csv`` module's limit) comes out as :class:`Unsplit`; the next
    lines are read on.
    """
    limit = csv.field_size_limit()
    with path.open("rb") as handle:
        lines = raw_lines(handle)
        first = next(lines, None)
        if first is None:
            return
        header = decode_line(first.removeprefix(BOM))
        delimiter = sniff_delimiter(header)
        record: list[str] = []  # text lines of the record being read

        def texts(source: Iterable[bytes]) -> Iterator[str]:
            yield header
            for raw in source:
                text = decode_line(raw)
                record.append(text)
                yield text

        reader = csv.reader(texts(lines), delimiter=delimiter)
        while True:
            record.clear()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    column = _overlong_column("".join(record), delimiter, limit)
                    unsplit = Unsplit(column, OVERLONG_FIELD, {"most": limit})
                else:
                    unsplit = Unsplit(None, UNREADABLE_LINE, {"error": str(exc)})
                yield reader.line_num, unsplit
                continue
            yield reader.line_num, cells


def iter_xlsx(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) of the first sheet of an XLSX workbook, header first.

    Raises
    ------
    InvalidInput
        ``file`` with :data:`XLSX_UNREADABLE` when the workbook is broken, truncated,
        encrypted or not a workbook at all (also when that shows only midway).
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML, KeyError, …: one message for every way to break
        raise unreadable_workbook(path.name) from exc
    try:
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
        except Exception as exc:
            raise unreadable_workbook(path.name) from exc
        number = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise unreadable_workbook(path.name) from exc
            number += 1
            yield number, list(row)
    finally:
        workbook.close()


def iter_rows(
    path: Path, *, wanted: tuple[str, ...], mapping: Mapping[str, str] | None = None
) -> Iterator[tuple[int, Row | Rejected]]:
    """(line number, {field: cell}) for each non-empty data row of a CSV or XLSX file; a line
    that could not be split is a :class:`Rejected` naming its column (when it is one of
    ``wanted``, else ``"colonne N"``).

    Raises
    ------
    InvalidInput
        ``file`` for an unknown format, an empty file, a header that cannot be read, a file
        with no recognised column, or a workbook that cannot be opened.
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        source: Iterator[tuple[int, list[Any] | Unsplit]] = iter_xlsx(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        source = iter_csv(path)
    else:
        raise InvalidInput("file", "unsupported format", value=path.name, allowed=".csv, .xlsx")
    try:
        _, headers = next(source)
    except StopIteration:
        raise InvalidInput("file", "the file is empty", value=path.name) from None
    if isinstance(headers, Unsplit):
        raise worded("file", UNREADABLE_HEADER + headers.code, value=path.name, **headers.params)
    columns = map_headers([str(h or "") for h in headers], wanted=wanted, mapping=mapping)
    if not columns:
        raise InvalidInput(
            "file",
            "no known column in the header",
            value=[str(h) for h in headers],
            # the headers it reads (the command line adds its --map: fieldcrm.cli.transfer)
            allowed=", ".join(column_label(f) for f in wanted),
        )
    for line, cells in source:
        if isinstance(cells, Unsplit):
            where = cells.column
            field = columns.get(where, f"colonne {where + 1}") if where is not None else "ligne"
            yield line, worded_rejection(line, field, cells.code, None, **cells.params)
            continue
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        yield line, {name: cells[i] if i < len(cells) else None for i, name in columns.items()}
