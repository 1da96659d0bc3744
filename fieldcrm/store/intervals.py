"""Call intervals: segment defaults, and the accounts whose visit is late. Never commits.

The interval of an account is :data:`fieldcrm.store.facts.INTERVAL_SQL` (its own, else its
qualification's, else its kind's); the next visit is due that many days after the later of
its last visit (one that counts: :func:`fieldcrm.store.visits.counted_visit`) and its creation (dates in the company's time zone, ``date + integer`` in
SQL: right across month ends). :mod:`fieldcrm.scoring.intervals` is the reference.
"""

from __future__ import annotations

import datetime as dt
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
