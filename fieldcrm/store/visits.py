"""Visits written from the field: a check-in (one timestamped point) and its report, idempotent by key.

Which visits count
------------------
A check-in made more than :data:`FAR_FROM_ACCOUNT_M` from its account is a *far check-in*
(« pointage à distance »): it is recorded and shown with its distance, but it counts as a
visit (the last visit, the visit due dates, the tasks a visit closes, the rules' "not
visited for N days") only once the rep has written its report. A visit without a check-in
point, or at an account not located yet or whose location is not trusted (a commune's
centre, a match to review), counts as before (nothing to compare). The
distance is kept against the account's location of now (``activities.checkin_distance_m``,
written by triggers): moving a wrongly placed account's pin (the warning asks to check it)
makes its near check-ins count.
:func:`counted_visit` is the one home of this rule; every query about past visits uses it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.costs.plausible import FAR_FROM_ACCOUNT_M  # its one home (the costs read it too)
from fieldcrm.errors import Conflict, NotFound


def far_checkin(v: str = "v") -> str:
    """SQL: activity ``v``'s check-in point is farther than :data:`FAR_FROM_ACCOUNT_M` from
    its account (false without a check-in point or a trusted account location). Reads
    ``checkin_distance_m``, which triggers keep as the check-in is written and the account
    moves (migration 0025): the nightly rules read it for every visit."""
    return (
        f"({v}.checkin IS NOT NULL AND coalesce({v}.checkin_distance_m, 0) > {FAR_FROM_ACCOUNT_M})"
    )


def counted_visit(v: str = "v") -> str:
    """SQL: activity ``v`` is a visit that counts (the module's rule): a visit whose check-in
    was not far from the account, or whose report is written."""
    return (
        # the report is read only for a far check-in (PostgreSQL evaluates in this order)
        f"({v}.kind = 'visit' AND ({v}.checkin IS NULL"
        f" OR NOT {far_checkin(v)} OR nullif(btrim({v}.report), '') IS NOT NULL))"
    )


@dataclass(frozen=True)
class VisitRow:
    """A visit activity as the phone sees it."""

    id: int
    account_id: int
    rep_id: int | None
    kind: str
    occurred_at: dt.datetime
    outcome: str | None
    report: str | None
    checkin_lon: float | None
    checkin_lat: float | None
    distance_m: float | None
    """Distance between the check-in point and the account (a flag, not an error)."""
    client_key: str | None
    far_from_account: bool = False
    """The check-in was made far from the account (:func:`far_checkin`)."""
    counts: bool = False
    """The visit counts as a visit (:func:`counted_visit`)."""


def record(
    session: Session,
    *,
    client_key: str,
    account_id: int,
    rep_id: int,
    kind: str,
    occurred_at: dt.datetime,
    lon: float | None,
    lat: float | None,
    outcome: str | None,
    report: str | None,
) -> tuple[int, bool]:
    """Insert the activity, or complete the one already sent with ``client_key``; ``(id, created)``.

    A resend with the same key never makes a second activity: fields already stored stay unless
    the new message brings them (a report written after the check-in fills the same visit).
    """
    row = session.execute(
        text(
            """INSERT INTO activities (account_id, rep_id, kind, occurred_at, outcome, report, checkin, client_key)
               VALUES (:account, :rep, :kind, :at, :outcome, :report,
                       CASE WHEN CAST(:lon AS float8) IS NULL THEN NULL
                            ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END, :key)
               ON CONFLICT (client_key) DO UPDATE
                 SET outcome = coalesce(EXCLUDED.outcome, activities.outcome),
                     report = coalesce(EXCLUDED.report, activities.report),
                     checkin = coalesce(activities.checkin, EXCLUDED.checkin)
                 WHERE activities.account_id = EXCLUDED.account_id AND activities.rep_id = EXCLUDED.rep_id
               RETURNING id, (xmax = 0) AS created"""
        ),
        {
            "account": account_id,
            "rep": rep_id,
            "kind": kind,
            "at": occurred_at,
            "outcome": outcome,
            "report": report,
            "lon": lon,
            "lat": lat,
            "key": client_key,
        },
    ).first()
    if row is None:
        raise Conflict(f"client_key {client_key!r} belongs to another visit")
    return int(row.id), bool(row.created)


def get_visit(session: Session, activity_id: int) -> VisitRow:
    """One activity with the check-in's distance to its account."""
    row = session.execute(
        text(
            f"""SELECT v.id, v.account_id, v.rep_id, v.kind, v.occurred_at, v.outcome, v.report,
                      ST_X(v.checkin) AS checkin_lon, ST_Y(v.checkin) AS checkin_lat,
                      ST_Distance(v.checkin::geography, a.geom::geography) AS distance_m, v.client_key,
                      {far_checkin("v")} AS far_from_account, {counted_visit("v")} AS counts
               FROM activities v JOIN accounts a ON a.id = v.account_id WHERE v.id = :id"""
        ),
        {"id": activity_id},
    ).first()
    if row is None:
        raise NotFound("activity", activity_id)
    return VisitRow(**row._asdict())


def counts_by_key(session: Session, client_key: str) -> bool | None:
    """Whether the activity sent with ``client_key`` counts as a visit (None: not sent yet)."""
    row = session.execute(
        text(f"SELECT {counted_visit('v')} AS counts FROM activities v WHERE v.client_key = :key"),
        {"key": client_key},
    ).first()
    return None if row is None else bool(row.counts)


def open_visit_key(
    session: Session,
    *,
    rep_id: int,
    account_id: int,
    first: dt.datetime,
    last: dt.datetime,
    report: str,
) -> str | None:
    """The key of ``rep_id``'s latest visit at ``account_id`` between ``first`` and ``last``
    still without a report, or already holding this very ``report`` (the same report sent
    again); None if there is none. Its row is locked: two reports sent at once do not both
    complete it (the second, re-checked after the lock, finds it reported)."""
    row = session.execute(
        text(
            """SELECT v.client_key FROM activities v
               WHERE v.rep_id = :rep AND v.account_id = :account AND v.kind = 'visit'
                 AND v.client_key IS NOT NULL
                 AND v.occurred_at >= :first AND v.occurred_at < :last
                 AND (nullif(btrim(v.report), '') IS NULL OR v.report = :report)
               ORDER BY v.occurred_at DESC, v.id DESC LIMIT 1
               FOR UPDATE OF v"""
        ),
        {"rep": rep_id, "account": account_id, "first": first, "last": last, "report": report},
    ).first()
    return None if row is None else str(row.client_key)


def day_visits(
    session: Session, *, rep_id: int, first: dt.datetime, last: dt.datetime
) -> dict[int, VisitRow]:
    """The latest visit of ``rep_id`` at each account between ``first`` and ``last``."""
    rows = session.execute(
        text(f"""SELECT DISTINCT ON (v.account_id)
                       v.id, v.account_id, v.rep_id, v.kind, v.occurred_at, v.outcome, v.report,
                       ST_X(v.checkin) AS checkin_lon, ST_Y(v.checkin) AS checkin_lat,
                       ST_Distance(v.checkin::geography, a.geom::geography) AS distance_m,
                       v.client_key, {far_checkin("v")} AS far_from_account, {counted_visit("v")} AS counts
                FROM activities v JOIN accounts a ON a.id = v.account_id
                WHERE v.rep_id = :rep AND v.kind = 'visit'
                  AND v.occurred_at >= :first AND v.occurred_at < :last
                ORDER BY v.account_id, v.occurred_at DESC, v.id DESC"""),
        {"rep": rep_id, "first": first, "last": last},
    )
    return {r.account_id: VisitRow(**r._asdict()) for r in rows}
