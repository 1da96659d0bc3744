"""Durations as readers write them: ``45 min``, ``2 h 05``, ``13 h`` in French; ``2 h 5 min``
in English.

One home for every sentence that says how long something takes (driving between two
appointments, a leg the cost report left out, what a working day can hold), whichever pure
package writes it, and for reading such a French duration back (:func:`duration_seconds`:
a reason stored as French text, worded again for another reader).

Examples
--------
>>> duration_text(4 * 3600 + 300), duration_text(13 * 3600), duration_text(900)
('4 h 05', '13 h', '15 min')
>>> duration_text(13 * 3600 + 120, "en"), duration_seconds("13 h 02")
('13 h 2 min', 46920)
"""

from __future__ import annotations

import re

DURATION_PATTERN = r"\d+ h(?: \d\d)?|\d+ min"
"""A French duration as :func:`duration_text` writes one (a regular expression)."""


def duration_text(seconds: float, lang: str = "fr") -> str:
    """``seconds`` to the nearest minute, as a reader of ``lang`` writes a duration.

    Parameters
    ----------
    seconds : float
        A duration; a negative one reads ``0 min``.
    lang : str
        ``fr`` (default) or another language, written as English writes it.

    Returns
    -------
    str
        ``15 min`` under an hour; beyond, ``4 h 05`` in French (``13 h`` for whole hours,
        not the clock's ``13 h 00``), ``4 h 5 min`` in English (``13 h``: never a clock's
        time to an English reader).
    """
    minutes = max(round(seconds / 60), 0)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    if not rest:
        return f"{hours} h"
    return f"{hours} h {rest:02d}" if lang == "fr" else f"{hours} h {rest} min"


def duration_seconds(text: str) -> int:
    """The seconds of a French duration :func:`duration_text` wrote (:data:`DURATION_PATTERN`),
    to word it again for another reader.

    Raises
    ------
    ValueError
        When ``text`` is no such duration.

    Examples
    --------
    >>> duration_seconds("4 h 05"), duration_seconds("13 h"), duration_seconds("15 min")
    (14700, 46800, 900)
    """
    found = re.fullmatch(r"(\d+) h(?: (\d\d))?|(\d+) min", text.strip())
    if found is None:
        raise ValueError(f"not a duration: {text!r}")
    hours, minutes, alone = found.groups()
    if alone is not None:
        return int(alone) * 60
    return int(hours) * 3600 + int(minutes or 0) * 60


def whole_minutes(seconds: float) -> int:
    """``seconds`` to the nearest minute (halves up; negative reads 0): the precision a
    duration is shown and totalled at, so that a column of durations adds up to its total.

    Examples
    --------
    >>> whole_minutes(4 * 3600 + 8 * 60 + 29), whole_minutes(90), whole_minutes(-5)
    (248, 2, 0)
    """
    return max(int(seconds / 60 + 0.5), 0)


def hours_minutes(seconds: float) -> str:
    """``seconds`` as hours and minutes, ``h:mm`` (``4:08``, ``0:15``, ``27:00``): a table's
    column of driving or visiting time, on the page and in the exports alike.

    Examples
    --------
    >>> hours_minutes(4 * 3600 + 8 * 60), hours_minutes(900), hours_minutes(27 * 3600)
    ('4:08', '0:15', '27:00')
    """
    hours, rest = divmod(whole_minutes(seconds), 60)
    return f"{hours}:{rest:02d}"
