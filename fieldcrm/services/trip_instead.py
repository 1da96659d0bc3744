"""A day that only holds as a trip: planned as that trip, by the same trip planner.

Planning a day is refused when a fixed appointment cannot be reached from home within the
working day, or when the rep cannot be back home by its end
(:class:`~fieldcrm.routing.realise.OutOfReach`). Then, and only then, the same appointments
(none moved) are planned by :func:`~fieldcrm.services.planning.plan_trip` as a trip that
starts the day before (or ends the day after, or both), a night away joining them: stored
as a trip plan with the day it replaces and why (``result.instead_of``), shown on « Ma
journée » with its hotel night and euros and a link to the trip. A night away joins
consecutive calendar days only, so the day added must be worked (weekends and public
holidays are off unless the settings work them or an appointment is booked that day,
:func:`~fieldcrm.routing.calendar.stretch`) and not past; when it is not, or when the trip
cannot be planned either, :class:`NoTripEither` says why, as data (worded in the reader's
language by :func:`fieldcrm.pages.trip_instead.no_trip_text`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor
from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import FieldcrmError, Infeasible, InvalidInput
from fieldcrm.routing.calendar import Stretch, stretch
from fieldcrm.routing.realise import OutOfReach
from fieldcrm.routing.travel import TravelTimes
from fieldcrm.services import appointments, plan_dates, planning
from fieldcrm.store.plans import PlanRow

Why = Literal["day_off", "past", "tried"]
"""Why the trip that would hold a refused day is not planned either: a day it needs is not
worked (``trip.off``), its first day is past, or the trip planner refused it too."""


class NoTripEither(Infeasible):
    """The day ``day`` is refused (:attr:`refused`, whose sentence this error's message is)
    and the trip ``trip`` that would hold it cannot be planned either, for the reason
    :attr:`why` (:data:`Why`, data in no language: the page words it in the reader's,
    :func:`fieldcrm.pages.trip_instead.why_text`); the trip planner's own refusal, when it
    gave one, is :attr:`error` (said after it)."""

    def __init__(
        self,
        refused: OutOfReach,
        trip: Stretch,
        why: Why,
        error: FieldcrmError | None = None,
        *,
        day: dt.date,
    ) -> None:
        self.refused = refused
        self.trip = trip
        self.why: Why = why
        self.error = error
        self.day = day
        super().__init__(str(refused))


def plan_day_or_trip(
    session: Session,
    *,
    actor: Actor,
    rep_id: int,
    day: dt.date,
    time_limit_s: float | None = None,
    settings: Settings | None = None,
    travel: TravelTimes | None = None,
    now: dt.datetime | None = None,
) -> PlanRow:
    """The plan of the rep's ``day`` (:func:`~fieldcrm.services.planning.plan_day`); when
    the day is refused because an appointment cannot be held from home, the trip from the
    day before and/or to the day after, planned and stored instead (kind ``"trip"``,
    ``result.instead_of``).

    Raises the day's refusal as it was for any other reason, and :class:`NoTripEither`
    when that trip cannot be planned (a day it needs is not worked or past, or the trip
    planner refuses it too); nothing is written then.
    """
    try:
        return planning.plan_day(
            session,
            actor=actor,
            rep_id=rep_id,
            day=day,
            time_limit_s=time_limit_s,
            settings=settings,
            travel=travel,
            now=now,
        )
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
        "refusal": str(refused),
        "before": before,
        "after": after,
    }
    try:
        return planning.plan_trip(
            session,
            actor=actor,
            rep_id=rep_id,
            start_day=trip.first,
            end_day=trip.last,
            time_limit_s=time_limit_s,
            settings=cfg,
            travel=travel,
            now=now,
            instead_of=instead_of,
        )
    except (Infeasible, InvalidInput) as exc:
        raise NoTripEither(refused, trip, "tried", exc, day=day) from exc
