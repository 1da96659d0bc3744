"""Moved appointments: each change of an appointment's start is kept in the audit log, so that
the agenda and « Ma journée » can say « Déplacé » and give the time it was booked at.

The appointments table keeps no former time (its ``sequence`` counts every change, a note
edited or a cancellation too); the audit log (who changed what, when) holds the moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.config import Settings, get_settings
from fieldcrm.services import plan_dates
from fieldcrm.store import appointments as booked_store
from fieldcrm.store import audit
from fieldcrm.store.appointments import AppointmentRecord
from fieldcrm.store.plans import PlanRow

MOVE = "move"
"""The audit log's action for an appointment whose start changed (:func:`former_starts`)."""


def record_move(
    session: Session,
    *,
    actor: Actor,
    before: AppointmentRecord,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> None:
    """Keep in the audit log that ``before`` now starts at ``starts_at`` (its times before
    and after): the agenda and the day page read « Déplacé » and the time it had."""
    audit.record(
        session,
        actor_id=actor.id,
        action=MOVE,
        entity="appointment",
        entity_id=before.id,
        changes={
            "starts_at": [before.starts_at.isoformat(), starts_at.isoformat()],
            "ends_at": [before.ends_at.isoformat(), ends_at.isoformat()],
        },
    )


def former_starts(session: Session, shown: Sequence[AppointmentRecord]) -> dict[int, dt.datetime]:
    """The start each appointment of ``shown`` (read by the caller, who was authorised) was
    booked at, for those not cancelled that start at another time now (moved since: « Déplacé »,
    :func:`record_move`), by appointment id. Moves made before moves were logged are not
    known."""
    # every change raises the sequence: one never changed was never moved
    changed = [a for a in shown if a.sequence > 0 and a.status != "cancelled"]
    first = audit.first_changes(
        session, entity="appointment", action=MOVE, entity_ids=[a.id for a in changed]
    )
    out: dict[int, dt.datetime] = {}
    for a in changed:
        times = first.get(str(a.id), {}).get("starts_at")
        if times:
            booked = dt.datetime.fromisoformat(times[0])
            if booked != a.starts_at:
                out[a.id] = booked
    return out


@dataclass(frozen=True)
class MovedAway:
    """What of a stored plan was moved to another day since (:func:`moved_away`).

    ``fixed``: its fixed appointments now on another day than the planned day they were a
    stop of, as they are now, by appointment id; ``visits``: the appointments booked by
    accepting its proposals, now on another day than the proposal's, by proposal id."""

    fixed: dict[int, AppointmentRecord]
    visits: dict[int, AppointmentRecord]


def moved_away(
    session: Session, *, actor: Actor, plan: PlanRow, settings: Settings | None = None
) -> MovedAway:
    """The fixed appointments and booked visits of ``plan`` moved to another day since
    (:class:`MovedAway`; days are the company's local days), not cancelled since: a fixed
    appointment the day no longer holds and not found here reads « Annulé » there
    (:func:`fieldcrm.pages.day.off_route`). On the planned day they left,
    such a stop holds no time: « Déplacé au … », off the map and the route, as a cancelled
    appointment (the slots of now already leave it out of that day:
    :func:`fieldcrm.services.plan_slots.slots_now` reads only the day's appointments)."""
    policy.require(actor, "appointment", owner_id=plan.rep_id)
    zone = plan_dates.company_zone(settings or get_settings())
    planned_on: dict[int, str] = {}
    for doc in plan.result.get("days") or []:
        for stop in doc.get("stops") or []:
            if stop.get("kind") == "appointment" and stop.get("appointment_id") is not None:
                planned_on[int(stop["appointment_id"])] = str(doc.get("day"))
    accepted = {p.id: p for p in plan.proposals if p.status == "accepted"}
    found = booked_store.linked(
        session, rep_id=plan.rep_id, ids=list(planned_on), proposal_ids=list(accepted)
    )
    fixed: dict[int, AppointmentRecord] = {}
    visits: dict[int, AppointmentRecord] = {}
    for a in found:
        now_on = a.starts_at.astimezone(zone).date()
        if a.id in planned_on and now_on.isoformat() != planned_on[a.id]:
            fixed[a.id] = a
        proposal = accepted.get(a.proposal_id or 0)
        if proposal is not None and now_on != proposal.slot_start.astimezone(zone).date():
            visits[proposal.id] = a
    return MovedAway(fixed, visits)
