"""How the values of alert and task texts are written, in the reader's language: ONE
formatter (:func:`template_values`) for every language.

A rule's alert keeps its values as data (:func:`fieldcrm.scoring.evaluate.template_data`:
numbers, months ``YYYY-MM``, None for "never" or "unknown"); the French text of the alert
is rendered in SQL when the rule runs (:mod:`fieldcrm.store.templates`, the product, tested
against :func:`template_values` in French), any other language is worded from that data
when read (:mod:`fieldcrm.scoring.wording`).

One rounding rule, shared with the SQL renderer so that both give the same text: a float is
first read as its 15-significant-digit decimal form (``"%.15g"``, what PostgreSQL's
``CAST(float8 AS numeric)`` does), then rounded half away from zero (PostgreSQL's
``round(numeric)``). French separates thousands by a space and decimals by a comma
(``1 235 €``, ``−11,5 %``), English by a comma and a point (``€1,235``, ``−11.5%``); a
negative change has the minus sign ``−`` (U+2212); months are named in the reader's
language (babel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from babel.dates import format_date

from fieldcrm.dates import LOCALES

_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)
_UNIT = Decimal(1)
_TENTH = Decimal("0.1")
MINUS = "\u2212"
"""The minus sign of a negative change (``−30,8 %``)."""


def _rounded(value: float, step: Decimal) -> Decimal:
    rounded = Decimal(f"{value:.15g}").quantize(step, context=_CONTEXT)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # numeric has no -0


def _same(text: str) -> str:
    return text


def _grouped(value: Decimal, lang: str) -> str:
    """``value`` with its thousands grouped and its decimal mark as ``lang`` writes them."""
    text = f"{value:,}"
    if lang == "en":
        return text
    return text.replace(",", " ").replace(".", ",")


def euros(value: float, lang: str = "fr") -> str:
    """``1234.5`` → ``"1 235 €"`` (``"€1,235"`` in English): whole euros, thousands grouped."""
    amount = _grouped(_rounded(value, _UNIT), lang)
    return f"€{amount}" if lang == "en" else f"{amount} €"


def _decimal(value: float) -> Decimal:
    """``value`` as its 15-significant-digit decimal form (``CAST(float8 AS numeric)``)."""
    return Decimal(f"{value:.15g}")


def _side(value: Decimal, bound: Decimal) -> int:
    return (value > bound) - (value < bound)


def signed_percent(value: float, lang: str = "fr", bounds: Sequence[float] = ()) -> str:
    """``-11.45`` → ``"−11,5 %"``, ``3`` → ``"+3,0 %"`` (``"−11.5%"``, ``"+3.0%"`` in
    English): one decimal, always signed.

    ``bounds`` are the thresholds the rule compares the change with (``below_pct: 10`` is
    −10): where one decimal would land on a threshold, or across it, the change gets as
    many decimals as it takes to stay on its own side (``-10.04`` → ``"−10,04 %"``, not
    ``"−10,0 %"``, which would read as no drop beyond 10 %)."""
    exact = _decimal(value)
    sides = [(_decimal(b), _side(exact, _decimal(b))) for b in bounds]
    places = 1
    while True:
        rounded = _rounded(value, Decimal(1).scaleb(-places))
        if all(_side(rounded, b) == side for b, side in sides) or rounded == exact:
            break
        places += 1
    sign = "+" if rounded >= 0 else MINUS
    if lang == "en":
        return f"{sign}{rounded.copy_abs()}%"
    return f"{sign}{rounded.copy_abs()} %".replace(".", ",")


def number(value: float, lang: str = "fr") -> str:
    """``30000`` → ``"30 000"``, ``10.5`` → ``"10,5"`` (``"30,000"``, ``"10.5"`` in English):
    a threshold as written in a rule, thousands grouped, decimals only where it has some."""
    exact = Decimal(f"{value:.15g}")
    if exact == exact.to_integral_value():
        exact = exact.quantize(_UNIT, context=_CONTEXT)
    return _grouped(exact.copy_abs() if exact.is_zero() else exact, lang)


def percent(value: float, lang: str = "fr") -> str:
    """``10`` → ``"10 %"`` (``"10%"`` in English): a rule's threshold in percent, unsigned."""
    return f"{number(value, lang)}%" if lang == "en" else f"{number(value, lang)} %"


def month_name(month: str, lang: str = "fr") -> str:
    """``"2026-11"`` → ``"novembre 2026"`` (``"November 2026"``): a month ``YYYY-MM`` as a
    reader of ``lang`` says it."""
    year, number = month.split("-")
    day = dt.date(int(year), int(number), 1)
    return format_date(day, format="LLLL y", locale=LOCALES.get(lang, "fr_FR"))


CHANGE_BOUNDS = "change_pct_bounds"
"""The key of the data of an alert that keeps the thresholds its rule compares
``change_pct`` with (:func:`signed_percent` ``bounds``; absent in alerts raised before it
was kept: one decimal, as their French text was written)."""
NEVER = "jamais"
"""``{days_since_last_visit}`` of an account never visited (a catalogue msgid)."""
UNKNOWN = "n.d."
"""A value that cannot be given (no potential, no revenue last year; a catalogue msgid)."""
PER_MONTH = "%(amount)s/mois"
"""``{potential}``: an amount per month (a catalogue msgid)."""


def template_values(
    data: Mapping[str, Any],
    *,
    lang: str = "fr",
    gettext: Callable[[str], str] = _same,
) -> dict[str, Any]:
    """The values a rule's texts may use, written for a reader of ``lang``: the one
    formatter of the placeholders' values.

    Parameters
    ----------
    data
        The values as data (:func:`fieldcrm.scoring.evaluate.template_data`, as an alert
        keeps them): amounts as numbers, months ``YYYY-MM``, None for "never visited"
        (``days_since_last_visit``) and "unknown" (``change_pct``, ``potential``). Only the
        keys present are written.
    lang
        The reader's language (``fr``, ``en``); numbers and months follow it.
    gettext
        The reader's catalogue for the words (« jamais », « n.d. », « /mois »).

    Returns
    -------
    dict
        Placeholder → text.

    Examples
    --------
    >>> data = {"potential": 40000.0, "days_since_last_visit": None, "change_pct": -11.45}
    >>> template_values(data)
    {'potential': '40 000 €/mois', 'days_since_last_visit': 'jamais', 'change_pct': '−11,5 %'}
    >>> english = {"%(amount)s/mois": "%(amount)s/month"}
    >>> template_values(data, lang="en", gettext=lambda t: english.get(t, t))["potential"]
    '€40,000/month'
    """
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in ("month", "last_year_month"):
            out[name] = month_name(str(value), lang)
        elif name in ("revenue_month", "revenue_last_year", "revenue_3m", "revenue_12m"):
            out[name] = euros(float(value), lang)
        elif name == "change_pct":
            bounds = data.get(CHANGE_BOUNDS) or ()
            out[name] = (
                gettext(UNKNOWN) if value is None else signed_percent(float(value), lang, bounds)
            )
        elif name == CHANGE_BOUNDS:
            continue  # how ``change_pct`` is written, not a placeholder
        elif name == "potential":
            out[name] = (
                gettext(PER_MONTH) % {"amount": euros(float(value), lang)}
                if value
                else gettext(UNKNOWN)
            )
        elif name == "days_since_last_visit":
            out[name] = gettext(NEVER) if value is None else value
        else:
            out[name] = "" if value is None else value
    return out
