"""A territory's priority: the whole number that settles an overlap (the highest wins, see
:mod:`fieldcrm.territories.assign`), within :data:`LOWEST` and :data:`HIGHEST`.

One rule for every way a territory is written (API, pages, GeoJSON import, command line):
:func:`priority_problem` says what is wrong with a value; the store checks every territory
it writes with it, the GeoJSON import each feature before anything is written.
"""

from __future__ import annotations

from fieldcrm.errors import Problem

LOWEST = 0
"""The lowest priority (the default)."""
HIGHEST = 1000
"""The highest priority."""
RANGE_MESSAGE = f"must be a whole number from {LOWEST} to {HIGHEST}"
"""What an out-of-range or fractional priority is told (worded in French by the pages)."""


def priority_problem(value: object, *, field: str = "priority") -> Problem | None:
    """What is wrong with ``value`` as a priority (a whole number from :data:`LOWEST` to
    :data:`HIGHEST`; ``2.0`` is the whole number 2), else ``None``.

    Parameters
    ----------
    value
        The priority as received (an ``int``, a ``float`` from JSON, anything else).
    field
        The field named by the problem (a GeoJSON import names the feature).

    Returns
    -------
    Problem or None
        The problem, its message :data:`RANGE_MESSAGE`, or ``None`` when ``value`` is fine.
    """
    whole = (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and value.is_integer()
    )
    if whole and LOWEST <= value <= HIGHEST:  # type: ignore[operator]
        return None
    return Problem(field, RANGE_MESSAGE, value)
