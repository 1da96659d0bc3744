"""Limits every account field obeys wherever it enters (file rows, API edits).

A value the database could not hold is refused here, naming the field, instead of failing
a whole import or an edit later: text with a NUL character or a lone UTF-16 surrogate
(``"\\ud800"``), text longer than its column (:data:`MAX_CHARS`, never cut), amounts beyond
``numeric(14, 2)`` (:data:`MAX_AMOUNT`).

Examples
--------
>>> check_text("Café du Port", field="name")
'Café du Port'
>>> check_text("Café du Port", field="name", limit=4)
Traceback (most recent call last):
...
fieldcrm.errors.InvalidInput: name: 4 caractères au plus (12 reçus) (got 'Café du Port'); allowed: 1 à 4 caractères
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from fieldcrm.accounts.records import MAX_AMOUNT, MAX_CHARS, Rejected
from fieldcrm.errors import InvalidInput, Problem

_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_text(value: str, *, field: str, limit: int | None = None) -> str:
    """``value`` if it can be stored as ``field``; :class:`InvalidInput` naming what is wrong.

    Parameters
    ----------
    value : str
        The text as received.
    field : str
        Its field name: the limit is ``MAX_CHARS[field]`` unless ``limit`` is given.
    limit : int, optional
        Most characters allowed (default: the field's, else no limit).
    """
    if match := _UNSTORABLE.search(value):  # one pass over the text for both
        where = match.start() + 1
        message = (
            f"caractère nul interdit (position {where})"
            if match.group() == "\x00"
            else f"caractère invalide (demi-paire UTF-16 isolée, position {where})"
        )
        raise InvalidInput(field, message, value=shown(value))
    most = limit if limit is not None else MAX_CHARS.get(field)
    if most is not None and len(value) > most:
        raise worded(
            field,
            "%(most)s caractères au plus (%(got)s reçus)",
            value=shown(value),
            allowed=f"1 à {french_number(most)} caractères",
            most=most,
            got=len(value),
        )
    return value


def check_amount(value: Decimal, *, field: str, raw: object = None) -> Decimal:
    """``value`` if its magnitude fits an amount column (below :data:`MAX_AMOUNT`)."""
    if abs(value) >= MAX_AMOUNT:
        raise InvalidInput(
            field,
            "montant trop grand",
            value=shown(raw if raw is not None else value),
            allowed="moins de 1 000 000 000 000",
        )
    return value


def french_number(value: int) -> str:
    """A whole number in a French message, as the pages write numbers (babel, ``fr_FR``):
    thousands grouped by a narrow no-break space.

    >>> french_number(10_000_000) == "10\u202f000\u202f000"
    True
    """
    return format_decimal(value, format="#,##0", locale="fr_FR")


def french_words(code: str, params: Mapping[str, Any]) -> str:
    """The French template ``code`` filled with ``params``, whole numbers written the French
    way (:func:`french_number`): ``"doublon de la ligne %(line)s"`` → ``doublon de la ligne 2``."""
    return code % {
        key: french_number(v) if isinstance(v, int) and not isinstance(v, bool) else v
        for key, v in params.items()
    }


def worded(
    field: str, code: str, /, *, value: object = None, allowed: str | None = None, **params: Any
) -> InvalidInput:
    """An :class:`InvalidInput` whose message is ``code`` worded in French with ``params``;
    the problem keeps both, for readers of another language (the import report)."""
    message = french_words(code, params)
    return InvalidInput(problems=[Problem(field, message, value, allowed, code, params)])


def worded_rejection(
    line: int, field: str, code: str, value: object = None, /, **params: Any
) -> Rejected:
    """A :class:`Rejected` row whose reason is ``code`` worded in French with ``params``,
    kept as data (``code``, ``params``) so that the report is worded in its reader's language."""
    return Rejected(line, field, french_words(code, params), value, code, params)


def shown(value: object, most: int = 80) -> str | None:
    """``value`` as a report shows it: its start if long, NUL and lone surrogates written as
    escapes (the report itself is stored and sent as JSON); None stays None."""
    if value is None:
        return None
    text = str(value)
    cut = text if len(text) <= most else text[:most] + "…"
    cut = cut.replace("\x00", "\\x00")
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", cut)
