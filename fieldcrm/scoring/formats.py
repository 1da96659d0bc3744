"""How amounts and changes are written in alert and task texts (French style).

One rounding rule, shared with the SQL renderer (:mod:`fieldcrm.store.templates`) so that
both give the same text: a float is first read as its 15-significant-digit decimal form
(``"%.15g"``, what PostgreSQL's ``CAST(float8 AS numeric)`` does), then rounded half away
from zero (PostgreSQL's ``round(numeric)``). Thousands are separated by a space, decimals
by a comma, a negative change has the minus sign ``−`` (U+2212); months are named in French.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)
_UNIT = Decimal(1)
_TENTH = Decimal("0.1")
MINUS = "\u2212"
"""The minus sign of a negative change (``−30,8 %``)."""
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _rounded(value: float, step: Decimal) -> Decimal:
    rounded = Decimal(f"{value:.15g}").quantize(step, context=_CONTEXT)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # numeric has no -0


def euros(value: float) -> str:
    """``1234.5`` → ``"1 235 €"``: whole euros, space-separated thousands."""
    return f"{_rounded(value, _UNIT):,} €".replace(",", " ")


def signed_percent(value: float) -> str:
    """``-11.45`` → ``"−11,5 %"``, ``3`` → ``"+3,0 %"``: one decimal comma, always signed."""
    rounded = _rounded(value, _TENTH)
    sign = "+" if rounded >= 0 else MINUS
    return f"{sign}{rounded.copy_abs()} %".replace(".", ",")


def month_name(month: str) -> str:
    """``"2026-11"`` → ``"novembre 2026"``: a month ``YYYY-MM`` as a French reader says it."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"
