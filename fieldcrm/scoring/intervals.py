"""Call intervals: how often an account should be visited, and how late its next visit is.

An account's interval (days between visits) is its own, set by hand, else its
qualification's default (A/B/C), else its kind's (client/prospect); none means it is never
overdue. The next visit is due ``interval`` days after the *reference day*: the last visit,
or the account's creation when it was never visited (or only before it was created, as an
imported history may say). Everything is counted in days, never months, so the
result is right across month ends and leap days: 31/01/2026 + 30 days is 02/03/2026.

:mod:`fieldcrm.store.intervals` and :mod:`fieldcrm.store.priority` compute the same in SQL;
that SQL is the product (the "En retard" list, the account's rhythm, the nightly priority).
:func:`days_late`, :func:`next_due`, :func:`reference_day`, :func:`interval_for` and
:func:`overdue` are its test oracle: the product does not call them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from fieldcrm.errors import InvalidInput

MAX_INTERVAL_DAYS = 3650
"""Longest interval accepted (ten years)."""
SEGMENTS: tuple[str, ...] = ("qualification", "kind")
"""Segments a default interval may be set for, in the order they are looked up."""


def check_interval(days: int | None, *, field: str = "visit_interval_days") -> int | None:
    """``days`` if it is a valid interval (1 to :data:`MAX_INTERVAL_DAYS`) or None.

    Raises
    ------
    InvalidInput
        Naming ``field``, the value and what is allowed.
    """
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_INTERVAL_DAYS:
        raise InvalidInput(
            field, "must be a whole number of days", value=days, allowed=f"1–{MAX_INTERVAL_DAYS}"
        )
    return days


def interval_for(
    *,
    own: int | None,
    qualification: str | None,
    kind: str | None,
    defaults: Mapping[tuple[str, str], int],
) -> int | None:
    """The interval of one account.

    Parameters
    ----------
    own
        The account's own interval, set by hand (wins when set).
    qualification, kind
        The account's segment values.
    defaults
        Default interval by ``(segment, value)``, e.g. ``("qualification", "A") → 30``.

    Returns
    -------
    int or None
        Days between visits; None when neither the account nor its segments have one.
    """
    if own is not None:
        return own
    for segment, value in (("qualification", qualification), ("kind", kind)):
        if value is not None and (segment, value) in defaults:
            return defaults[segment, value]
    return None


def reference_day(last_visit: date | None, created_on: date) -> date:
    """The day the interval counts from: the later of the last visit and the creation."""
    return created_on if last_visit is None else max(last_visit, created_on)


def next_due(reference: date, interval_days: int) -> date:
    """The day the next visit is due: ``interval_days`` after ``reference``.

    Parameters
    ----------
    reference
        The last visit's day (the account's creation day when never visited).
    interval_days
        Days between visits.

    Returns
    -------
    date
        ``reference + interval_days`` days (31/01/2026 + 30 → 02/03/2026).
    """
    return reference + timedelta(days=interval_days)


def days_late(reference: date, interval_days: int | None, *, today: date) -> int:
    """Days the next visit is late on ``today`` (0 when not yet due or without interval).

    Late means due before today: due on 02/03 and today 03/03 is one day late. Test oracle
    of the SQL that counts it (``_DAYS_LATE`` in :mod:`fieldcrm.store.intervals`,
    ``LATE_DAYS`` in :mod:`fieldcrm.store.priority`).
    """
    if interval_days is None:
        return 0
    return max(0, (today - next_due(reference, interval_days)).days)


def overdue_points(late: int, interval_days: int | None, *, weight: float) -> float:
    """Priority points of a late visit: ``weight`` × lateness / interval, at most ``weight``.

    A visit one whole interval late (or more) gives the full ``weight``; rounded to 0.01.
    """
    if late <= 0 or not interval_days:
        return 0.0
    return round(weight * min(late / interval_days, 1.0), 2)


@dataclass(frozen=True, slots=True)
class VisitDue:
    """One account's visit rhythm: when it was last visited and how often it should be."""

    account_id: int
    name: str
    reference: date
    """:func:`reference_day`: the last visit's day, else the account's creation day."""
    interval_days: int | None
    last_visit: date | None = None


@dataclass(frozen=True, slots=True)
class Overdue:
    """An account whose visit is late, as the "En retard" list shows it."""

    account_id: int
    name: str
    last_visit: date | None
    interval_days: int
    due_on: date
    days_late: int


def overdue(accounts: Iterable[VisitDue], *, today: date) -> list[Overdue]:
    """The accounts whose next visit was due before ``today``, most overdue first (test
    oracle of :func:`fieldcrm.store.intervals.overdue_accounts`).

    Parameters
    ----------
    accounts
        The accounts with their reference day and interval.
    today
        The day (in the company's time zone).

    Returns
    -------
    list of Overdue
        Most days late first, then by account id.
    """
    out = []
    for item in accounts:
        if item.interval_days is None:
            continue
        late = days_late(item.reference, item.interval_days, today=today)
        if late > 0:
            due = next_due(item.reference, item.interval_days)
            out.append(
                Overdue(item.account_id, item.name, item.last_visit, item.interval_days, due, late)
            )
    return sorted(out, key=lambda o: (-o.days_late, o.account_id))
