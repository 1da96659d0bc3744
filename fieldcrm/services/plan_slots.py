"""The slots a stored plan's open proposals have now, once some of its visits are decided.

A plan gives each proposal a slot computed with all the others open. Once the rep accepts
one (an appointment at the minute booked) or rejects one, or the day's appointments change,
those slots are stale: :func:`slots_now` rebuilds each changed day as it is now — the plan's
route order, the booked visits and the day's appointments fixed at their minute, the open
proposals with their opening hours and today's visit length, the rejected ones gone — and
asks the pure core (:func:`fieldcrm.routing.reslot.open_slots`) for the slots, with the
planner's frame of the day (departure, return, lunch) and its driving seconds, both stored
with the plan (``result.days[].timing``, ``stops[].opening_s``). Driving seconds are asked
of the planner's provider only for a place the plan did not know (an appointment booked or
moved elsewhere since), counted as the booking check counts them. A plan stored before
these were kept, or a day nothing changed in, keeps its stored slots.

Ordering: the open proposals keep their place after the fixed stop they followed in the
plan; fixed stops go in time order; an appointment new to the plan comes before the first
stop planned to start at or after it. An appointment without a located place is a stop
without driving to or from it (the booking check only looks at its times).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.agenda.times import day_span, hm
from fieldcrm.config import Settings, get_settings
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.problem import Lunch
from fieldcrm.routing.reslot import DayStop, open_slots
from fieldcrm.routing.schedule import Leg
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import planning_build
from fieldcrm.services.roads import road_provider
from fieldcrm.store import appointments as booked_store
from fieldcrm.store.appointments import AppointmentRecord
from fieldcrm.store.plans import PARIS, PlanRow, ProposalRow


@dataclass(frozen=True)
class Unfit:
    """Why an open proposal no longer fits: the latest booking of its day (``None``: the day
    changed otherwise), with its start."""

    booking: str | None
    at: dt.datetime | None

    def sentence(self, subject: str | None = None) -> str:
        """The French sentence said in place of the slot; with ``subject`` (the account's
        name), a sentence naming it (a refused acceptance)."""
        head = f"« {subject} » ne tient plus" if subject else "Ne tient plus"
        if self.booking is None or self.at is None:
            return f"{head} dans la journée telle qu’elle est réservée : replanifiez la journée."
        return (
            f"{head} depuis la réservation de « {self.booking} » à {hm(self.at, PARIS)} : "
            "replanifiez la journée."
        )


@dataclass(frozen=True)
class SlotsNow:
    """The open proposals of the plan's changed days: the first and last whole minutes each
    can be booked at now, or why it no longer fits (by proposal id). A proposal in neither
    keeps its stored slot."""

    slots: dict[int, tuple[dt.datetime, dt.datetime]]
    unfit: dict[int, Unfit]


@dataclass(frozen=True)
class _Open:
    proposal: ProposalRow
    place: int
    opening: tuple[tuple[int, int], ...]
    planned: dt.datetime


def _seconds(moment: dt.datetime) -> int:
    """Wall-clock seconds since the local midnight, as the planner counts times of day."""
    t = moment.astimezone(PARIS).time()
    return t.hour * 3600 + t.minute * 60 + t.second


def _at(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=PARIS) + dt.timedelta(seconds=seconds)


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


def _read_day(
    day: dict[str, Any],
    proposals: dict[tuple[int, dt.datetime], ProposalRow],
    booked: Sequence[AppointmentRecord],
) -> _Day | None:
    """The day now, or ``None`` when the stored plan lacks what it takes (an older plan)."""
    by_id = {a.id: a for a in booked}
    by_proposal = {a.proposal_id: a for a in booked if a.proposal_id is not None}
    used: set[int] = set()
    changed = False
    news: list[AppointmentRecord] = []
    sequence: list[AppointmentRecord | _Open] = []
    plan_stop: dict[int, int] = {}
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
        if proposal.status == "proposed":
            if not isinstance(stop.get("opening_s"), list):
                return None
            opening = tuple((int(a), int(b)) for a, b in stop["opening_s"])
            planned = dt.datetime.fromisoformat(stop["start"])
            sequence.append(_Open(proposal, j + 1, opening, planned))
            continue
        changed = True
        booking = by_proposal.get(proposal.id) if proposal.status == "accepted" else None
        if booking is not None:  # accepted and still booked this day
            used.add(booking.id)
            news.append(booking)
            sequence.append(booking)
            plan_stop[booking.id] = j
    extra = [a for a in booked if a.id not in used]
    changed = changed or bool(extra)
    news += extra
    return _Day(_ordered(sequence, extra), changed, news, plan_stop)


def _lunch_at(doc: dict[str, Any], day: _Day) -> int | None:
    """How many stops of the day as it is now come before the plan's lunch (``None``: the
    plan has no lunch that day): those the plan had before it, and new appointments ending
    by its start."""
    if not doc.get("lunch"):
        return None
    eats = dt.datetime.fromisoformat(doc["lunch"])
    stops = doc.get("stops") or []
    before = sum(1 for s in stops if dt.datetime.fromisoformat(s["departure"]) <= eats)
    count = 0
    for item in day.order:
        if isinstance(item, _Open):
            ahead = item.place - 1 < before
        else:
            j = day.plan_stop.get(item.id)
            ahead = j < before if j is not None else item.ends_at <= eats
        count += ahead
    return count


def _ordered(
    sequence: list[AppointmentRecord | _Open], extra: list[AppointmentRecord]
) -> list[AppointmentRecord | _Open]:
    """The day's route now: the plan's fixed stops in time order, each followed by the open
    proposals that followed it in the plan (those before any fixed stop first); then each
    appointment new to the plan, in time order, before the first stop planned to start at
    or after it."""
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
    stored: list[list[int]],
    placeless: bool,
    graph: TravelTimes | None,
) -> list[list[int]]:
    """Driving seconds between ``points``: the plan's own when it knew them all (its first
    ``known`` points), else the planner's provider; a last place without driving to or from
    it when some appointment has no place."""
    if len(points) == known:
        matrix = [list(row) for row in stored]
    else:
        found, _source = planning_build.travel_matrix(points, graph)
        matrix = planning_build.drive_seconds(found)
    if placeless:
        matrix = [[*row, 0] for row in matrix] + [[0] * (len(matrix) + 1)]
    return matrix


def slots_now(
    session: Session,
    plan: PlanRow,
    *,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
) -> SlotsNow:
    """The slots of ``plan``'s open proposals on the days that changed since it was made
    (:class:`SlotsNow`); ``travel`` overrides the settings' road provider."""
    proposals = {(p.account_id, p.slot_start): p for p in plan.proposals}
    slots: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    unfit: dict[int, Unfit] = {}
    for doc in plan.result.get("days") or []:
        timing = doc.get("timing")
        if not isinstance(timing, dict) or not doc.get("day"):
            continue
        date = dt.date.fromisoformat(doc["day"])
        first, last = day_span(date, date, PARIS)
        booked = booked_store.between(session, rep_id=plan.rep_id, start=first, end=last)
        day = _read_day(doc, proposals, booked)
        if day is None or not day.changed:
            continue
        stops = doc.get("stops") or []
        points = [
            _point(timing.get("start")),
            *(_point(s) for s in stops),
            _point(doc.get("end") or plan.result.get("home")),
        ]
        if any(p is None for p in points):
            continue
        places: list[GeoPoint] = [p for p in points if p is not None]
        known = len(places)
        index: dict[GeoPoint, int] = {}
        for i, p in enumerate(places):
            index.setdefault(p, i)
        placeless = False
        day_stops: list[DayStop] = []
        opens: dict[int, int] = {}
        for item in day.order:
            if isinstance(item, _Open):
                service = max(0, item.proposal.visit_minutes) * 60
                windows = planning_build.start_windows(item.opening, service)
                opens[item.proposal.id] = len(day_stops)
                day_stops.append(DayStop(item.place, service, windows))
                continue
            where = _place(item)
            if where is None:
                placeless, place = True, -1
            else:
                place = index.setdefault(where, len(places))
                if place == len(places):
                    places.append(where)
            length = int((item.ends_at - item.starts_at).total_seconds())
            day_stops.append(DayStop(place, length, fixed_s=_seconds(item.starts_at)))
        if not opens:
            continue
        if placeless:  # the last place of the matrix, without driving
            day_stops = [
                DayStop(len(places), s.service_s, s.windows, s.fixed_s) if s.place < 0 else s
                for s in day_stops
            ]
        needs_provider = len(places) > known
        graph = (travel or road_provider(settings or get_settings())) if needs_provider else None
        matrix = _travel(places, known, timing["durations_s"], placeless, graph)
        frame = Leg(int(timing["depart_s"]), int(timing["return_s"]), _lunch(timing.get("lunch")))
        found = open_slots(
            frame,
            start=0,
            end=known - 1,
            stops=day_stops,
            travel=matrix,
            lunch_at=_lunch_at(doc, day),
        )
        latest = max(day.news, key=lambda a: (a.updated_at, a.id), default=None)
        why = Unfit(latest.title, latest.starts_at) if latest else Unfit(None, None)
        for proposal_id, k in opens.items():
            window = found[k]
            if window is None:
                unfit[proposal_id] = why
            else:
                slots[proposal_id] = (_at(date, window[0]), _at(date, window[1]))
    return SlotsNow(slots, unfit)
