"""Call intervals: segment defaults, and the accounts whose visit is late. Never commits.

The interval of an account is :data:`fieldcrm.store.facts.INTERVAL_SQL` (its own, else its
qualification's, else its kind's); the next visit is due that many days after the later of
its last visit (one that counts: :func:`fieldcrm.store.visits.counted_visit`) and its creation (dates in the company's time zone, ``date + integer`` in
SQL: right across month ends). :mod:`fieldcrm.scoring.intervals` is the reference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.scoring.intervals import Overdue
from fieldcrm.store.facts import INTERVAL_JOIN, INTERVAL_SQL
from fieldcrm.store.visits import counted_visit


@dataclass(frozen=True, slots=True)
class Rhythm:
    """One account's visit rhythm on a day (the account page shows it)."""

    interval_days: int | None
    own_interval: bool
    last_visit: dt.date | None
    due_on: dt.date | None
    days_late: int


def defaults(session: Session) -> dict[tuple[str, str], int]:
    """Default interval by ``(segment, value)``."""
    rows = session.execute(text("SELECT segment, value, days FROM visit_intervals"))
    return {(r.segment, r.value): int(r.days) for r in rows}


def set_default(session: Session, *, segment: str, value: str, days: int | None) -> None:
    """Set (or, with ``days`` None, remove) the default interval of a segment value."""
    if days is None:
        session.execute(
            text("DELETE FROM visit_intervals WHERE segment = :s AND value = :v"),
            {"s": segment, "v": value},
        )
        return
    session.execute(
        text("""INSERT INTO visit_intervals (segment, value, days) VALUES (:s, :v, :d)
                ON CONFLICT (segment, value) DO UPDATE SET days = excluded.days"""),
        {"s": segment, "v": value, "d": days},
    )


_DUE = f"""
    SELECT a.id, a.name, {INTERVAL_SQL} AS interval_days,
           a.visit_interval_days IS NOT NULL AS own_interval, lv.last_visit,
           greatest(lv.last_visit, (a.created_at AT TIME ZONE :tz)::date) AS reference
    FROM accounts a {{scope}}
    {INTERVAL_JOIN}
    CROSS JOIN LATERAL (
        SELECT (max(v.occurred_at) AT TIME ZONE :tz)::date AS last_visit FROM activities v
        WHERE v.account_id = a.id AND {counted_visit("v")}
          AND v.occurred_at < (CAST(:tomorrow AS date)::timestamp AT TIME ZONE :tz)
    ) lv
"""
"""Each account of ``{scope}`` with its interval, last visit and reference day."""

_DAYS_LATE = "CAST(:today AS date) - (reference + interval_days)"
"""Days the next visit is late on ``:today`` (negative: not yet due) — the product's rule for
the "En retard" list and the account's rhythm; the nightly priority counts the same over
``scoring_facts`` (:data:`fieldcrm.store.priority.LATE_DAYS`). Python's
:func:`fieldcrm.scoring.intervals.days_late` is their test oracle."""


def overdue_accounts(
    session: Session,
    *,
    owner_ids: list[int],
    today: dt.date,
    tz: str,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Overdue], int]:
    """Accounts of ``owner_ids`` whose next visit was due before ``today``, most overdue
    first (then by id), a page of them and how many there are in all."""
    scope = "JOIN account_assignments asg ON asg.account_id = a.id AND asg.owner_id = ANY(:owners)"
    rows = session.execute(
        text(f"""
        WITH d AS ({_DUE.format(scope=scope)}), late AS (
            SELECT d.*, reference + interval_days AS due_on, {_DAYS_LATE} AS days_late
            FROM d WHERE interval_days IS NOT NULL
        )
        SELECT id, name, last_visit, interval_days, due_on, days_late, count(*) OVER () AS total
        FROM late WHERE days_late > 0
        ORDER BY days_late DESC, id
        LIMIT :limit OFFSET :offset"""),
        {
            "owners": owner_ids,
            "today": today,
            "tomorrow": today + dt.timedelta(days=1),
            "tz": tz,
            "limit": limit,
            "offset": offset,
        },
    ).all()
    total = int(rows[0].total) if rows else 0
    if not rows and offset:
        total = overdue_count(session, owner_ids=owner_ids, today=today, tz=tz)
    items = [
        Overdue(r.id, r.name, r.last_visit, r.interval_days, r.due_on, r.days_late) for r in rows
    ]
    return items, total


