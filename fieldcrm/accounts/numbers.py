"""Numbers and months as French spreadsheets write them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from fieldcrm.accounts.fields import shown
from fieldcrm.errors import InvalidInput, Problem

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"(€|eur(os?)?|k€)", re.IGNORECASE)

MONTHS_FR = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
MONTHS_EN = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}


def parse_amount(raw: object, *, field: str, typed: bool = False) -> Decimal | None:
    """Parse ``"12 345,50 €"``, ``"12.345,50"``, ``"12,345.50"``, ``"1234.5"`` or a number.

    Empty values give ``None``. With both separators the last one is the decimal mark; a lone
    comma is a decimal comma; several dots (``1.234.567``) are thousands separators.

    With ``typed`` (euros a person typed in a form), only the unambiguous shape is read:
    ASCII digits, at most one decimal separator (``,`` or ``.``), an optional sign (``+``,
    ``-`` or the typographic ``−``), spaces and ``€`` — ``"1 234,50 €"``, ``"-12.5"``; an exponent
    (``1e5``), a second separator (``1.234,50``), ``k€`` or brackets are refused rather than
    guessed. How many decimals a use case allows is its own rule.

    Raises
    ------
    InvalidInput
        Naming ``field`` when the text is not an amount (typed: its message is
        :data:`TYPED_AMOUNT`, a catalogue msgid).

    Examples
    --------
    >>> parse_amount("1 234,50 €", field="x", typed=True), parse_amount("−3", field="x", typed=True)
    (Decimal('1234.50'), Decimal('-3'))
    >>> parse_amount("1e5", field="x", typed=True)
    Traceback (most recent call last):
    ...
    fieldcrm.errors.InvalidInput: x: indiquez un montant en euros, par exemple 12,50 (got '1e5')
    """
    if raw is None:
        return None
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return Decimal(str(raw))
    text = str(raw).strip()
    if not text:
        return None
    if typed:
        return _typed_amount(text, field=field)
    thousands = "k€" in text.lower()
    text = _CURRENCY.sub("", text)
    text = _SPACES.sub("", text)
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            raise InvalidInput(field, "montant illisible", value=raw)
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(
            field, "montant illisible", value=raw, allowed="ex. 12 345,50 €"
        ) from None
    if not value.is_finite():
        raise InvalidInput(field, "montant illisible", value=raw)
    if thousands:
        value *= 1000
    return -value if negative else value


TYPED_AMOUNT = "indiquez un montant en euros, par exemple 12,50"
"""The refusal of a typed amount that is none (a catalogue msgid)."""
_TYPED = re.compile(r"[-\u2212+]?[0-9]+(?:[.,][0-9]+)?")


def _typed_amount(text: str, *, field: str) -> Decimal:
    """:func:`parse_amount` of what a person typed (``typed``): the unambiguous shape only."""
    bare = re.sub(r"[\s\u00a0\u202f]", "", text)
    bare = bare.removesuffix("€") if bare.endswith("€") else bare.removeprefix("€")
    if len(text) > 40 or not _TYPED.fullmatch(bare):
        raise InvalidInput(problems=[Problem(field, TYPED_AMOUNT, shown(text), code=TYPED_AMOUNT)])
    return Decimal(bare.replace("\u2212", "-").replace(",", "."))


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Months read from files lie in these years (inclusive)."""


def parse_month(raw: object, *, field: str) -> dt.date:
    """First day of the month in ``raw``: ``2026-03``, ``03/2026``, ``01/03/2026``, ``mars 2026``.

    A full date must exist: ``31/02/2026`` is refused, not read as February.

    Raises
    ------
    InvalidInput
        Naming ``field`` when no month can be read or the date does not exist.
    """
    year: int | None = None
    month: int | None = None
    day: int | None = None
    if isinstance(raw, dt.date):  # datetime too (an Excel date cell)
        year, month = raw.year, raw.month
    else:
        text = _fold(str(raw or "").strip()).replace(".", " ")
        if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[ t].*)?", text):
            year, month, day = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
        elif m := re.fullmatch(r"(?:(\d{1,2})[-/])?(\d{1,2})[-/](\d{4})", text):
            day, month, year = int(m[1]) if m[1] else None, int(m[2]), int(m[3])
        elif m := re.fullmatch(r"([a-z]+)[\s\-/]*(\d{4})", text):
            month = MONTHS_FR.get(m[1]) or MONTHS_EN.get(m[1])
            year = int(m[2])
    if not year or not month or not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            field,
            "mois illisible",
            value=raw,
            allowed=f"2026-03, 03/2026 ou mars 2026 (années {FIRST_YEAR} à {LAST_YEAR})",
        )
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise InvalidInput(
                field, "cette date n’existe pas", value=raw, allowed="ex. 28/02/2026"
            ) from None
    return dt.date(year, month, 1)
