"""How amounts and changes are written in alert and task texts (French style).

One rounding rule, shared with the SQL renderer (:mod:`fieldcrm.store.templates`) so that
both give the same text: a float is first read as its 15-significant-digit decimal form
(``"%.15g"``, what PostgreSQL's ``CAST(float8 AS numeric)`` does), then rounded half away
from zero (PostgreSQL's ``round(numeric)``). Thousands are separated by a space.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)
_UNIT = Decimal(1)
_TENTH = Decimal("0.1")


def _rounded(value: float, step: Decimal) -> Decimal:
    rounded = Decimal(f"{value:.15g}").quantize(step, context=_CONTEXT)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # numeric has no -0


def euros(value: float) -> str:
    """``1234.5`` → ``"1 235 €"``: whole euros, space-separated thousands."""
    return f"{_rounded(value, _UNIT):,} €".replace(",", " ")


def signed_percent(value: float) -> str:
    """``-11.45`` → ``"-11.5 %"``, ``3`` → ``"+3.0 %"``: one decimal, always signed."""
    rounded = _rounded(value, _TENTH)
    return f"{'+' if rounded >= 0 else ''}{rounded} %"
