"""What is coming for one account: its booked appointments and the next visit a plan proposes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Upcoming:
    """A booked appointment not over yet."""

    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    rep_name: str | None


@dataclass(frozen=True)
class PlannedVisit:
    """A visit proposed by the newest plan of its rep and day, still to be decided."""

    proposal_id: int
    day: dt.date
    slot_start: dt.datetime
    slot_end: dt.datetime
    rep_id: int
    rep_name: str | None
    planned_at: dt.datetime
    """When the plan was made (an appointment booked since makes it stale)."""


def upcoming_appointments(
    session: Session, account_id: int, *, now: dt.datetime, limit: int = 5
) -> list[Upcoming]:
    """The account's appointments ending after ``now``, soonest first (cancelled ones are not
    coming)."""
    rows = session.execute(
        text("""
        SELECT ap.id, ap.title, ap.starts_at, ap.ends_at, u.full_name AS rep_name
        FROM appointments ap LEFT JOIN users u ON u.id = ap.rep_id
        WHERE ap.account_id = :id AND ap.ends_at > :now AND ap.status <> 'cancelled'
        ORDER BY ap.starts_at, ap.id LIMIT :limit"""),
        {"id": account_id, "now": now, "limit": limit},
    ).mappings()
    return [Upcoming(**r) for r in rows]


def next_planned_visit(
    session: Session, account_id: int, *, now: dt.datetime
) -> PlannedVisit | None:
    """The soonest undecided proposal for the account in the newest plan of each rep and day
    (an older plan of the same day was replaced by the newer one)."""
    row = (
        session.execute(
            text("""
        WITH newest AS (
            SELECT DISTINCT ON (p.rep_id, p.day) p.id, p.rep_id, p.day, p.created_at
            FROM plans p WHERE p.kind = 'day' ORDER BY p.rep_id, p.day, p.created_at DESC, p.id DESC)
        SELECT pp.id AS proposal_id, n.day, pp.slot_start, pp.slot_end, n.rep_id,
               u.full_name AS rep_name, n.created_at AS planned_at
        FROM plan_proposals pp JOIN newest n ON n.id = pp.plan_id
        LEFT JOIN users u ON u.id = n.rep_id
        WHERE pp.account_id = :id AND pp.status = 'proposed' AND pp.slot_start >= :now
        ORDER BY pp.slot_start, pp.id LIMIT 1"""),
            {"id": account_id, "now": now},
        )
        .mappings()
        .first()
    )
    return PlannedVisit(**row) if row else None
