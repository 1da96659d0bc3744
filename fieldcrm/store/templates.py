"""Alert and task templates rendered in SQL over ``scoring_facts``, and their values as
data (:meth:`TemplateSql.data`) for the rules that speak other languages than French.

The same texts as :func:`fieldcrm.scoring.evaluate.template_context` +
:func:`~fieldcrm.scoring.evaluate.render` give in Python (tested side by side), for every
firing at once instead of one account at a time. Amounts follow
:mod:`fieldcrm.scoring.formats`: ``CAST(float8 AS numeric)`` reads the 15-significant-digit
form, ``round(numeric)`` rounds half away from zero.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from fieldcrm.scoring.facts import previous_month
from fieldcrm.scoring.formats import CHANGE_BOUNDS, MINUS, month_name
from fieldcrm.scoring.rules import Rule, change_bounds, text_months
from fieldcrm.store.facts import NEVER_VISITED, month_column

ACCOUNT_SQL = "coalesce(nullif(name, ''), '#' || account_id)"
"""The ``{account}`` placeholder: the account's name, else ``#id``."""


def euros_sql(expr: str) -> str:
    """SQL text of the float8 ``expr`` as :func:`fieldcrm.scoring.formats.euros` writes it."""
    whole = f"round(CAST({expr} AS numeric))::text"
    return f"regexp_replace({whole}, '(\\d)(?=(\\d{{3}})+$)', '\\1 ', 'g') || ' €'"


def signed_percent_sql(expr: str, bounds: Sequence[float] = ()) -> str:
    """SQL text of ``expr`` as :func:`fieldcrm.scoring.formats.signed_percent` writes it:
    one decimal, more where one would land on or across one of ``bounds``."""
    if not bounds:
        tenth = f"round(CAST({expr} AS numeric), 1)"
        return (
            f"CASE WHEN {tenth} >= 0 THEN '+' ELSE '{MINUS}' END "
            f"|| replace(abs({tenth})::text, '.', ',') || ' %'"
        )
    exact = f"CAST({expr} AS numeric)"
    # the bounds are floats written by Python as decimal numbers: literals, never input text
    kept = " AND ".join(
        f"sign(round({exact}, d) - CAST('{Decimal(f'{b:.15g}')}' AS numeric)) "
        f"= sign({exact} - CAST('{Decimal(f'{b:.15g}')}' AS numeric))"
        for b in bounds
    )
    rounded = (
        f"SELECT round({exact}, d) AS r FROM generate_series(1, greatest(1, scale({exact}))) AS d "
        f"WHERE ({kept}) OR d >= scale({exact}) ORDER BY d LIMIT 1"
    )
    return (
        f"(SELECT CASE WHEN r >= 0 THEN '+' ELSE '{MINUS}' END "
        f"|| replace(abs(r)::text, '.', ',') || ' %' FROM ({rounded}) AS shown)"
    )


class TemplateSql:
    """Compiles the templates of one rule into SQL expressions over ``scoring_facts``.

    Literal parts and per-rule values become bound parameters (named ``{prefix}N``), never
    SQL text; :attr:`params` collects them.
    """

    def __init__(self, rule: Rule, *, as_of: date, months: Iterable[str], prefix: str) -> None:
        self.params: dict[str, Any] = {}
        self._prefix = prefix
        month, last_month = text_months(rule, previous_month(as_of))
        known = set(months)
        self._bounds = bounds = change_bounds(rule)
        this = month_column(month) if month in known else "CAST(0 AS float8)"
        last = month_column(last_month) if last_month in known else "CAST(0 AS float8)"
        self._values = {
            "account": ACCOUNT_SQL,
            "account_id": "account_id::text",
            "rule": self._param(rule.key),
            "rule_name": self._param(rule.name),
            "month": self._param(month_name(month)),
            "last_year_month": self._param(month_name(last_month)),
            "revenue_month": euros_sql(this),
            "revenue_last_year": euros_sql(last),
            "change_pct": (
                f"CASE WHEN {last} > 0 THEN "
                f"{signed_percent_sql(f'({this} - {last}) / {last} * CAST(100 AS float8)', bounds)} "
                "ELSE 'n.d.' END"
            ),
            "potential": (
                "CASE WHEN coalesce(potential, 0) <> 0 THEN "
                f"{euros_sql('potential')} || '/mois' ELSE 'n.d.' END"
            ),
            "days_since_last_visit": (
                f"CASE WHEN days_since_last_visit >= {NEVER_VISITED} THEN 'jamais' "
                "ELSE days_since_last_visit::text END"
            ),
            "days_since_creation": "days_since_creation::text",
            "revenue_3m": euros_sql("revenue_3m"),
            "revenue_12m": euros_sql("revenue_12m"),
            "owner": "coalesce(owner, '')",
            "due_on": "''",
        }
        # the same values as data (fieldcrm.scoring.evaluate.template_data)
        self._data = {
            **self._values,
            "account_id": "account_id",
            "month": self._param(month),
            "last_year_month": self._param(last_month),
            "revenue_month": this,
            "revenue_last_year": last,
            "change_pct": f"CASE WHEN {last} > 0 THEN ({this} - {last}) / {last} * CAST(100 AS float8) END",
            "potential": "nullif(potential, 0)",
            "days_since_last_visit": (
                f"CASE WHEN days_since_last_visit < {NEVER_VISITED} THEN days_since_last_visit END"
            ),
            "days_since_creation": "days_since_creation",
            "revenue_3m": "revenue_3m",
            "revenue_12m": "revenue_12m",
        }

    def _param(self, value: str) -> str:
        name = f"{self._prefix}{len(self.params)}"
        self.params[name] = value
        return f"CAST(:{name} AS text)"

    def text(self, template: str) -> str:
        """A SQL expression rendering ``template`` (validated by the rule parser)."""
        parts = []
        for literal, field, _, _ in string.Formatter().parse(template):
            if literal:
                parts.append(self._param(literal))
            if field is not None:
                parts.append(self._values[field])
        return "concat(" + ", ".join(parts) + ")" if parts else "''"

    def array(self, templates: Iterable[str]) -> str:
        """A ``text[]`` expression with one rendered text per template."""
        return "CAST(ARRAY[" + ", ".join(self.text(t) for t in templates) + "] AS text[])"

    def data(self, fields: Iterable[str]) -> str:
        """A ``jsonb`` expression of the values of ``fields`` as data, as
        :func:`fieldcrm.scoring.evaluate.template_data` gives them (an alert keeps them to
        be worded in each reader's language, :mod:`fieldcrm.scoring.wording`)."""
        wanted = set(fields)
        pairs = [f"CAST('{f}' AS text), {self._data[f]}" for f in sorted(wanted)]
        if "change_pct" in wanted:  # the thresholds it is written against go with it
            bounds = self._param(json.dumps(list(self._bounds)))
            pairs.append(f"CAST('{CHANGE_BOUNDS}' AS text), CAST({bounds} AS jsonb)")
        return "jsonb_build_object(" + ", ".join(pairs) + ")"
