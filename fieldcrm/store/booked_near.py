"""Appointments that make a stored proposal stale: the account got booked near its day.

The rule is the planner's own (``store.plans.candidates_in`` leaves out an account with an
appointment within ``booked_days`` of the planned days): a proposal to visit an account on a
day is stale when the account has an appointment (not cancelled, not the one this very
proposal booked) at most ``booked_days`` away from that day, made or changed (moved) after the
plan (``booked_after``, against the later of ``created_at`` and ``updated_at``, which every
change of time or place bumps; an appointment the planner already knew of, as it was, did not
stop it). Never commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class NearBooking:
    """A proposal's account's appointment near the proposal's day."""

    proposal_id: int
    account_id: int
    appointment_id: int
    starts_at: dt.datetime
    booked_days: int
    rep_id: int
    """The rep the appointment is booked for (any rep: the rule matches on the account)."""


def booked_near(
    session: Session,
    proposals: Sequence[tuple[int, int, dt.date]],
    *,
    booked_days: int,
    tz: str,
    booked_after: dt.datetime | None = None,
) -> dict[int, NearBooking]:
    """For each ``(proposal_id, account_id, day)``, the account's nearest appointment at most
    ``booked_days`` from ``day`` (made or changed after ``booked_after`` when given), by
    proposal id; proposals with none are left out. A caller asking about a day with no
    proposal passes a negative id (no appointment is then left out as the proposal's own)."""
    if not proposals:
        return {}
    rows = session.execute(
        text("""
        WITH wanted AS (
            SELECT * FROM unnest(CAST(:ids AS int[]), CAST(:accounts AS int[]),
                                 CAST(:days AS date[])) AS w(proposal_id, account_id, day))
        SELECT DISTINCT ON (w.proposal_id) w.proposal_id, w.account_id,
               ap.id AS appointment_id, ap.starts_at, CAST(:booked_days AS int) AS booked_days,
               ap.rep_id
        FROM wanted w
        JOIN appointments ap ON ap.account_id = w.account_id AND ap.status <> 'cancelled'
             AND ap.proposal_id IS DISTINCT FROM w.proposal_id
             AND (CAST(:after AS timestamptz) IS NULL
                  OR greatest(ap.created_at, ap.updated_at) >= :after)
        WHERE abs((ap.starts_at AT TIME ZONE :tz)::date - w.day) <= :booked_days
        ORDER BY w.proposal_id, abs((ap.starts_at AT TIME ZONE :tz)::date - w.day),
                 ap.starts_at, ap.id"""),
        {
            "ids": [p[0] for p in proposals],
            "accounts": [p[1] for p in proposals],
            "days": [p[2] for p in proposals],
            "booked_days": booked_days,
            "after": booked_after,
            "tz": tz,
        },
    ).mappings()
    return {int(r["proposal_id"]): NearBooking(**r) for r in rows}
