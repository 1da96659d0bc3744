"""Durations as French readers write them: ``45 min``, ``2 h 05``, ``13 h``.

One home for every sentence that says how long something takes (driving between two
appointments, a leg the cost report left out, what a working day can hold), whichever pure
package writes it.

Examples
--------
>>> duration_text(4 * 3600 + 300), duration_text(13 * 3600), duration_text(900)
('4 h 05', '13 h', '15 min')
"""

from __future__ import annotations


def duration_text(seconds: float) -> str:
    """``seconds`` to the nearest minute, as a French reader writes a duration.

    Parameters
    ----------
    seconds : float
        A duration; a negative one reads ``0 min``.

    Returns
    -------
    str
        ``15 min`` under an hour; ``4 h 05`` beyond, ``13 h`` for whole hours (not the clock's
        ``13 h 00``).
    """
    minutes = max(round(seconds / 60), 0)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


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
