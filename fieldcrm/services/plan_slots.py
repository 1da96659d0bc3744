"""The slots a stored plan's open proposals have now, as the day is booked now.

One rule: when the plan stored its timing (``result.days[].timing``, ``stops[].opening_s``),
the slots shown and accepted are always those :func:`slots_now` recomputes for the day as it
is now — the plan's route order, the booked visits and the day's appointments fixed at their
minute, the open proposals with their opening hours and today's visit length, the rejected
ones gone — by the pure core (:func:`fieldcrm.routing.reslot.open_slots`), with the planner's
frame of the day (departure, return, lunch, driving cap: none for a plan stored without it)
and its driving seconds, and on the day itself none before now (a proposal whose whole slot
is past says so, :data:`PAST`; on a day before today, every one, :data:`PAST_DAY`); even before any
decision, so that booking any minute shown keeps every other slot shown bookable. Driving
seconds are asked of the planner's provider only for a place the plan did not know (an
appointment booked or moved elsewhere since), counted as the booking check counts them. A
proposal left without a slot says why, verified by the core
(:func:`~fieldcrm.routing.reslot.unfit_cause`): the latest made booking since the plan
without which it would fit, else the bookings since the plan together, else the day. A plan stored before the
timing was kept keeps its stored slots while its day is unchanged; once the day changed,
none of its open proposals is bookable (:data:`OLD_PLAN`). A booking beyond the working hours
stretches its day as far as it needs (:func:`fieldcrm.routing.reslot.day_frame`): the other
proposals keep the slots left to them, and the day as booked says where it goes beyond
the hours, on the booking it follows from (:class:`BeyondHours`).

What a rep can book of a slot (:class:`Bookable`) is its whole minutes, by default the
planned start kept in the slot (:func:`bookable_between`, the planner's rule);
:func:`current_slots` gives that for each proposal of a plan as the day is now,
:func:`bookable_slots` as the plan stored it.

Ordering: the open proposals keep their place after the fixed stop they followed in the
plan; fixed stops go in time order; an appointment new to the plan, or moved off its place
in it (a fixed appointment now at another time, a booked visit moved outside its
proposal's slot), comes before the first stop planned to start at or after it, and takes
no proposal along. An appointment without a located place is a stop without driving to or
from it (the booking check only looks at its times).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy.orm import Session

from fieldcrm.agenda.times import day_span, hm
from fieldcrm.config import Settings, get_settings
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.problem import Lunch
from fieldcrm.routing.reslot import (
    BookedDay,
    Cause,
    DayStop,
    ReslotDay,
    beyond_hours,
    booked_day,
    open_slots,
    shown_minutes,
    unfit_cause,
)
from fieldcrm.routing.schedule import Leg, booking_start, whole_minutes
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import appointment_moves, plan_dates, planning_build
from fieldcrm.services.roads import road_provider
from fieldcrm.store import appointments as booked_store
from fieldcrm.store import intervals as interval_store
from fieldcrm.store.appointments import AppointmentRecord
from fieldcrm.store.booked_near import NearBooking, booked_near
from fieldcrm.store.intervals import VisitedSince
from fieldcrm.store.plans import PlanRow, ProposalRow

UnfitCause = Literal["booking", "bookings", "day", "old_plan", "past", "past_day"]


@dataclass(frozen=True)
class Unfit:
    """Why an open proposal cannot be booked now, verified (:func:`fieldcrm.routing.reslot.unfit_cause`):

    - ``"booking"``: the booking since the plan ``booking`` at ``at`` keeps it out (without
      it, it would fit);
    - ``"bookings"``: the bookings since the plan together do, none alone;
    - ``"day"``: the day as it is booked has no room for it;
    - ``"old_plan"``: the plan predates what it takes to recompute slots and the day changed
      since (its stored slots may be impossible);
    - ``"past"``: its whole slot is before now, earlier today (:data:`PAST`);
    - ``"past_day"``: its day is before today: replanning it is refused too
      (:func:`fieldcrm.services.plan_dates.check_not_past`), so it is never booked
      (:data:`PAST_DAY`).
    """

    cause: UnfitCause
    booking: str | None = None
    at: dt.datetime | None = None

    def sentence(self, subject: str | None = None) -> str:
        """The French sentence said in place of the slot; with ``subject`` (the account's
        name), a sentence naming it (a refused acceptance)."""
        if self.cause == "old_plan":
            return OLD_PLAN
        if self.cause == "past":
            return (
                f"Le créneau de « {subject} » est passé : replanifiez la journée."
                if subject
                else PAST
            )
        if self.cause == "past_day":
            return (
                f"Le jour de « {subject} » est passé : cette proposition ne se réserve plus."
                if subject
                else PAST_DAY
            )
        head = f"« {subject} » ne tient plus" if subject else "Ne tient plus"
        if self.cause == "booking" and self.booking is not None and self.at is not None:
            return (
                f"{head} depuis la réservation de « {self.booking} » à {hm(self.at, plan_dates.company_zone())} : "
                "replanifiez la journée."
            )
        if self.cause == "bookings":
            return f"{head} avec les rendez-vous réservés depuis le plan : replanifiez la journée."
        return f"{head} dans la journée telle qu’elle est réservée : replanifiez la journée."


OLD_PLAN = (
    "Plan calculé avant les réservations de la journée : replanifiez la journée pour des "
    "créneaux sûrs."
)

PAST = "Créneau passé : replanifiez la journée."

PAST_DAY = "Jour passé : cette proposition ne se réserve plus."


@dataclass(frozen=True)
class BeyondHours:
    """Where a planned day as booked goes beyond its working hours, whatever the cause
    (:func:`fieldcrm.routing.reslot.beyond_hours`), said on the booking it follows from: the
    rep leaves at ``leave``, before the day's earliest departure ``depart`` (on its first
    booking); is back at ``back``, after its latest return ``latest``, and drives
    ``driving_minutes``, over its cap ``cap_minutes`` (on its last). The bookings stretch
    the day as far as they need (:func:`fieldcrm.routing.reslot.day_frame`); the other
    proposals keep the slots the day still has for them. Said on the booking's stop, on Ma
    journée and Tournée (« Hors de vos horaires : … », ``_beyond.html``)."""

    leave: dt.datetime | None
    back: dt.datetime | None
    depart: dt.datetime
    latest: dt.datetime
    driving_minutes: float | None = None
    cap_minutes: float | None = None
    on_route: bool = True
    """The booking is a stop of the route shown (the plan's appointment, an accepted
    proposal's card), said there; ``False``: booked since the plan, the route has no stop
    for it: said in the day's appointment list."""


@dataclass(frozen=True)
class SlotsNow:
    """The plan's open proposals: the first and last whole minutes each can be booked at
    now, or why it cannot be booked (by proposal id); ``booked``: those whose account is
    booked elsewhere since the plan (:func:`booked_elsewhere`), in neither. A proposal in
    none keeps its stored slot (an unchanged day of an older plan)."""

    slots: dict[int, tuple[dt.datetime, dt.datetime]]
    unfit: dict[int, Unfit]
    booked: dict[int, NearBooking] = field(default_factory=dict)
    visited: dict[int, VisitedSince] = field(default_factory=dict)
    """Those whose account was visited and is not due again on their day
    (:func:`visited_since`), in neither."""
    beyond: dict[int, BeyondHours] = field(default_factory=dict)
    """The bookings (by appointment id) after which, or before which, the day as booked goes
    beyond its working hours (:class:`BeyondHours`)."""


def visited_since(
    session: Session, plan: PlanRow, *, settings: Settings | None = None
) -> dict[int, VisitedSince]:
    """The plan's open proposals whose account has a counted visit since the plan was made,
    on or before their day, and is not due again on it (the planner's own rule,
    :func:`fieldcrm.store.intervals.visited_not_due`), by proposal id. Such a proposal is no
    longer a proposal: no slot, cannot be accepted, and its reason (« jamais visité »…) is
    no longer true."""
    cfg = settings or get_settings()
    found = interval_store.not_due(
        session,
        [
            (p.id, p.account_id, p.slot_start.astimezone(plan_dates.company_zone()).date())
            for p in plan.proposals
            if p.status == "proposed"
        ],
        tz=cfg.scoring_timezone,
    )
    # only a visit since the plan was made: an account the rep ticked for a route (or one
    # visited before the plan, which the planner already judged due) stays proposed
    made = plan.created_at.astimezone(plan_dates.company_zone()).date()
    return {key: f for key, f in found.items() if f.last_visit >= made}


def already_visited(found: VisitedSince, subject: str | None = None) -> str:
    """The French sentence said in place of the slot of a proposal whose account was visited
    (:func:`visited_since`); with ``subject`` (the account's name), naming it."""
    head = f"« {subject} » a été visité" if subject else "Visité"
    return f"{head} le {found.last_visit:%d/%m/%Y} : la visite n’est plus proposée."


def booked_elsewhere(
    session: Session, plan: PlanRow, *, settings: Settings | None = None
) -> dict[int, NearBooking]:
    """The plan's open proposals whose account is booked elsewhere since the plan, by
    proposal id: it has an appointment (not cancelled, not this proposal's own) made or moved
    since the plan, on another day at most ``planner_booked_days`` from the proposal's or on
    the same day (:func:`fieldcrm.store.booked_near.booked_near`, the planner's own rule).
    One home for it: such a proposal is no longer a stop of its day (:func:`slots_now` leaves
    it out, as a rejected one), has no slot and cannot be accepted."""
    cfg = settings or get_settings()
    return booked_near(
        session,
        [
            (p.id, p.account_id, p.slot_start.astimezone(plan_dates.company_zone()).date())
            for p in plan.proposals
            if p.status == "proposed"
        ],
        booked_days=cfg.planner_booked_days,
        tz=cfg.scoring_timezone,
        booked_after=plan.created_at,
    )


def already_booked(found: NearBooking, subject: str | None = None) -> str:
    """The French sentence said in place of the slot of a proposal booked elsewhere
    (:func:`booked_elsewhere`); with ``subject`` (the account's name), naming it."""
    when = found.starts_at.astimezone(plan_dates.company_zone())
    head = f"« {subject} » est déjà réservé" if subject else "Déjà réservé"
    return f"{head} le {when:%d/%m/%Y} à {when:%H:%M} : la visite n’est plus proposée."


@dataclass(frozen=True)
class _Open:
    proposal: ProposalRow
    place: int
    opening: tuple[tuple[int, int], ...] | None
    """``None``: the plan did not store the opening hours (an older plan)."""
    planned: dt.datetime


def _seconds(moment: dt.datetime) -> int:
    """Wall-clock seconds since the local midnight, as the planner counts times of day."""
    t = moment.astimezone(plan_dates.company_zone()).time()
    return t.hour * 3600 + t.minute * 60 + t.second


def _at(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=plan_dates.company_zone()) + dt.timedelta(
        seconds=seconds
    )


def _point(doc: Any) -> GeoPoint | None:
    if isinstance(doc, dict) and doc.get("lon") is not None and doc.get("lat") is not None:
        return GeoPoint(float(doc["lon"]), float(doc["lat"]))
    return None


def _place(a: AppointmentRecord) -> GeoPoint | None:
    return GeoPoint(a.lon, a.lat) if a.lon is not None and a.lat is not None else None


def _lunch(doc: Any) -> Lunch | None:
    if not isinstance(doc, dict):
        return None
    return Lunch(int(doc["earliest_s"]), int(doc["latest_end_s"]), int(doc["duration_s"]))


@dataclass
class _Day:
    """A planned day as it is now, in plan order: fixed appointments and open proposals."""

    order: list[AppointmentRecord | _Open]
    changed: bool
    news: list[AppointmentRecord]
    """Fixed stops the plan did not have as they are (booked visits, new or moved ones)."""
    plan_stop: dict[int, int]
    """The index in the plan's stops of each fixed stop the plan had (by appointment id)."""
    unplanned: frozenset[int] = frozenset()
    """The appointments booked since the plan, not from its proposals (by id): no stop of
    the plan shows them."""


def _read_day(
    day: dict[str, Any],
    proposals: dict[tuple[int, dt.datetime], ProposalRow],
    booked: Sequence[AppointmentRecord],
    elsewhere: Collection[int] = (),
    moves: Collection[int] = (),
) -> _Day:
    """The day now (an open proposal's ``opening`` is ``None`` in an older plan): the stops
    that still count — not a cancelled appointment, a rejected proposal, nor an open one in
    ``elsewhere`` (booked elsewhere, :func:`booked_elsewhere`, or visited and not due,
    :func:`visited_since`). A fixed stop moved off the plan's place for it — an appointment
    of the plan now starting at another time, a visit booked from a proposal then moved
    (``moves``: appointment ids, :func:`fieldcrm.services.appointment_moves.former_starts`)
    outside the proposal's slot — goes by its new time, as an appointment new to the plan
    (:func:`_ordered`). On a day planned the same day, the bookings begun by its hard
    earliest departure (``timing.not_before_s``) and over by its departure were past or
    under way then: the day starts after them (:mod:`fieldcrm.services.plan_today`), they
    are not part of it."""
    timing = day.get("timing")
    before = timing.get("not_before_s") if isinstance(timing, dict) else None
    if isinstance(before, int) and isinstance(timing, dict):
        leaves = int(timing["depart_s"])
        booked = [
            a
            for a in booked
            if not (_seconds(a.starts_at) < before and _seconds(a.ends_at) <= leaves)
        ]
    by_id = {a.id: a for a in booked}
    by_proposal = {a.proposal_id: a for a in booked if a.proposal_id is not None}
    used: set[int] = set()
    changed = False
    news: list[AppointmentRecord] = []
    sequence: list[AppointmentRecord | _Open] = []
    plan_stop: dict[int, int] = {}
    displaced: list[AppointmentRecord] = []
    for j, stop in enumerate(day.get("stops") or []):
        if stop.get("kind") == "appointment":
            found = by_id.get(stop.get("appointment_id") or 0)
            if found is None:  # cancelled, or moved to another day
                changed = True
                continue
            used.add(found.id)
            start, end = (dt.datetime.fromisoformat(stop[k]) for k in ("start", "departure"))
            moved = (found.starts_at, found.ends_at) != (start, end) or _place(found) != _point(
                stop
            )
            if moved:
                changed = True
                news.append(found)
            if found.starts_at != start:  # its place in the plan was for its old time
                displaced.append(found)
                continue
            sequence.append(found)
            plan_stop[found.id] = j
            continue
        if not stop.get("slot_start"):
            continue
        proposal = proposals.get(
            (int(stop.get("account_id") or 0), dt.datetime.fromisoformat(stop["slot_start"]))
        )
        if proposal is None:  # a visit with no whole minute to book: never proposed
            continue
        if proposal.status == "proposed" and proposal.id in elsewhere:  # holds no time
            changed = True
            continue
        if proposal.status == "proposed":
            stored = stop.get("opening_s")
            opening = (
                tuple((int(a), int(b)) for a, b in stored) if isinstance(stored, list) else None
            )
            planned = dt.datetime.fromisoformat(stop["start"])
            sequence.append(_Open(proposal, j + 1, opening, planned))
            continue
        changed = True
        booking = by_proposal.get(proposal.id) if proposal.status == "accepted" else None
        if booking is not None:  # accepted and still booked this day
            used.add(booking.id)
            news.append(booking)
            if booking.id in moves and not (
                proposal.slot_start <= booking.starts_at <= proposal.slot_end
            ):
                displaced.append(booking)
                continue
            sequence.append(booking)
            plan_stop[booking.id] = j
    extra = [a for a in booked if a.id not in used]
    changed = changed or bool(extra)
    news += extra
    return _Day(
        _ordered(sequence, [*extra, *displaced]),
        changed,
        news,
        plan_stop,
        frozenset(a.id for a in extra),
    )


def _lunch_at(doc: dict[str, Any], day: _Day) -> int | None:
    """How many stops of the day as it is now come before the plan's lunch (``None``: the
    plan has no lunch that day), in the order they are shown (:func:`_ordered`: fixed stops
    by their booked times): those the plan had before it — unless now booked at or after the
    plan's lunch ends, or an open one shown after such a booking (a visit planned at 09:00,
    booked at 17:00, and the visits it leads) —, those the plan had after it now ending by its
    start, and new appointments ending by its start."""
    if not doc.get("lunch"):
        return None
    eats = dt.datetime.fromisoformat(doc["lunch"])
    timing = doc.get("timing")
    meal = _lunch(timing.get("lunch")) if isinstance(timing, dict) else None
    done = eats + dt.timedelta(seconds=meal.duration_s if meal is not None else 0)
    stops = doc.get("stops") or []
    before = sum(1 for s in stops if dt.datetime.fromisoformat(s["departure"]) <= eats)
    count = 0
    behind = False  # shown after a booking that starts once the plan's lunch is over
    for item in day.order:
        if isinstance(item, _Open):
            ahead = not behind and item.place - 1 < before
        else:
            j = day.plan_stop.get(item.id)
            # before lunch in the plan: unless now once it is over; after lunch in the plan,
            # or new: before it only when it now ends by its start
            planned_before = j is not None and j < before
            ahead = item.starts_at < done if planned_before else item.ends_at <= eats
            behind = behind or item.starts_at >= done
        count += ahead
    return count


def _ordered(
    sequence: list[AppointmentRecord | _Open], extra: list[AppointmentRecord]
) -> list[AppointmentRecord | _Open]:
    """The day's route now: the plan's fixed stops in time order, each followed by the open
    proposals that followed it in the plan (those before any fixed stop first); then each
    appointment ``extra`` (new to the plan, or moved off its place in it), in time order,
    before the first stop planned to start at or after it. A moved stop takes no open
    proposal along: those that followed it follow the fixed stop before it."""
    after: dict[int | None, list[_Open]] = {}
    anchor: int | None = None
    fixed: list[AppointmentRecord] = []
    for item in sequence:
        if isinstance(item, _Open):
            after.setdefault(anchor, []).append(item)
        else:
            anchor = item.id
            fixed.append(item)
    out: list[AppointmentRecord | _Open] = list(after.get(None, []))
    for a in sorted(fixed, key=lambda a: (a.starts_at, a.id)):
        out.append(a)
        out.extend(after.get(a.id, []))
    for new in sorted(extra, key=lambda a: (a.starts_at, a.id)):
        at = next(
            (
                k
                for k, item in enumerate(out)
                if (item.planned if isinstance(item, _Open) else item.starts_at) >= new.starts_at
            ),
            len(out),
        )
        out.insert(at, new)
    return out


def _travel(
    points: list[GeoPoint],
    known: int,
    timing: dict[str, Any],
    placeless: bool,
    graph: TravelTimes | None,
    *,
    metres: bool = False,
) -> tuple[list[list[int]], list[list[int]] | None]:
    """Driving seconds between ``points`` and, if ``metres``, the metres: the plan's own
    when it knew them all (its first ``known`` points; metres stored in newer plans), else
    the planner's provider; a last place without driving to or from it when some
    appointment has no place."""
    stored_m = timing.get("distances_m") if metres else None
    found = None
    if len(points) > known or (metres and stored_m is None):
        found, _source = planning_build.travel_matrix(points, graph)
    seconds = (
        [list(row) for row in timing["durations_s"]]
        if len(points) == known or found is None
        else planning_build.drive_seconds(found)
    )
    distances = None
    if metres:
        distances = (
            planning_build.drive_metres(found)
            if found is not None
            else [list(row) for row in stored_m or []]
        )
    if placeless:
        seconds = [[*row, 0] for row in seconds] + [[0] * (len(seconds) + 1)]
        if distances is not None:
            distances = [[*row, 0] for row in distances] + [[0] * (len(distances) + 1)]
    return seconds, distances


def day_moves(
    session: Session,
    date: dt.date,
    booked: Sequence[AppointmentRecord],
    moves: Mapping[dt.date, Mapping[int, dt.datetime]] | None = None,
) -> Mapping[int, dt.datetime]:
    """The appointments of ``date`` (``booked``: its live ones) moved since they were booked,
    with the start each was booked at (:func:`fieldcrm.services.appointment_moves.former_starts`):
    ``moves[date]`` when the caller read them already (a page reads them once per request),
    else read now."""
    if moves is not None and date in moves:
        return moves[date]
    return appointment_moves.former_starts(session, booked)


def slots_now(
    session: Session,
    plan: PlanRow,
    *,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    now: dt.datetime | None = None,
    moves: Mapping[dt.date, Mapping[int, dt.datetime]] | None = None,
) -> SlotsNow:
    """The slots of ``plan``'s open proposals as the days are now (:class:`SlotsNow`):
    recomputed on every day the plan stored its timing for; on a day of an older plan, none
    bookable once the day changed since (:data:`OLD_PLAN`). ``travel`` overrides the
    settings' road provider. ``now`` (aware; ``None``: no such rule): on its own day, no
    slot starts before it (rounded up to the whole minute) and a proposal whose whole slot
    is before it is :data:`PAST`; on a day before it, every open proposal is :data:`PAST_DAY`.
    A proposal booked elsewhere (:func:`booked_elsewhere`) is left out of its day. ``moves``:
    the moved appointments of some days, by day, as the caller read them
    (:func:`day_moves`); read here for the other days."""
    proposals = {(p.account_id, p.slot_start): p for p in plan.proposals}
    elsewhere = booked_elsewhere(session, plan, settings=settings)
    visited = visited_since(session, plan, settings=settings)
    slots: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    unfit: dict[int, Unfit] = {}
    beyond: dict[int, BeyondHours] = {}
    for doc in plan.result.get("days") or []:
        if not doc.get("day"):
            continue
        date = dt.date.fromisoformat(doc["day"])
        first, last = day_span(date, date, plan_dates.company_zone())
        booked = booked_store.between(session, rep_id=plan.rep_id, start=first, end=last)
        moved = day_moves(session, date, booked, moves)
        day = _read_day(doc, proposals, booked, set(elsewhere) | set(visited), moved)
        opens = [item for item in day.order if isinstance(item, _Open)]
        if now is not None and date < plan_dates.today(now):  # a day past: nothing bookable
            unfit.update({item.proposal.id: Unfit("past_day") for item in opens})
            continue
        earliest = _earliest(date, now)
        timing = doc.get("timing")
        if not isinstance(timing, dict) or any(item.opening is None for item in opens):
            if day.changed:  # an older plan: its stored slots may be impossible now
                unfit.update({item.proposal.id: Unfit("old_plan") for item in opens})
            elif earliest is not None:
                unfit.update(
                    {
                        item.proposal.id: Unfit("past")
                        for item in opens
                        if _seconds(item.proposal.slot_end) < earliest
                    }
                )
            continue
        found = _day_slots(
            plan, doc, timing, date, day, settings=settings, travel=travel, earliest=earliest
        )
        if found is not None:
            slots.update(found.slots)
            unfit.update(found.unfit)
            beyond.update(found.beyond)
    for gone in visited:  # no longer a proposal: neither bookable nor unfit
        slots.pop(gone, None)
        unfit.pop(gone, None)
    return SlotsNow(slots, unfit, elsewhere, visited, beyond)


@dataclass(frozen=True)
class DayFigures:
    """A planned day's figures as it is booked now (:func:`figures_now`)."""

    departure: dt.datetime
    return_at: dt.datetime
    lunch: dt.datetime | None
    """When lunch starts; ``None``: no lunch that day."""
    driving_km: float
    driving_minutes: float
    waiting_minutes: float
    reserve_minutes: float
    """Of the waiting, the time kept free after the proposed visits (as the plan)."""
    lunch_skipped: bool
    """The day's bookings leave no room for lunch (the planner's ``lunch_skipped``)."""
    overtime: bool = False
    """The day's bookings go beyond its working hours: timed as booked, home after the last
    (:attr:`fieldcrm.routing.reslot.BookedDay.overtime`)."""
    beyond: dict[int, BeyondHours] = field(default_factory=dict)
    """Where, by appointment id (:attr:`SlotsNow.beyond`), from these figures' day as
    booked: the note's return and driving are the figures'."""

    def as_json(self) -> dict[str, Any]:
        """The figures under the keys of a stored day (``plans.result["days"][]``)."""
        return {
            "departure": self.departure.isoformat(),
            "return": self.return_at.isoformat(),
            "lunch": self.lunch.isoformat() if self.lunch is not None else None,
            "driving_km": round(self.driving_km, 2),
            "driving_minutes": round(self.driving_minutes, 1),
            "waiting_minutes": round(self.waiting_minutes, 1),
            "reserve_minutes": round(self.reserve_minutes, 1),
            "overtime": self.overtime,
        }


DAY_S = 24 * 3600


def figures_now(
    session: Session,
    plan: PlanRow,
    date: dt.date,
    *,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    now: dt.datetime | None = None,
    shown: Mapping[int, Bookable] | None = None,
    moves: Mapping[dt.date, Mapping[int, dt.datetime]] | None = None,
    current: CurrentSlots | None = None,
    booked: Sequence[AppointmentRecord] | None = None,
) -> DayFigures | None:
    """The departure, return, lunch, km, driving and waiting of ``plan``'s day ``date`` as
    it is booked now: the day as its slots read it (:func:`slots_now`: the plan's route
    order, the day's appointments and booked visits fixed at their minute, the open
    proposals that still hold a time) timed by the planner's timetable
    (:func:`fieldcrm.routing.reslot.booked_day`: each proposed visit with the planner's
    reserve after it, ``timing.slot_reserve_s``, the settings' for an older plan), each open
    proposal starting no earlier than the minute its card shows (``shown``: what
    :func:`current_slots` gives, computed when not given; its planned start to the second
    when that is the minute shown) and within its slot: the departure is never after a
    stop shown, the return never before a stop shown ends and the rep drives home. An
    unchanged day has its plan's figures. A proposal with no slot now (it no longer fits,
    its slot is past, its day is past) is left out. A proposal visited on its own day stays
    a stop of the route at the minute shown (the rep drove there, as the page shows it)
    while the day holds it with every proposal shown; one visited on an earlier day leaves
    it. Bookings beyond the working hours stretch the day as far as they need
    (:func:`fieldcrm.routing.reslot.day_frame`, :attr:`DayFigures.overtime`). ``None`` when
    the figures cannot be recomputed: a plan stored without its timing (older), a place
    unknown, or bookings that cannot be held one after the other. ``moves``: as
    :func:`slots_now`'s. ``current`` (:func:`current_slots` of ``plan``, read once by the
    caller for every day) gives ``shown`` and the proposals booked elsewhere or visited
    since; ``booked``, the day's live appointments as the caller read them: neither is read
    again for each day."""
    index = plan_day_index(plan, date)
    doc = plan.result["days"][index] if index is not None else None
    timing = doc.get("timing") if doc is not None else None
    if doc is None or not isinstance(timing, dict):
        return None
    proposals = {(p.account_id, p.slot_start): p for p in plan.proposals}
    # the open proposals that hold no time, as in slots_now
    gone = set(
        current.booked
        if current is not None
        else booked_elsewhere(session, plan, settings=settings)
    )
    # a proposal visited on its own day stays a stop of the route (the rep drove there, as
    # the page shows it); one visited on an earlier day leaves it
    by_id = {p.id: p for p in plan.proposals}
    visited = (
        current.visited if current is not None else visited_since(session, plan, settings=settings)
    )
    gone |= {
        key
        for key, found in visited.items()
        if found.last_visit < by_id[key].slot_start.astimezone(plan_dates.company_zone()).date()
    }
    if booked is None:
        first, last = day_span(date, date, plan_dates.company_zone())
        booked = booked_store.between(session, rep_id=plan.rep_id, start=first, end=last)
    day = _read_day(doc, proposals, booked, gone, day_moves(session, date, booked, moves))
    if any(isinstance(item, _Open) and item.opening is None for item in day.order):
        return None
    moment = now if now is not None else plan_dates.now()
    if shown is None and current is not None:
        shown = current.bookable
    if shown is None:
        shown = current_slots(
            session, plan, settings=settings, travel=travel, now=moment, moves=moves
        ).bookable
    past = date < plan_dates.today(moment)
    earliest = DAY_S if past else _earliest(date, moment)
    cfg = settings or get_settings()
    reserve = int(timing.get("slot_reserve_s", cfg.planner_slot_reserve_minutes * 60))
    # the stops the page shows on the route, each open one from the minute it shows
    windows: dict[int, tuple[tuple[int, int], ...]] = {}
    order: list[AppointmentRecord | _Open] = []
    stays: set[int] = set()  # visited on their own day
    for item in day.order:
        if not isinstance(item, _Open):
            order.append(item)
            continue
        key = item.proposal.id
        slot = bookable(item.proposal, item.planned) if key in visited else shown.get(key)
        if slot is None:  # no slot now: not a stop of the day as booked now
            continue
        if key in visited:
            stays.add(key)
        windows[key] = ((_from_shown(slot, item.planned), _seconds(slot.last)),)
        order.append(item)
    found = None
    for keep_visited in (True, False):
        kept = [
            o
            for o in order
            if keep_visited or not (isinstance(o, _Open) and o.proposal.id in stays)
        ]
        read = _as_booked(
            plan,
            doc,
            timing,
            replace(day, order=kept),
            settings=settings,
            travel=travel,
            earliest=earliest,
            metres=True,
            windows=windows,
        )
        found = booked_day(read.day, metres=read.metres, reserve_s=reserve) if read else None
        if found is None or not stays:
            break
        on_route = {read.opens[key] for key in read.opens if key not in stays} if read else set()
        if on_route <= set(found.keep):  # the day holds every proposal shown with them
            break
    if found is None or read is None:
        return None
    table = found.table
    return DayFigures(
        departure=_at(date, table.depart_s),
        return_at=_at(date, table.return_s),
        lunch=_at(date, table.lunch_start_s) if table.lunch_start_s is not None else None,
        driving_km=(found.driving_m or 0) / 1000,
        driving_minutes=found.driving_s / 60,
        waiting_minutes=found.waiting_s / 60,
        reserve_minutes=found.reserve_s / 60,
        # the bookings leave no room for lunch now, or the plan already timed the day
        # without it (its timing then has none to place)
        lunch_skipped=found.lunch_skipped
        or (timing.get("lunch") is None and "lunch_skipped" in doc.get("flags", [])),
        overtime=found.overtime,
        beyond=_beyond(read, day, date, found),
    )


def _from_shown(slot: Bookable, planned: dt.datetime) -> int:
    """The earliest start of an open stop in the day's figures: the minute its card shows
    (``slot.at``), or its planned start to the second when that minute is its planned start
    (the plan's own timetable: an unchanged day has its plan's figures)."""
    exact = planned.timestamp()
    if math.ceil(exact / 60) * 60 == slot.at.timestamp():
        return _seconds(planned)
    return _seconds(slot.at)


def _earliest(date: dt.date, now: dt.datetime | None) -> int | None:
    """The earliest start bookable on ``date`` (seconds since midnight): ``now`` rounded up
    to the whole minute on its own day; ``None`` (any) on another day or without ``now``."""
    if now is None or plan_dates.today(now) != date:
        return None
    seconds = _seconds(now) + (1 if now.microsecond else 0)
    return -(-seconds // 60) * 60


@dataclass(frozen=True)
class _AsBooked:
    """A planned day as it is booked now, for the pure core (:class:`ReslotDay`)."""

    day: ReslotDay
    opens: dict[int, int]
    """The stop of each open proposal (by proposal id)."""
    fixed: dict[int, int]
    """The stop of each fixed appointment (by appointment id)."""
    metres: list[list[int]] | None


def _as_booked(
    plan: PlanRow,
    doc: dict[str, Any],
    timing: dict[str, Any],
    day: _Day,
    *,
    settings: Settings | None,
    travel: TravelTimes | None,
    earliest: int | None,
    metres: bool = False,
    windows: Mapping[int, tuple[tuple[int, int], ...]] | None = None,
) -> _AsBooked | None:
    """The day ``day`` of ``plan`` (its stored ``doc`` with its ``timing``) as the core
    reads it, with the metres between its places if ``metres``; an open proposal's start
    windows those of its opening hours, or ``windows[proposal id]`` when given there;
    ``None``: a place of the plan unknown."""
    stops = doc.get("stops") or []
    points = [
        _point(timing.get("start")),
        *(_point(s) for s in stops),
        _point(doc.get("end") or plan.result.get("home")),
    ]
    if any(p is None for p in points):
        return None
    places: list[GeoPoint] = [p for p in points if p is not None]
    known = len(places)
    index: dict[GeoPoint, int] = {}
    for i, p in enumerate(places):
        index.setdefault(p, i)
    placeless = False
    day_stops: list[DayStop] = []
    opens: dict[int, int] = {}
    fixed: dict[int, int] = {}
    for item in day.order:
        if isinstance(item, _Open):
            service = visit_seconds(item.proposal)
            given = windows.get(item.proposal.id) if windows is not None else None
            starts = (
                given
                if given is not None
                else planning_build.start_windows(item.opening or (), service)
            )
            opens[item.proposal.id] = len(day_stops)
            day_stops.append(DayStop(item.place, service, starts))
            continue
        where = _place(item)
        if where is None:
            placeless, place = True, -1
        else:
            place = index.setdefault(where, len(places))
            if place == len(places):
                places.append(where)
        length = int((item.ends_at - item.starts_at).total_seconds())
        fixed[item.id] = len(day_stops)
        day_stops.append(DayStop(place, length, fixed_s=_seconds(item.starts_at)))
    if placeless:  # the last place of the matrix, without driving
        day_stops = [
            DayStop(len(places), s.service_s, s.windows, s.fixed_s) if s.place < 0 else s
            for s in day_stops
        ]
    needs_provider = len(places) > known or (metres and "distances_m" not in timing)
    graph = (travel or road_provider(settings or get_settings())) if needs_provider else None
    matrix, distances = _travel(places, known, timing, placeless, graph, metres=metres)
    cap = timing.get("max_driving_s")  # absent from older plans: no cap, as before
    frame = Leg(
        int(timing["depart_s"]),
        int(timing["return_s"]),
        _lunch(timing.get("lunch")),
        int(cap) if cap is not None else None,
    )
    as_booked = ReslotDay(
        frame,
        start=0,
        end=known - 1,
        stops=day_stops,
        travel=matrix,
        lunch_at=_lunch_at(doc, day),
        earliest_s=earliest,
    )
    return _AsBooked(as_booked, opens, fixed, distances)


def _beyond(
    read: _AsBooked, day: _Day, date: dt.date, found: BookedDay | None = None
) -> dict[int, BeyondHours]:
    """Where the day ``read`` (``day`` on ``date``) as booked goes beyond its working hours,
    by appointment (:func:`fieldcrm.routing.reslot.beyond_hours`; ``found``: that day as
    the caller timed it, :func:`figures_now`'s, so the note and the figures agree)."""
    frame = read.day.frame

    def moment(seconds: int | None) -> dt.datetime | None:
        return _at(date, seconds) if seconds is not None else None

    def minutes(seconds: int | None) -> int | None:
        return shown_minutes(seconds) if seconds is not None else None

    late = beyond_hours(read.day, found)
    return {
        appointment: BeyondHours(
            moment(late[k].leave_s),
            moment(late[k].back_s),
            _at(date, frame.depart_s),
            _at(date, frame.return_s),
            minutes(late[k].driving_s),
            minutes(frame.max_driving_s),
            on_route=appointment not in day.unplanned,
        )
        for appointment, k in read.fixed.items()
        if k in late
    }


def _day_slots(
    plan: PlanRow,
    doc: dict[str, Any],
    timing: dict[str, Any],
    date: dt.date,
    day: _Day,
    *,
    settings: Settings | None,
    travel: TravelTimes | None,
    earliest: int | None = None,
) -> SlotsNow | None:
    """The open proposals' slots of one day of a plan with its timing, and its bookings
    outside the working hours (said even when no proposal is left open); ``None``: a place
    of the plan unknown, the stored slots stand."""
    read = _as_booked(plan, doc, timing, day, settings=settings, travel=travel, earliest=earliest)
    if read is None:
        return None
    as_booked, opens, fixed = read.day, read.opens, read.fixed
    found = open_slots(as_booked)
    anytime: list[tuple[int, int] | None] | None = None
    made = sorted(day.news, key=lambda a: (a.updated_at, a.id), reverse=True)
    news = {fixed[a.id]: a for a in made}
    out = SlotsNow({}, {}, beyond=_beyond(read, day, date))
    for proposal_id, k in opens.items():
        window = found[k]
        if window is not None:
            out.slots[proposal_id] = (_at(date, window[0]), _at(date, window[1]))
            continue
        if earliest is not None:  # the slot it has at any time of the day: all past?
            if anytime is None:
                anytime = open_slots(replace(as_booked, earliest_s=None))
            was = anytime[k]
            if was is not None and was[1] < earliest:
                out.unfit[proposal_id] = Unfit("past")
                continue
        cause = unfit_cause(as_booked, stop=k, suspects=list(news))
        out.unfit[proposal_id] = _why(cause, news)
    return out


def _why(cause: Cause, news: dict[int, AppointmentRecord]) -> Unfit:
    """The :class:`Unfit` said for ``cause`` (:func:`fieldcrm.routing.reslot.unfit_cause`,
    whose suspects are the stops of the bookings ``news``, latest made first): the latest
    made booking without which the proposal would fit — the day fitted it before that
    booking, and a later one cannot take its place (the day without the later one still has
    it) — else the bookings since the plan together, else the day."""
    if cause.alone:
        first = news[cause.alone[0]]
        return Unfit("booking", first.title, first.starts_at)
    return Unfit("bookings") if cause.together else Unfit("day")


@dataclass(frozen=True)
class Bookable:
    """What a rep can book for a proposal: the first and last whole minutes of its slot, the
    start booked when the rep picks none (the planned start, to the minute), and how long
    the visit lasts (``visit_minutes``): the length its slot is computed for — a visit
    started at any minute of it and lasting that long keeps the day feasible —, shown on its
    card before booking."""

    first: dt.datetime
    last: dt.datetime
    at: dt.datetime
    visit_minutes: int


def _instant(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, plan_dates.company_zone())


def visit_seconds(proposal: ProposalRow) -> int:
    """How long a visit of ``proposal`` lasts in the slots of now and once booked: its
    account's visit length, the planner's service time (the appointment a booking makes,
    :func:`fieldcrm.store.plans.decide_proposal`)."""
    return max(0, proposal.visit_minutes) * 60


def bookable(
    proposal: ProposalRow, planned: dt.datetime | None = None, *, visit_minutes: int | None = None
) -> Bookable | None:
    """The bookable minutes of ``proposal``'s stored slot (:func:`bookable_between`), for a
    visit of ``visit_minutes`` (the plan's, :func:`planned_minutes`; ``None``:
    :func:`visit_seconds`)."""
    if visit_minutes is None:
        visit_minutes = visit_seconds(proposal) // 60
    return bookable_between(
        proposal.slot_start, proposal.slot_end, planned, visit_minutes=visit_minutes
    )


def bookable_between(
    slot_start: dt.datetime,
    slot_end: dt.datetime,
    planned: dt.datetime | None = None,
    *,
    visit_minutes: int,
) -> Bookable | None:
    """The bookable minutes of the slot ``slot_start``–``slot_end`` of a visit lasting
    ``visit_minutes`` (the length the slot was computed for) and its default start
    (``planned``, the plan's start of the visit, rounded up and kept in the slot; else the
    slot's first minute); ``None`` when the slot holds no whole minute. One rule with the
    planner's (:func:`fieldcrm.routing.schedule.whole_minutes`,
    :func:`~fieldcrm.routing.schedule.booking_start`), on instants (French offsets are whole
    hours: a whole minute is one everywhere)."""
    a = math.ceil(slot_start.timestamp())
    b = math.floor(slot_end.timestamp())
    first, last = whole_minutes((a, b))
    if first > last:
        return None
    at = booking_start(math.ceil(planned.timestamp()), (a, b)) if planned else first
    return Bookable(_instant(first), _instant(last), _instant(at), visit_minutes)


def planned_starts(plan: PlanRow) -> dict[int, dt.datetime]:
    """Each proposal's planned start in ``plan.result`` (:func:`planned_stops`)."""
    return {
        k: dt.datetime.fromisoformat(stop["start"])
        for k, stop in planned_stops(plan).items()
        if stop.get("start")
    }


def planned_stops(plan: PlanRow) -> dict[int, dict[str, Any]]:
    """Each proposal's planned stop in ``plan.result``, by proposal id (matched on account
    and slot start): one matching for its planned start and length."""
    ids = {(p.account_id, p.slot_start): p.id for p in plan.proposals}
    out: dict[int, dict[str, Any]] = {}
    for day in plan.result.get("days", []):
        for stop in day.get("stops", []):
            if stop.get("kind") != "candidate" or not stop.get("slot_start"):
                continue
            key = (stop.get("account_id"), dt.datetime.fromisoformat(stop["slot_start"]))
            if key in ids:
                out[ids[key]] = stop
    return out


def planned_minutes(plan: PlanRow) -> dict[int, int]:
    """Each proposal's visit length in ``plan.result``, in minutes: the time its planned
    stop lasts (the planner's service time, what its stored slot was computed for; matched
    on account and slot start, :func:`planned_stops`)."""
    out: dict[int, int] = {}
    for k, stop in planned_stops(plan).items():
        if stop.get("start") and stop.get("departure"):
            lasts = dt.datetime.fromisoformat(stop["departure"]) - dt.datetime.fromisoformat(
                stop["start"]
            )
            out[k] = round(lasts.total_seconds() / 60)
    return out


def bookable_slots(plan: PlanRow) -> dict[int, Bookable]:
    """:func:`bookable` for each proposal of ``plan`` with a whole minute to book, by id (its
    stored slot, for the visit length its plan used)."""
    starts = planned_starts(plan)
    lengths = planned_minutes(plan)
    out = {}
    for p in plan.proposals:
        found = bookable(p, starts.get(p.id), visit_minutes=lengths.get(p.id))
        if found is not None:
            out[p.id] = found
    return out


@dataclass(frozen=True)
class CurrentSlots:
    """What each proposal of a plan can be booked at now (:class:`Bookable`, by id; none
    when no whole minute is left), why an open one no longer fits (by id), and the open ones
    whose account is booked elsewhere since the plan (``booked``, :func:`booked_elsewhere`:
    neither bookable nor unfit)."""

    bookable: dict[int, Bookable]
    unfit: dict[int, Unfit]
    booked: dict[int, NearBooking] = field(default_factory=dict)
    visited: dict[int, VisitedSince] = field(default_factory=dict)
    """The open ones whose account was visited and is not due again on their day
    (:func:`visited_since`): neither bookable nor unfit."""
    beyond: dict[int, BeyondHours] = field(default_factory=dict)
    """Where the days as booked go beyond their working hours (:attr:`SlotsNow.beyond`)."""


def current_slots(
    session: Session,
    plan: PlanRow,
    *,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    now: dt.datetime | None = None,
    moves: Mapping[dt.date, Mapping[int, dt.datetime]] | None = None,
) -> CurrentSlots:
    """The proposals' slots given what is booked now (:func:`slots_now`: recomputed wherever
    the plan stored its timing; the stored ones on an unchanged day of an older plan; none
    before ``now``, the clock's time unless given); the default minute stays the planned
    start, kept in the slot; the visit length, the one the slot is for and a booking lasts
    (:func:`visit_seconds`). A stored slot was computed for its plan's length
    (:func:`planned_minutes`): when the account's visit length changed since, the slot is not
    known to hold the visit a booking would make (``old_plan``, :data:`OLD_PLAN`)."""
    moment = now if now is not None else plan_dates.now()
    recomputed = slots_now(session, plan, settings=settings, travel=travel, now=moment, moves=moves)
    starts = planned_starts(plan)
    lengths = planned_minutes(plan)
    out: dict[int, Bookable] = {}
    unfit = dict(recomputed.unfit)
    for p in plan.proposals:
        if p.id in unfit or p.id in recomputed.booked or p.id in recomputed.visited:
            continue
        slot = recomputed.slots.get(p.id)
        planned = lengths.get(p.id)
        if (
            slot is None
            and p.status == "proposed"
            and planned not in (None, visit_seconds(p) // 60)
        ):
            unfit[p.id] = Unfit("old_plan")  # a booking would last longer or shorter
            continue
        found = (
            bookable_between(
                slot[0], slot[1], starts.get(p.id), visit_minutes=visit_seconds(p) // 60
            )
            if slot is not None
            else bookable(p, starts.get(p.id), visit_minutes=planned)
        )
        if found is not None:
            out[p.id] = found
    return CurrentSlots(out, unfit, recomputed.booked, recomputed.visited, recomputed.beyond)


def plan_day_index(plan: PlanRow, day: dt.date) -> int | None:
    """The index of ``day`` among the planned days of ``plan`` (``plan.result["days"]``),
    matched on each day's own date; ``None`` when ``plan`` does not plan it (a trip's
    weekend or public holiday, or a plan stored without its days)."""
    days = plan.result.get("days") or []
    return next((i for i, d in enumerate(days) if d.get("day") == day.isoformat()), None)
