"""Visits written from the field: a check-in (one timestamped point) and its report, idempotent by key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.errors import Conflict, NotFound


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
            """SELECT v.id, v.account_id, v.rep_id, v.kind, v.occurred_at, v.outcome, v.report,
                      ST_X(v.checkin) AS checkin_lon, ST_Y(v.checkin) AS checkin_lat,
                      ST_Distance(v.checkin::geography, a.geom::geography) AS distance_m, v.client_key
               FROM activities v JOIN accounts a ON a.id = v.account_id WHERE v.id = :id"""
        ),
        {"id": activity_id},
    ).first()
    if row is None:
        raise NotFound("activity", activity_id)
    return VisitRow(**row._asdict())