def overdue_count(session: Session, *, owner_ids: list[int], today: dt.date, tz: str) -> int:
    """How many accounts of ``owner_ids`` are late on ``today``."""
    _, total = overdue_accounts(session, owner_ids=owner_ids, today=today, tz=tz, limit=1)
    return total


def visited_not_due(account: str, day: str, tz: str = ":tz") -> str:
    """SQL: the account of id ``account`` had a counted visit (:func:`counted_visit`) on or
    before ``day`` whose next visit is due after ``day`` (its day + the interval, one day
    without an interval): it is not due again on ``day``. The product's rule for "visited,
    not to propose again yet": the planner's candidates and the stored proposals
    (:func:`not_due`) read it. Its inner ``accounts`` is aliased ``a``: ``account`` must
    name an outer alias other than ``a``."""
    return f"""EXISTS (
        SELECT 1 FROM accounts a JOIN activities v ON v.account_id = a.id {INTERVAL_JOIN}
        WHERE a.id = {account} AND {counted_visit("v")}
          AND (v.occurred_at AT TIME ZONE {tz})::date <= {day}
          AND (v.occurred_at AT TIME ZONE {tz})::date + coalesce({INTERVAL_SQL}, 1) > {day})"""


@dataclass(frozen=True, slots=True)
class VisitedSince:
    """An account visited so recently it is not due on a day (:func:`not_due`)."""

    key: int
    account_id: int
    last_visit: dt.date
    """The day of its last counted visit up to that day."""
    due_on: dt.date | None
    """The day its next visit is due (None: no interval)."""


def not_due(
    session: Session, wanted: Sequence[tuple[int, int, dt.date]], *, tz: str
) -> dict[int, VisitedSince]:
    """For each ``(key, account_id, day)`` whose account is not due on ``day``
    (:func:`visited_not_due`), its last counted visit and next due day, by key."""
    if not wanted:
        return {}
    rows = session.execute(
        text(f"""
        WITH w AS (
            SELECT * FROM unnest(CAST(:keys AS int[]), CAST(:accounts AS int[]),
                                 CAST(:days AS date[])) AS w(key, account_id, day))
        SELECT w.key, w.account_id, lv.last_visit, lv.last_visit + {INTERVAL_SQL} AS due_on
        FROM w JOIN accounts a ON a.id = w.account_id {INTERVAL_JOIN}
        CROSS JOIN LATERAL (
            SELECT (max(v.occurred_at) AT TIME ZONE :tz)::date AS last_visit FROM activities v
            WHERE v.account_id = a.id AND {counted_visit("v")}
              AND v.occurred_at < (CAST(w.day + 1 AS date)::timestamp AT TIME ZONE :tz)) lv
        WHERE {visited_not_due("w.account_id", "w.day")}"""),
        {
            "keys": [k for k, _, _ in wanted],
            "accounts": [a for _, a, _ in wanted],
            "days": [d for _, _, d in wanted],
            "tz": tz,
        },
    )
    return {r.key: VisitedSince(r.key, r.account_id, r.last_visit, r.due_on) for r in rows}


def lateness(
    session: Session, account_ids: Sequence[int], *, today: dt.date, tz: str
) -> dict[int, tuple[int, int | None]]:
    """``(days late on today, interval)`` of each account (0 when not late or without an
    interval), by the rule of the account's rhythm (``_DAYS_LATE``)."""
    rows = session.execute(
        text(f"""SELECT d.id, d.interval_days, greatest(0, coalesce({_DAYS_LATE}, 0)) AS late
                   FROM ({_DUE.format(scope="")}) d WHERE d.id = ANY(:ids)"""),
        {
            "ids": list(account_ids),
            "today": today,
            "tomorrow": today + dt.timedelta(days=1),
            "tz": tz,
        },
    )
    return {r.id: (int(r.late), r.interval_days) for r in rows}


def rhythm(session: Session, account_id: int, *, today: dt.date, tz: str) -> Rhythm:
    """The visit rhythm of one account on ``today``."""
    row = session.execute(
        text(f"""SELECT d.*, reference + interval_days AS due_on, {_DAYS_LATE} AS days_late
                   FROM ({_DUE.format(scope="")}) d WHERE d.id = :id"""),
        {"id": account_id, "today": today, "tomorrow": today + dt.timedelta(days=1), "tz": tz},
    ).one()
    if row.interval_days is None:
        return Rhythm(None, False, row.last_visit, None, 0)
    return Rhythm(
        row.interval_days, row.own_interval, row.last_visit, row.due_on, max(0, row.days_late)
    )
