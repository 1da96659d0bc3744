"""A day that only holds as a trip: planned as that trip, by the same trip planner.

Planning a day is refused when a fixed appointment cannot be reached from home within the
working day, or when the rep cannot be back home by its end
(:class:`~fieldcrm.routing.realise.OutOfReach`). Then, and only then, the same appointments
(none moved) are planned by :func:`~fieldcrm.services.planning.plan_trip` as a trip that
starts the day before (or ends the day after, or both), a night away joining them: queued
as a trip planning job (:func:`~fieldcrm.services.planning_jobs.start_trip_planning`, the
trip's search is longer than a web request should last), stored by the worker as a trip
plan with the day it replaces and why (``result.instead_of``), shown on « Ma journée » with
its hotel night and euros and a link to the trip. A night away joins consecutive calendar
days only, so the day added must be worked (weekends and public holidays are off unless the
settings work them or an appointment is booked that day,
:func:`~fieldcrm.routing.calendar.stretch`) and not past; when it is not,
:class:`NoTripEither` says why at once, as data (worded in the reader's language by
:func:`fieldcrm.pages.trip_instead.no_trip_text`); when the trip planner refuses the trip
too, its job fails with the reason, as any trip job does
(:func:`~fieldcrm.services.planning_jobs.failure_message`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor
from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import Infeasible
from fieldcrm.routing.calendar import Stretch, stretch
from fieldcrm.routing.realise import OutOfReach
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import appointments, plan_dates, planning, planning_jobs
from fieldcrm.store.plans import PlanRow

Why = Literal["day_off", "past"]
"""Why the trip that would hold a refused day is not planned: a day it needs is not worked
(``trip.off``), or its first day is past. (A trip the planner refuses fails as its job.)"""


class NoTripEither(Infeasible):
    """The day ``day`` is refused (:attr:`refused`, whose sentence this error's message is)
    and the trip ``trip`` that would hold it cannot be planned either, for the reason
    :attr:`why` (:data:`Why`, data in no language: the page words it in the reader's,
    :func:`fieldcrm.pages.trip_instead.why_text`)."""

    def __init__(
        self,
        refused: OutOfReach,
        trip: Stretch,
        why: Why,
        *,
        day: dt.date,
    ) -> None:
        self.refused = refused
        self.trip = trip
        self.why: Why = why
        self.day = day
        super().__init__(str(refused))


@dataclass(frozen=True)
class DayOrTrip:
    """What planning a day gave: the day's plan (:attr:`plan`), or the job queued to plan the
    trip that holds it instead (:attr:`trip_job_id`, followed at ``/taches/{id}``)."""

    plan: PlanRow | None = None
    trip_job_id: int | None = None


def plan_day_or_queue_trip(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    day: dt.date,
    time_limit_s: float | None = None,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    now: dt.datetime | None = None,
) -> DayOrTrip:
    """The plan of the rep's ``day`` (:func:`~fieldcrm.services.planning.plan_day`); when
    the day is refused because an appointment cannot be held from home, the trip from the
    day before and/or to the day after queued instead
    (:func:`~fieldcrm.services.planning_jobs.start_trip_planning`): the worker stores it as
    a trip plan with the day it replaces and why (kind ``"trip"``, ``result.instead_of``).

    A trip still queued or running in place of that day, asked for the day as it is now,
    is not queued again: its job is given
    (:func:`~fieldcrm.services.planning_jobs.waiting_instead_of`).

    Raises the day's refusal as it was for any other reason, and :class:`NoTripEither`
    when a day that trip needs is not worked or past; nothing is written then.
    """
    try:
        plan = planning.plan_day(
            session,
            actor=actor,
            rep_id=rep_id,
            day=day,
            time_limit_s=time_limit_s,
            settings=settings,
            travel=travel,
            now=now,
        )
        return DayOrTrip(plan=plan)
    except OutOfReach as exc:
        refused = exc
    sides = refused.extends
    if sides is None:  # an appointment out of reach inside the day: no night next to it helps
        raise refused
    before, after = sides
    cfg = settings or get_settings()
    near = appointments.agenda(
        session,
        actor=actor,
        rep_id=rep_id,
        first=day - dt.timedelta(days=1),
        last=day + dt.timedelta(days=1),
        settings=cfg,
    )
    zone = plan_dates.company_zone(cfg)  # the company's days: the setting, one source
    booked = frozenset(a.starts_at.astimezone(zone).date() for a in near)
    trip = stretch(
        day, before=before, after=after, weekends=cfg.planner_work_weekends, always=booked
    )
    if trip.off:
        raise NoTripEither(refused, trip, "day_off", day=day)
    if trip.first < plan_dates.today(now, zone=zone):
        raise NoTripEither(refused, trip, "past", day=day)
    instead_of: dict[str, Any] = {
        "day": day.isoformat(),
        "refusal": str(refused),  # the planner's sentence, for API readers
        "out_of_reach": refused.found[0].as_doc(),  # its data, worded when read
        "advice": refused.extends is not None,  # a night away holds it (checked above)
        "before": before,
        "after": after,
    }
    waiting = planning_jobs.waiting_instead_of(
        session, actor=actor, rep_id=rep_id, day=day, settings=cfg
    )
    if waiting is not None:  # asked already, for the day as it is: that one plans it
        session.commit()  # ends the transaction: nothing written, the lock let go
        return DayOrTrip(trip_job_id=waiting)
    job_id = planning_jobs.start_trip_planning(
        session,
        actor=actor,
        rep_id=rep_id,
        start_day=trip.first,
        end_day=trip.last,
        time_limit_s=time_limit_s,
        instead_of=instead_of,
        now=now,
        settings=cfg,
    )
    return DayOrTrip(trip_job_id=job_id)
