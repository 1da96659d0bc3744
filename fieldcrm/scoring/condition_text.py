"""A rule's conditions as a sentence in the reader's language: the one home of what the
rules list and the editor say a rule checks.

The sentence is built from the validated rule (:class:`fieldcrm.scoring.rules.Rule`, its
``when`` as data) with French templates that are catalogue msgids (the reader's ``gettext``
words them), the condition and operator names of :mod:`fieldcrm.scoring.vocabulary` (the
editor's own words), and numbers, amounts, percentages and months written by
:mod:`fieldcrm.scoring.formats` for the reader's language. Values the manager typed
(sectors, territories, logins) are kept as typed.
"""

from __future__ import annotations

from collections.abc import Callable

from fieldcrm.scoring.formats import euros, month_name, number, percent
from fieldcrm.scoring.rules import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Missing,
    Not,
    RevenueVsLastYear,
)
from fieldcrm.scoring.vocabulary import FIELD_NAMES, KEY_NAMES, KIND_NAMES

Gettext = Callable[[str], str]

REVENUE: dict[tuple[bool, str], str] = {
    (True, "below"): "CA du mois précédent en baisse de plus de %(pct)s sur un an",
    (True, "above"): "CA du mois précédent en hausse de plus de %(pct)s sur un an",
    (False, "below"): "CA de %(month)s en baisse de plus de %(pct)s sur un an",
    (False, "above"): "CA de %(month)s en hausse de plus de %(pct)s sur un an",
}
"""A revenue comparison by (previous month?, direction): catalogue msgids."""
PART = "%(what)s : %(value)s"
"""One condition: what it looks at, then the value it wants (« potentiel en €/mois : plus
de 30 000 »)."""
BOTH = "%(first)s et %(then)s"
"""Two limits of one fact (« au moins 10 et au plus 20 »)."""
NEXT = "%(first)s ; %(then)s"
"""The conditions of a nested all/any, one after the other."""
MISSING_ANY = "au moins un champ non renseigné parmi : %(fields)s"
NOT_IN = "%(what)s : tout sauf %(value)s"
EXCEPT = "sauf (%(what)s)"
MONEY_FACTS = ("revenue_3m", "revenue_12m")
"""Numeric facts in euros (``potential`` says « en €/mois » in its name)."""


def _same(text: str) -> str:
    return text


def conditions_text(cond: Condition, *, lang: str = "fr", gettext: Gettext = _same) -> str:
    """What ``cond`` (a rule's ``when``) checks, as a reader of ``lang`` reads it.

    Parameters
    ----------
    cond
        A validated condition (:attr:`fieldcrm.scoring.rules.Rule.when`).
    lang
        The reader's language: numbers, amounts, percentages and months follow it.
    gettext
        The reader's catalogue for the words (French: as they are).

    Returns
    -------
    str
        The conditions one after the other, `` · `` between those that must all hold.

    Examples
    --------
    >>> from fieldcrm.scoring.rules import parse_rule
    >>> rule = parse_rule({"key": "k", "when": {
    ...     "revenue_vs_last_year": {"below_pct": 10}, "potential": {"gt": 30000}},
    ...     "then": [{"priority": {"add": 1}}]})
    >>> conditions_text(rule.when)
    'CA du mois précédent en baisse de plus de 10 % sur un an · potentiel en €/mois : plus de 30 000'
    """
    if isinstance(cond, AllOf):
        return " · ".join(_part(item, lang, gettext) for item in cond.items)
    return _part(cond, lang, gettext)


def _nested(items: tuple[Condition, ...], lang: str, gettext: Gettext) -> str:
    said = [_part(item, lang, gettext) for item in items]
    listed = said[0]
    for item in said[1:]:
        listed = gettext(NEXT) % {"first": listed, "then": item}
    return f"({listed})"


def _part(cond: Condition, lang: str, gettext: Gettext) -> str:
    def part(what: str, value: str) -> str:
        return gettext(PART) % {"what": what, "value": value}

    if isinstance(cond, AllOf | AnyOf):
        key = "all" if isinstance(cond, AllOf) else "any"
        return part(gettext(KEY_NAMES[key]), _nested(cond.items, lang, gettext))
    if isinstance(cond, Not):
        return gettext(EXCEPT) % {"what": _part(cond.item, lang, gettext)}
    if isinstance(cond, RevenueVsLastYear):
        previous = cond.month == "previous"
        month = "" if previous else month_name(cond.month, lang)
        return " · ".join(
            gettext(REVENUE[previous, way]) % {"month": month, "pct": percent(pct, lang)}
            for way, pct in (("below", cond.below_pct), ("above", cond.above_pct))
            if pct is not None
        )
    if isinstance(cond, Compare):
        limits = [
            f"{gettext(KEY_NAMES[op])} {_amount(cond.fact, value, lang)}" for op, value in cond.ops
        ]
        said = limits[0]
        for limit in limits[1:]:
            said = gettext(BOTH) % {"first": said, "then": limit}
        return part(gettext(KEY_NAMES[cond.fact]), said)
    if isinstance(cond, Missing):
        fields = ", ".join(gettext(FIELD_NAMES.get(f, f)) for f in cond.fields)
        if cond.mode == "any" and len(cond.fields) > 1:
            return gettext(MISSING_ANY) % {"fields": fields}
        return part(gettext(KEY_NAMES["missing"]), fields)
    values = ", ".join(
        gettext(KIND_NAMES.get(v, v)) if cond.fact == "kind" else v for v in cond.values
    )
    what = gettext(KEY_NAMES[cond.fact])
    if cond.negate:
        return gettext(NOT_IN) % {"what": what, "value": values}
    return part(what, values)


def _amount(fact: str, value: float, lang: str) -> str:
    return euros(value, lang) if fact in MONEY_FACTS else number(value, lang)
