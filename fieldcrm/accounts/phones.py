"""Phone numbers as a French reader writes them."""

from __future__ import annotations

import re

__all__ = ["french_phone"]

_SEPARATORS = re.compile(r"[\s\u00a0\u202f.\-/()]")
_FRENCH = re.compile(r"(?:(?:\+33|0033)0?|0)([1-9]\d{8})")  # "+33 (0)4 …" too
_GROUP_SPACE = "\u00a0"
"""Between the pairs of digits: a no-break space, so that a number never breaks across lines."""


def french_phone(value: str) -> str:
    """A French number in the national form by pairs, any other text as it is.

    Parameters
    ----------
    value
        A phone number as stored: E.164 (``+33483738256``), ``0033…``, or national
        (``04.83.73.82.56``), with or without separators.

    Returns
    -------
    str
        ``04 83 73 82 56`` (pairs joined by no-break spaces) for a French number (``+33`` or
        ``0`` then nine digits, the first one not ``0``); anything else (a foreign number, a
        number with an extension, a typo) unchanged, as its author wrote it.
    """
    match = _FRENCH.fullmatch(_SEPARATORS.sub("", value))
    if match is None:
        return value
    digits = "0" + match.group(1)
    return _GROUP_SPACE.join(digits[i : i + 2] for i in range(0, 10, 2))
