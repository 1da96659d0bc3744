"""Pure rule evaluation: the reference implementation the SQL path is tested against."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fieldcrm.scoring.facts import AccountFacts, previous_month, same_month_last_year
from fieldcrm.scoring.formats import CHANGE_BOUNDS, template_values
from fieldcrm.scoring.rules import (
    Action,
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Label,
    Missing,
    Not,
    RevenueVsLastYear,
    Rule,
    change_bounds,
    text_months,
)


def period_key(period: str, as_of: date) -> str:
    """The idempotence period of ``as_of``: ``2026-04-02``, ``2026-W14``, ``2026-04``, ...

    Parameters
    ----------
    period
        One of ``day``, ``week``, ``month``, ``quarter``, ``year``, ``once``.
    as_of
        The run date.

    Returns
    -------
    str
        A label equal for every date of the same period.
    """
    if period == "day":
        return as_of.isoformat()
    if period == "week":
        year, week, _ = as_of.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{as_of.year:04d}-{as_of.month:02d}"
    if period == "quarter":
        return f"{as_of.year:04d}-Q{(as_of.month - 1) // 3 + 1}"
    if period == "year":
        return f"{as_of.year:04d}"
    return "once"


def _resolve_month(month: str, as_of: date) -> str:
    return previous_month(as_of) if month == "previous" else month


def _compare(value: float | None, op: str, bound: float) -> bool:
    if value is None:
        return False
    if op == "gt":
        return value > bound
    if op == "gte":
        return value >= bound
    if op == "lt":
        return value < bound
    if op == "lte":
        return value <= bound
    return value == bound


def fact_value(facts: AccountFacts, name: str) -> float | None:
    """A numeric fact; a never-visited account counts as visited infinitely long ago."""
    value = getattr(facts, name)
    if name == "days_since_last_visit" and value is None:
        return math.inf
    return None if value is None else float(value)


def holds(cond: Condition, facts: AccountFacts, *, as_of: date) -> bool:
    """Whether ``cond`` holds for ``facts`` on ``as_of``.

    Parameters
    ----------
    cond
        A parsed condition.
    facts
        The account's facts (computed for ``as_of``).
    as_of
        The run date (resolves ``month: previous``).

    Returns
    -------
    bool
        True when the condition holds; unknown values (no potential, no revenue last
        year) make comparisons false.
    """
    if isinstance(cond, AllOf):
        return all(holds(c, facts, as_of=as_of) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(holds(c, facts, as_of=as_of) for c in cond.items)
    if isinstance(cond, Not):
        return not holds(cond.item, facts, as_of=as_of)
    if isinstance(cond, Compare):
        value = fact_value(facts, cond.fact)
        return all(_compare(value, op, bound) for op, bound in cond.ops)
    if isinstance(cond, RevenueVsLastYear):
        month = _resolve_month(cond.month, as_of)
        this, last = facts.revenue(month), facts.revenue(same_month_last_year(month))
        if last <= 0:
            return False
        ok = True
        if cond.below_pct is not None:
            ok = ok and this < last * (1.0 - cond.below_pct / 100.0)
        if cond.above_pct is not None:
            ok = ok and this > last * (1.0 + cond.above_pct / 100.0)
        return ok
    if isinstance(cond, Missing):
        test = all if cond.mode == "all" else any
        return test(name in facts.missing for name in cond.fields)
    if isinstance(cond, Label):
        value = getattr(facts, cond.fact)
        inside = value is not None and str(value) in cond.values
        return inside != cond.negate
    raise TypeError(f"unknown condition {cond!r}")


def template_data(rule: Rule, facts: AccountFacts, *, as_of: date) -> dict[str, Any]:
    """The values the alert/task templates of ``rule`` may use for ``facts``, as data
    (numbers, months ``YYYY-MM``, None for "never visited" and "unknown"): what an alert
    keeps so that each reader reads it in their language
    (:func:`fieldcrm.scoring.formats.template_values` writes them).

    :mod:`fieldcrm.store.templates` builds the same data in SQL; keep the two in step.
    """
    month, last_month = text_months(rule, previous_month(as_of))
    this, last = facts.revenue(month), facts.revenue(last_month)
    return {
        "account": facts.name or f"#{facts.account_id}",
        "account_id": facts.account_id,
        "rule": rule.key,
        "rule_name": rule.name,
        "month": month,
        "last_year_month": last_month,
        "revenue_month": this,
        "revenue_last_year": last,
        "change_pct": (this - last) / last * 100.0 if last > 0 else None,
        CHANGE_BOUNDS: list(change_bounds(rule)),
        "potential": facts.potential or None,
        "days_since_last_visit": facts.days_since_last_visit,
        "days_since_creation": facts.days_since_creation,
        "revenue_3m": facts.revenue_3m,
        "revenue_12m": facts.revenue_12m,
        "owner": facts.owner or "",
        "due_on": "",
    }


def template_context(rule: Rule, facts: AccountFacts, *, as_of: date) -> dict[str, Any]:
    """Values the alert/task templates of ``rule`` may use for ``facts``, in French (the
    text a run stores): :func:`template_data` written by
    :func:`~fieldcrm.scoring.formats.template_values`.

    :mod:`fieldcrm.store.templates` renders the same values in SQL; keep the two in step.
    """
    return template_values(template_data(rule, facts, as_of=as_of))


def render(template: str, context: Mapping[str, Any]) -> str:
    """Fill ``template`` (validated by the parser) with ``context``."""
    return template.format_map(dict(context))


@dataclass(frozen=True, slots=True)
class Firing:
    """One rule that fires for one account in one period."""

    rule_key: str
    account_id: int
    period: str
    actions: tuple[Action, ...]
    context: Mapping[str, Any] = field(default_factory=dict)


def evaluate(rules: Sequence[Rule], facts: Iterable[AccountFacts], *, as_of: date) -> list[Firing]:
    """Evaluate every enabled rule against every account.

    Parameters
    ----------
    rules
        Validated rules; disabled ones are skipped.
    facts
        Facts of the accounts, computed for ``as_of``.
    as_of
        The run date.

    Returns
    -------
    list of Firing
        Ordered by account, then rule order.
    """
    active = [r for r in rules if r.enabled]
    fired: list[Firing] = []
    for account in facts:
        for rule in active:
            if holds(rule.when, account, as_of=as_of):
                fired.append(
                    Firing(
                        rule.key,
                        account.account_id,
                        period_key(rule.period, as_of),
                        rule.then,
                        template_context(rule, account, as_of=as_of),
                    )
                )
    return fired


def due_date(as_of: date, days: int) -> date:
    """Due date of a task created on ``as_of`` with ``days`` of delay."""
    return as_of + timedelta(days=days)
