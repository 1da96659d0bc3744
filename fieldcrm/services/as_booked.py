"""A plan's days as they are booked now: which changed since the plan, and their figures.

One selection for Ma journée, Tournée and « Frais »: a planned day changed since its plan
(:func:`day_changed`: its appointments, a fixed one off its route, one of its proposals
decided, unfit, booked elsewhere or visited) has its departure, return, km and lunch as it is
booked now (:func:`fieldcrm.services.plan_slots.figures_now`); an unchanged day keeps its
plan's figures and is not recomputed (:func:`day_figures`). The pages give it what they read
for the request (the day's live appointments, the slots of now, the moves); « Frais » reads
them once per plan (:func:`plan_days`), on the plan it already read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm.agenda.times import day_span
from fieldcrm.config import Settings, get_settings
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import appointment_moves, plan_dates, plan_slots
from fieldcrm.store import appointments as booked_store
from fieldcrm.store.appointments import AppointmentRecord
from fieldcrm.store.plans import PlanRow, ProposalRow


def plan_is_stale(plan: PlanRow, day_appointments: list[AppointmentRecord]) -> bool:
    """Whether the day's appointments changed since ``plan`` was made (it should be redone).

    Appointments booked by accepting one of the plan's own proposals do not count, unless
    they were moved since.
    """
    return changed_since(
        day_appointments,
        known={int(i) for i in plan.request.get("appointments", [])},
        since=plan.created_at,
        own={p.id for p in plan.proposals},
        # a trip's request also lists the other days' appointments
        whole_day=plan.kind == "day",
    )


def changed_since(
    day_appointments: Sequence[AppointmentRecord],
    *,
    known: Collection[int],
    since: dt.datetime,
    own: Collection[int] = (),
    whole_day: bool = True,
) -> bool:
    """Whether a day's appointments (``day_appointments``, cancelled ones included or not)
    changed since ``since``, when ``known`` were its ids then: one is new or was updated
    (moved, cancelled) since, or, ``known`` listing that day's only (``whole_day``), one of
    them is no longer live. One booked by accepting one of the ``own`` proposals counts only
    once moved. The one rule of :func:`plan_is_stale` and of a trip asked in place of a day
    (:func:`fieldcrm.services.planning_jobs.day_changed`)."""
    live = [a for a in day_appointments if a.status != "cancelled"]
    for a in live:
        if a.proposal_id in own:
            if a.sequence > 0:
                return True
        elif a.id not in known or a.updated_at > since:
            return True
    return whole_day and bool(set(known) - {a.id for a in live})


def missing_appointments(stops: Sequence[Mapping[str, Any]], live: Collection[int]) -> set[int]:
    """The ids of the fixed appointments among a planned day's ``stops`` that no longer hold
    a time of that day: not among ``live`` (the ids of the day's appointments not cancelled),
    so cancelled, moved to another day, or both. The pages show them with no navigation nor
    check-in (« Déplacé au … » or « Annulé »: :func:`fieldcrm.pages.day.off_route`) and leave
    them off the map and the route, as the slots of now do
    (:func:`fieldcrm.services.plan_slots.current_slots` reads only the day's live
    appointments)."""
    return {
        int(s["appointment_id"])
        for s in stops
        if s.get("kind") == "appointment"
        and s.get("appointment_id") is not None
        and s["appointment_id"] not in live
    }


def day_proposals(plan: PlanRow, day: Mapping[str, Any]) -> dict[int, ProposalRow]:
    """The proposals of the planned day ``day`` (one of ``plan.result["days"]``), by account
    id (matched on account and slot start, as :func:`fieldcrm.services.planning.plan_json`)."""
    by_key = {(p.account_id, p.slot_start): p for p in plan.proposals}
    out: dict[int, ProposalRow] = {}
    for stop in day.get("stops", []):
        if stop.get("kind") != "candidate" or not stop.get("slot_start"):
            continue
        found = by_key.get((stop.get("account_id"), dt.datetime.fromisoformat(stop["slot_start"])))
        if found is not None:
            out[found.account_id] = found
    return out


def moves_by_day(
    plan: PlanRow,
    live: Sequence[AppointmentRecord],
    moved: Mapping[int, dt.datetime],
    zone: str,
) -> dict[dt.date, dict[int, dt.datetime]]:
    """The moves of the plan's appointments (``moved``: read once,
    :func:`fieldcrm.services.appointment_moves.former_starts` of ``live``) by planned day,
    as :func:`fieldcrm.services.plan_slots.day_moves` takes them: every planned day is
    given, so none is read again (``zone``: the company's time zone)."""
    out: dict[dt.date, dict[int, dt.datetime]] = {
        dt.date.fromisoformat(doc["day"]): {}
        for doc in plan.result.get("days", [])
        if doc.get("day")
    }
    for a in live:
        day = a.starts_at.astimezone(ZoneInfo(zone)).date()
        if a.id in moved and day in out:
            out[day][a.id] = moved[a.id]
    return out


def day_changed(
    plan: PlanRow,
    day: Mapping[str, Any],
    *,
    booked: Sequence[AppointmentRecord],
    current: plan_slots.CurrentSlots,
) -> bool:
    """Whether the planned day ``day`` (one of ``plan.result["days"]``) is no longer as its
    plan computed it: its appointments changed (``booked``: the day's live ones,
    :func:`plan_is_stale`), a fixed appointment of its route is no longer live on it
    (:func:`missing_appointments`), or one of its proposals (:func:`day_proposals`) was
    decided, no longer fits, or its account was booked elsewhere or visited since
    (``current``: :func:`fieldcrm.services.plan_slots.current_slots` of ``plan``)."""
    live = {a.id for a in booked}
    return (
        plan_is_stale(plan, list(booked))
        or bool(missing_appointments(day.get("stops", []), live))
        or any(
            p.status != "proposed"
            or p.id in current.unfit
            or p.id in current.booked
            or p.id in current.visited
            for p in day_proposals(plan, day).values()
        )
    )


def day_figures(
    session: Session,
    plan: PlanRow,
    day: Mapping[str, Any],
    *,
    booked: Sequence[AppointmentRecord],
    current: plan_slots.CurrentSlots,
    now: dt.datetime,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    moves: Mapping[dt.date, Mapping[int, dt.datetime]] | None = None,
) -> tuple[bool, plan_slots.DayFigures | None]:
    """Whether the planned day ``day`` of ``plan`` changed since its plan
    (:func:`day_changed`), and if so its figures as it is booked now, each open proposal
    from the minute its card shows (``current.bookable``,
    :func:`fieldcrm.services.plan_slots.figures_now`; ``None``: unchanged, its plan's
    figures stand, not recomputed — or changed and they cannot be recomputed, the plan's no
    longer hold). ``now``: the planning clock; ``moves``: as
    :func:`fieldcrm.services.plan_slots.slots_now`'s."""
    if not day_changed(plan, day, booked=booked, current=current):
        return False, None
    figures = plan_slots.figures_now(
        session,
        plan,
        dt.date.fromisoformat(day["day"]),
        settings=settings,
        travel=travel,
        now=now,
        moves=moves,
        # read once for every day: the slots of now, the day's appointments
        current=current,
        booked=booked,
    )
    return True, figures


def plan_days(
    session: Session,
    plan: PlanRow,
    *,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """The planned days of ``plan`` (``plan.result["days"]``), each changed one with its
    figures as booked now where they can be recomputed (:func:`day_figures`, what Ma journée
    and Tournée show), the others as planned: what « Frais » costs the planned trip on. The
    plan's appointments, their moves and its slots of now are read once for all its days."""
    days = list(plan.result.get("days") or [])
    dates = [dt.date.fromisoformat(d["day"]) for d in days if d.get("day")]
    if not dates:
        return days
    moment = now if now is not None else plan_dates.now()
    zone = (settings or get_settings()).scoring_timezone
    first, last = day_span(min(dates), max(dates), ZoneInfo(zone))
    live = booked_store.between(session, rep_id=plan.rep_id, start=first, end=last)
    moves = moves_by_day(plan, live, appointment_moves.former_starts(session, live), zone)
    current = plan_slots.current_slots(
        session, plan, settings=settings, travel=travel, now=moment, moves=moves
    )
    out = []
    for doc in days:
        if not doc.get("day"):
            out.append(doc)
            continue
        booked = [
            a
            for a in live
            if a.starts_at.astimezone(ZoneInfo(zone)).date().isoformat() == doc["day"]
        ]
        _, figures = day_figures(
            session,
            plan,
            doc,
            booked=booked,
            current=current,
            now=moment,
            settings=settings,
            travel=travel,
            moves=moves,
        )
        out.append(dict(doc) | figures.as_json() if figures is not None else doc)
    return out
